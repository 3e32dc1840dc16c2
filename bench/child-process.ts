import { spawn, type ChildProcess } from "node:child_process";
import { serverNodeArgs } from "./server-args.js";

/** A Node process as `npm start` runs one (its V8 flags), running `script`, with `env` over this environment. */
export function spawnNode(script: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, serverNodeArgs(script), {
    env: { ...process.env, NODE_ENV: "", ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** Waits until the app at `base` answers /healthz. */
export async function ready(base: string): Promise<void> {
  for (let i = 0; i < 150; i += 1) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${base} did not start`);
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}
