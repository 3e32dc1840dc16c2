import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { BENCH_SESSION_SECRET } from "./bench-db.js";
import { serverNodeArgs } from "./server-args.js";

/**
 * A Node process as `npm start` runs one (its V8 flags), running `script`, with `env` over this environment;
 * its standard output (the JSON log) dropped, or piped for a caller that reads the log.
 */
export function spawnNode(
  script: string[],
  env: Record<string, string>,
  stdout: "ignore" | "pipe" = "ignore",
): ChildProcess {
  return spawn(process.execPath, serverNodeArgs(script), {
    env: { ...process.env, NODE_ENV: "", ...env },
    stdio: ["ignore", stdout, "inherit"],
  });
}

/**
 * Waits until the app at `base` is ready: /readyz 200, its migrations done (up to 2 minutes: tsx compiling
 * on a busy 2-core machine is slow). Given the app's `child`, fails at once if it exits, and kills it if it
 * never gets ready, so that a failed start leaves no process behind to hold the caller open.
 */
export async function ready(base: string, child?: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i += 1) {
    if (child && (child.exitCode !== null || child.signalCode !== null))
      throw new Error(`${base} exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child?.kill("SIGKILL");
  throw new Error(`${base} did not start`);
}

/** Every start of `starts`; if one fails, the ones that did start are stopped, then its error is thrown. */
export async function allStarted<T extends { child: ChildProcess }>(starts: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(starts);
  const failed = results.find((result) => result.status === "rejected");
  if (!failed) return results.map((result) => (result as PromiseFulfilledResult<T>).value);
  await Promise.all(results.flatMap((result) => (result.status === "fulfilled" ? [stop(result.value.child)] : [])));
  throw failed.reason;
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

/** A PostgreSQL URL whose connections use `schema` (how a server process is told its schema), and `more` parameters. */
export function urlWithSchema(pgUrl: string, schema: string, more: Record<string, string> = {}): string {
  // %20, not URLSearchParams' "+": libpq (pg_dump, psql) reads a "+" as itself.
  const params = Object.entries({ options: `-c search_path=${schema}`, ...more })
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join("&");
  return `${pgUrl}${pgUrl.includes("?") ? "&" : "?"}${params}`;
}

/** The built server as production runs it, on `port` over the bench's database (on PostgreSQL, its schema). */
export function spawnServer(
  port: number,
  bench: { dir: string; pgUrl: string | null; pgSchema: string | null },
  logLevel: string,
): ChildProcess {
  const { dir, pgUrl, pgSchema } = bench;
  // The server's own connection string: PostgreSQL's search_path names the bench's schema.
  const databaseUrl = pgUrl && pgSchema ? urlWithSchema(pgUrl, pgSchema) : "";
  return spawnNode(["dist/src/server.js"], {
    PORT: String(port),
    DATA_DIR: path.join(dir, "data"),
    UPLOAD_DIR: path.join(dir, "uploads"),
    SESSION_SECRET: BENCH_SESSION_SECRET,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: logLevel,
  });
}
