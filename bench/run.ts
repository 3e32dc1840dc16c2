// `npm run bench`: every benchmark in turn, one figure a line. Speed lives here, never in tests.
// `npm run bench -- results upload` runs only the named ones.
import { runActivitiesBench } from "./activities.js";
import { runAssignmentBench } from "./assignment.js";
import { runBackupBench } from "./backup.js";
import { runPagesBench } from "./pages.js";
import { runLiveBench } from "./live.js";
import { runLoadBench } from "./load.js";
import { runNginxBench } from "./nginx.js";
import { runPgListsBench } from "./pg-lists.js";
import { runResultsBench } from "./results.js";
import { runSavesBench } from "./saves.js";
import { runUploadBench } from "./upload.js";

const benches: [string, () => Promise<string[]>][] = [
  ["upload", () => runUploadBench()],
  ["pages", () => runPagesBench()],
  ["assignment", runAssignmentBench],
  ["results", () => runResultsBench()],
  ["saves", () => runSavesBench()],
  ["load", () => runLoadBench()],
  ["pg-lists", () => runPgListsBench()],
  ["live", () => runLiveBench()],
  ["activities", () => runActivitiesBench()],
  ["nginx", () => runNginxBench()],
  ["backup", () => runBackupBench()],
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !benches.some(([known]) => known === name));
if (unknown.length > 0)
  throw new Error(`unknown bench ${unknown.join(", ")}; known: ${benches.map(([n]) => n).join(", ")}`);

for (const [name, run] of benches) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`# ${name}`);
  for (const line of await run()) console.log(line);
}
