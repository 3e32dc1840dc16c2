// nginx in front of app processes on this machine, with deploy/nginx/science-week.conf itself as the
// site (only its upstream ports and listen line replaced), in a folder of its own: its own config,
// pid, logs and temp paths on a free port, never the system's nginx service. For test/scale and the
// nginx bench.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./free-port.js";

export const NGINX = "/usr/sbin/nginx";
export const SITE_CONF = path.resolve("deploy/nginx/science-week.conf");

export interface Balancer {
  url: string;
  stop(): Promise<void>;
}

/** The shipped site with its upstream servers replaced by `ports` and its listen lines by one on 127.0.0.1:`listen`. */
export function siteFor(site: string, ports: number[], listen: number): string {
  const upstream = /^(\s*)server 127\.0\.0\.1:\d+( [^;]*)?;\n/gm;
  const lines = [...site.matchAll(upstream)];
  if (lines.length === 0) throw new Error(`${SITE_CONF} lists no upstream server 127.0.0.1:PORT`);
  const [first] = lines;
  const servers = ports.map((p) => `${first[1]}server 127.0.0.1:${p}${first[2] ?? ""};\n`).join("");
  const withServers =
    site.slice(0, first.index) + servers + site.slice(first.index + first[0].length).replace(upstream, "");
  const withListen = withServers
    .replace(/^\s*listen \[::\]:80;\n/m, "")
    .replace(/listen 80;/, `listen 127.0.0.1:${listen};`);
  if (!withListen.includes(`listen 127.0.0.1:${listen};`)) throw new Error(`${SITE_CONF} has no "listen 80;" line`);
  return withListen;
}

/** Starts nginx (in the foreground, as its child) balancing `ports`; resolves once `probe` answers through it. */
export async function startBalancer(ports: number[], probe = "/healthz"): Promise<Balancer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sw-nginx-"));
  // As root, nginx's workers run as nobody: they must reach their temp folders in here.
  chmodSync(dir, 0o755);
  const listen = await freePort();
  const errorLog = path.join(dir, "error.log");
  writeFileSync(path.join(dir, "site.conf"), siteFor(readFileSync(SITE_CONF, "utf8"), ports, listen));
  const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
    .map((t) => `    ${t}_temp_path ${path.join(dir, `${t}-temp`)};`)
    .join("\n");
  writeFileSync(
    path.join(dir, "nginx.conf"),
    `daemon off;
worker_processes 1;
pid ${path.join(dir, "nginx.pid")};
error_log ${errorLog} warn;
events { worker_connections 4096; }
http {
    access_log off;
${temp}
    include ${path.join(dir, "site.conf")};
}
`,
  );
  const child: ChildProcess = spawn(NGINX, ["-e", errorLog, "-p", dir, "-c", path.join(dir, "nginx.conf")], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${listen}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 300; i += 1) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(url + probe)).ok) return { url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const log = existsSync(errorLog) ? readFileSync(errorLog, "utf8") : "";
  await stop();
  throw new Error(`nginx did not answer ${probe} through the processes behind it: ${log}`);
}
