// The real server (src/server.ts through tsx) as a child process, for tests that stop, kill and restart
// it: its port, its JSON log lines as they come, and waits on conditions (never on the clock).
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { ready, spawnNode, urlWithSchema } from "../../bench/child-process.js";
import { freePort } from "../../bench/free-port.js";

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /**
   * The first JSON log line `matches` accepts, once it has come: a line the process wrote before it
   * answered may still be in the pipe. Fails if the process exits without writing one.
   */
  logLine(matches: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** Resolves when the process has exited (at once if it has). */
  exited: Promise<void>;
}

/**
 * The server on a free port over `dir`'s data/ and uploads/ folders, or on PostgreSQL `pgUrl` in schema
 * `pgSchema`; `env` adds to or overrides its environment. Resolves once it is ready (/readyz).
 */
export async function startServerProcess(options: {
  dir: string;
  pgUrl?: string | null;
  pgSchema?: string | null;
  env?: Record<string, string>;
}): Promise<ServerProcess> {
  const { dir, pgUrl, pgSchema } = options;
  const port = await freePort();
  const databaseUrl = pgUrl && pgSchema ? urlWithSchema(pgUrl, pgSchema) : "";
  const child = spawnNode(
    ["--import", "tsx", "src/server.ts"],
    {
      PORT: String(port),
      DATA_DIR: path.join(dir, "data"),
      UPLOAD_DIR: path.join(dir, "uploads"),
      SESSION_SECRET: "test-secret-0123456789",
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: "info",
      ...options.env,
    },
    "pipe",
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const logs: Record<string, unknown>[] = [];
  const lines = createInterface({ input: child.stdout! });
  lines.on("line", (line) => {
    try {
      logs.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // Not a log line (a tool's stray output): nothing a test asserts on.
    }
  });
  const logLine = (matches: (line: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const look = () => {
        const found = logs.find(matches);
        if (!found) return false;
        lines.off("line", look).off("close", ended);
        resolve(found);
        return true;
      };
      const ended = () => {
        if (!look()) reject(new Error("the server's log ended without the line looked for"));
      };
      if (!look()) lines.on("line", look).on("close", ended);
    });
  const url = `http://127.0.0.1:${port}`;
  await ready(url, child);
  return { url, child, logLine, exited };
}

/** SIGKILL: no handler runs, nothing is flushed or closed, as in a power cut of the process. */
export async function killHard(server: ServerProcess): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGKILL");
  await server.exited;
}
