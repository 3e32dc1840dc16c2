// `npm run bench`: every benchmark in turn, one figure a line. Speed lives here, never in tests.
import { runAssignmentBench } from "./assignment.js";
import { runResultsBench } from "./results.js";
import { runUploadBench } from "./upload.js";

const benches: [string, () => Promise<string[]>][] = [
  ["upload", () => runUploadBench()],
  ["assignment", runAssignmentBench],
  ["results", () => runResultsBench()],
];

for (const [name, run] of benches) {
  console.log(`# ${name}`);
  for (const line of await run()) console.log(line);
}
