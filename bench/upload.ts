// Upload benchmark (issue 11, goal 5): a contestant's durable upload of a real H.264 video through the
// HTTP API of the built server (a child process; the 201 comes only once the file is fsynced), against
// `cp` + fsync of the same file on the same disk; and the server's RSS: idle after start, and its peak
// (VmHWM) during uploads of each size, each size on a fresh server so its peak is its own.
// Goals: upload ≤ 1.5× cp + fsync; peak RSS ≤ 150 MB whatever the size; idle RSS ≤ 100 MB.
// Run: npm run bench -- upload (10 and 450 MiB); BENCH_UPLOAD_MIB=10,450,2048 adds the 2 GiB case;
// npx tsx bench/upload.ts 10 450 2048. With DATABASE_URL set the server runs on PostgreSQL in a schema
// of its own, dropped afterwards.

import { execFile, spawn, spawnSync, type ChildProcess } from "node:child_process";
import {
  closeSync,
  createReadStream,
  fsyncSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { createDb } from "../src/db/knex.js";
import { testMedia } from "../test/helpers/media.js";
import { urlWithSchema } from "./child-process.js";
import { serverNodeArgs } from "./server-args.js";

const run = promisify(execFile);
const ADMIN = { email: "bench@example.org", password: "Organizer-pass-2026" };
const CONTESTANT = { email: "uploader@example.org", password: "Upload-pass-1" };
const MiB = 1024 * 1024;
/** Sizes timed against cp + fsync (small files are all overhead, not throughput); smaller ones give RSS only. */
const TIMED_FROM_MIB = 100;
const ROUNDS = 2;

/** Four seconds of 1080p noise at ~29 Mbit/s: incompressible, so a longer video is its bytes, like a camera's. */
async function noiseClip(dir: string): Promise<{ file: string; bytesPerSecond: number }> {
  const file = path.join(dir, "clip.mp4");
  await run("ffmpeg", [
    ...["-v", "error", "-y", "-f", "lavfi", "-i", "color=c=0x336699:s=1920x1080:r=25:d=4,noise=alls=60:allf=t+u"],
    ...["-f", "lavfi", "-i", "sine=f=440:r=48000", "-t", "4", "-c:v", "libx264", "-preset", "ultrafast"],
    ...["-b:v", "24M", "-maxrate", "24M", "-bufsize", "48M", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", file],
  ]);
  return { file, bytesPerSecond: statSync(file).size / 4 };
}

/** A real video of about `bytes`: the clip looped without re-encoding (one mdat, moov in front). */
async function realVideo(clip: { file: string; bytesPerSecond: number }, target: string, bytes: number) {
  const seconds = (bytes / clip.bytesPerSecond).toFixed(2);
  await run("ffmpeg", [
    ...["-v", "error", "-y", "-stream_loop", "-1", "-i", clip.file, "-t", seconds],
    ...["-c", "copy", "-movflags", "+faststart", target],
  ]);
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function api(base: string, method: string, url: string, body: unknown, token?: string) {
  const res = await fetch(base + url, {
    method,
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Streams a multipart entry from disk (never held in memory) and answers the seconds until the 201. */
function upload(base: string, contestId: string, token: string, video: string, form: string): Promise<number> {
  const boundary = `----bench${Date.now()}`;
  const field = (name: string, value: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const fileHead = (name: string, filename: string, type: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`;
  const fields = [
    field("title", "基准测试"),
    field("category", "科普行动"),
    field("authors", JSON.stringify([{ name: "基准" }])),
    field("declaration", "true"),
  ].join("");
  const parts: (string | { file: string })[] = [
    fields,
    fileHead("form", "form.pdf", "application/pdf"),
    { file: form },
    "\r\n",
    fileHead("video", "big.mp4", "video/mp4"),
    { file: video },
    `\r\n--${boundary}--\r\n`,
  ];
  const length = parts.reduce((n, p) => n + (typeof p === "string" ? Buffer.byteLength(p) : statSync(p.file).size), 0);
  const url = new URL(`${base}/api/v1/contests/${contestId}/entries`);
  const started = performance.now();
  const answer = { status: 0, text: "" };
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        // A fresh connection: one kept alive from the last round may be closed by the server as it is reused.
        agent: false,
        headers: {
          Authorization: `Bearer ${token}`,
          "Content-Type": `multipart/form-data; boundary=${boundary}`,
          "Content-Length": length,
        },
      },
      (res) => {
        answer.status = res.statusCode ?? 0;
        res.on("data", (c) => (answer.text += c));
        res.on("end", () =>
          res.statusCode === 201
            ? resolve((performance.now() - started) / 1000)
            : reject(new Error(`upload: ${res.statusCode} ${answer.text}`)),
        );
      },
    );
    // A refusal may come while the body is still being sent, and the connection is closed after it.
    req.on("error", (err) => reject(answer.status ? new Error(`upload: ${answer.status} ${answer.text}`) : err));
    const next = (i: number): void => {
      if (i === parts.length) return void req.end();
      const part = parts[i];
      if (typeof part === "string") {
        req.write(part);
        return next(i + 1);
      }
      const stream = createReadStream(part.file, { highWaterMark: MiB });
      stream.pipe(req, { end: false });
      stream.on("end", () => next(i + 1));
    };
    next(0);
  });
}

/** The baseline: `cp` of the same file on the same disk, then the copy and its folder fsynced (durable, as the upload is). */
function cpAndFsync(file: string, copy: string): number {
  const started = performance.now();
  if (spawnSync("cp", [file, copy]).status !== 0) throw new Error("cp failed");
  for (const target of [copy, path.dirname(copy)]) {
    const fd = openSync(target, "r");
    fsyncSync(fd);
    closeSync(fd);
  }
  const seconds = (performance.now() - started) / 1000;
  rmSync(copy);
  return seconds;
}

/** Resident and peak resident memory of a process, in MB (10^6 bytes, as the goals say). */
function memoryMB(child: ChildProcess): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  const kB = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)![1]);
  return { rss: (kB("VmRSS") * 1024) / 1e6, peak: (kB("VmHWM") * 1024) / 1e6 };
}

interface BenchServer {
  base: string;
  child: ChildProcess;
  /** RSS once started and answering /healthz, before any other request. */
  idleMB: number;
  contestId: string;
  token: string;
  stop(): Promise<void>;
}

/** The compiled server as production runs it (npm run bench builds first), with a video contest open and a contestant. */
async function startServer(dir: string, pgSchema: string | null): Promise<BenchServer> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const pgUrl = process.env.DATABASE_URL;
  const databaseUrl = pgUrl && pgSchema ? urlWithSchema(pgUrl, pgSchema) : "";
  const child = spawn(process.execPath, serverNodeArgs(), {
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: path.join(dir, "data"),
      UPLOAD_DIR: path.join(dir, "uploads"),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "warn",
      DATABASE_URL: databaseUrl,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  };
  try {
    for (let i = 0; ; i += 1) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) break;
      } catch {
        if (i > 150 || child.exitCode !== null) throw new Error("the server did not start");
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await new Promise((r) => setTimeout(r, 1000));
    const idleMB = memoryMB(child).rss;
    const admin = (await api(base, "POST", "/api/v1/auth/token", ADMIN)).token as string;
    const contest = {
      kind: "video",
      title: "上传基准",
      opensAt: "2026-01-01T00:00:00Z",
      closesAt: "2099-01-01T00:00:00Z",
      rules: { files: { video: { maxBytes: 4 * 1024 * MiB, minSeconds: 0, maxSeconds: 36000 } } },
    };
    const contestId = ((await api(base, "POST", "/api/v1/contests", contest, admin)).contest as { id: string }).id;
    await api(base, "POST", `/api/v1/contests/${contestId}/stage`, { to: "open" }, admin);
    const user = { ...CONTESTANT, name: "上传者", role: "contestant", city: "石家庄", unit: "基准" };
    await api(base, "POST", "/api/v1/users", user, admin);
    const token = (await api(base, "POST", "/api/v1/auth/token", CONTESTANT)).token as string;
    return { base, child, idleMB, contestId, token, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export async function runUploadBench(
  sizesMiB = (process.env.BENCH_UPLOAD_MIB ?? "10,450").split(",").map(Number),
): Promise<string[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sw-bench-upload-"));
  const pgUrl = process.env.DATABASE_URL || null;
  // One PostgreSQL schema per server (a fresh database each), all dropped at the end.
  const schemas: string[] = [];
  const schemaDb = pgUrl ? createDb({ databaseUrl: pgUrl }) : null;
  const lines: string[] = [];
  try {
    const media = await testMedia();
    const clip = await noiseClip(dir);
    const db = pgUrl ? "PostgreSQL" : "SQLite";
    for (const mib of sizesMiB) {
      const video = path.join(dir, `video-${mib}.mp4`);
      await realVideo(clip, video, mib * MiB);
      const actualMiB = statSync(video).size / MiB;
      const pgSchema = schemaDb ? `bench_upload_${process.pid}_${mib}` : null;
      if (schemaDb && pgSchema) {
        schemas.push(pgSchema);
        await schemaDb.raw(`CREATE SCHEMA "${pgSchema}"`);
      }
      const server = await startServer(path.join(dir, `server-${mib}`), pgSchema);
      try {
        if (mib === sizesMiB[0])
          lines.push(`server idle RSS after start (${db}): ${server.idleMB.toFixed(0)} MB | goal ≤ 100 MB`);
        // The peak from here on is the uploads' (the setup's sign-ins hash passwords with argon2, 19 MiB each).
        writeFileSync(`/proc/${server.child.pid}/clear_refs`, "5");
        const timed = mib >= TIMED_FROM_MIB;
        const cpTimes: number[] = [];
        const uploadTimes: number[] = [];
        for (let round = 0; round < (timed ? ROUNDS : 1); round += 1) {
          // The file is read from the page cache by both, as a just-received upload would be.
          spawnSync("cat", [video], { stdio: ["ignore", "ignore", "ignore"] });
          if (timed) cpTimes.push(cpAndFsync(video, path.join(dir, `server-${mib}`, "uploads", "cp-copy")));
          uploadTimes.push(await upload(server.base, server.contestId, server.token, video, media.formPdf));
        }
        const peak = memoryMB(server.child).peak;
        if (timed) {
          const [up, cp] = [Math.min(...uploadTimes), Math.min(...cpTimes)];
          lines.push(
            `durable upload of a ${actualMiB.toFixed(0)} MiB video through the API (${db}): ${up.toFixed(2)} s | ` +
              `cp + fsync of the same file: ${cp.toFixed(2)} s | ${(up / cp).toFixed(2)}× (goal ≤ 1.5×; best of ${ROUNDS})`,
          );
        }
        lines.push(
          `server peak RSS (VmHWM) uploading ${actualMiB.toFixed(0)} MiB: ${peak.toFixed(0)} MB | goal ≤ 150 MB`,
        );
      } finally {
        await server.stop();
        rmSync(path.join(dir, `server-${mib}`), { recursive: true, force: true });
        rmSync(video, { force: true });
      }
    }
    return lines;
  } finally {
    if (schemaDb) {
      for (const schema of schemas) await schemaDb.raw(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await schemaDb.destroy();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizes = process.argv.slice(2).map(Number);
  for (const line of await runUploadBench(sizes.length > 0 ? sizes : undefined)) console.log(line);
}
