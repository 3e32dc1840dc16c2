import { readFileSync } from "node:fs";

/**
 * Node's arguments for a server process as `npm start` runs the app: its V8 flags (read from
 * package.json, so the benches cannot drift from it), then BENCH_NODE_ARGS (e.g. --cpu-prof), then
 * `script` (by default the app's own; or e.g. `-e` and a program).
 */
export function serverNodeArgs(script?: string[]): string[] {
  const { scripts } = JSON.parse(readFileSync("package.json", "utf8")) as { scripts: { start: string } };
  const [command, ...startArgs] = scripts.start.split(" ").filter(Boolean);
  if (command !== "node") throw new Error(`npm start runs "${scripts.start}", not node: update bench/server-args.ts`);
  const appScript = startArgs.pop()!;
  return [...startArgs, ...(process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean), ...(script ?? [appScript])];
}
