// Upload benchmark (entries issue): a 1 GiB video uploaded over loopback to the real server, against
// `cp` of the same file on the same disk; prints both times, their ratio and the server's peak RSS.
// Goal: upload ≤ 2× cp, server peak RSS ≤ 200 MB whatever the file size.
// Run: npx tsx bench/upload.ts [sizeMiB]

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, createReadStream, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { testMedia } from "../test/helpers/media.js";

const ADMIN = { email: "bench@example.org", password: "Bench-pass-2026" };

/** A real MP4 padded to `bytes` with a trailing `free` box, which players and ffprobe skip. */
function paddedVideo(source: string, target: string, bytes: number): void {
  const head = readFileSync(source);
  const padding = bytes - head.length;
  const fd = openSync(target, "w");
  writeSync(fd, head);
  const box = Buffer.alloc(8);
  box.writeUInt32BE(padding, 0);
  box.write("free", 4, "latin1");
  writeSync(fd, box);
  const chunk = Buffer.alloc(8 * 1024 * 1024);
  for (let left = padding - 8; left > 0; left -= chunk.length) writeSync(fd, chunk, 0, Math.min(chunk.length, left));
  closeSync(fd);
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function api(
  base: string,
  method: string,
  url: string,
  body: unknown,
  token?: string,
): Promise<Record<string, unknown>> {
  const res = await fetch(base + url, {
    method,
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Streams a multipart entry from disk (never held in memory) and answers the seconds it took. */
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
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        headers: {
          Authorization: `Bearer ${token}`,
          "Content-Type": `multipart/form-data; boundary=${boundary}`,
          "Content-Length": length,
        },
      },
      (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () =>
          res.statusCode === 201
            ? resolve((performance.now() - started) / 1000)
            : reject(new Error(`upload: ${res.statusCode} ${text}`)),
        );
      },
    );
    req.on("error", reject);
    const next = (i: number): void => {
      if (i === parts.length) return void req.end();
      const part = parts[i];
      if (typeof part === "string") {
        req.write(part);
        return next(i + 1);
      }
      const stream = createReadStream(part.file, { highWaterMark: 1024 * 1024 });
      stream.pipe(req, { end: false });
      stream.on("end", () => next(i + 1));
    };
    next(0);
  });
}

function peakRssMiB(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024;
}

export async function runUploadBench(sizeMiB = 1024): Promise<string[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sw-bench-upload-"));
  const media = await testMedia();
  const big = path.join(dir, "big.mp4");
  paddedVideo(media.valid1080, big, sizeMiB * 1024 * 1024);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // The compiled server, as production runs it (npm run bench builds first).
  const server = spawn(
    process.execPath,
    [...(process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean), "dist/src/server.js"],
    {
      env: {
        ...process.env,
        PORT: String(port),
        DATA_DIR: path.join(dir, "data"),
        UPLOAD_DIR: path.join(dir, "uploads"),
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        LOG_LEVEL: "warn",
        DATABASE_URL: "",
      },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  try {
    for (let i = 0; i < 100; i += 1) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) break;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const admin = (await api(base, "POST", "/api/v1/auth/token", ADMIN)).token as string;
    const contestId = (
      (
        await api(
          base,
          "POST",
          "/api/v1/contests",
          {
            kind: "video",
            title: "上传基准",
            opensAt: "2026-01-01T00:00:00Z",
            closesAt: "2099-01-01T00:00:00Z",
            rules: { files: { video: { maxBytes: 4 * 1024 ** 3 } } },
          },
          admin,
        )
      ).contest as { id: string }
    ).id;
    await api(base, "POST", `/api/v1/contests/${contestId}/stage`, { to: "open" }, admin);
    await api(
      base,
      "POST",
      "/api/v1/users",
      {
        email: "uploader@example.org",
        password: "Upload-pass-1",
        name: "上传者",
        role: "contestant",
        city: "石家庄",
        unit: "基准",
      },
      admin,
    );
    const token = (
      await api(base, "POST", "/api/v1/auth/token", { email: "uploader@example.org", password: "Upload-pass-1" })
    ).token as string;

    // Warm the page cache for both, then time each.
    spawnSync("cat", [big], { stdio: ["ignore", "ignore", "ignore"] });
    const cpStart = performance.now();
    const cp = spawnSync("cp", [big, path.join(dir, "copy.mp4")]);
    if (cp.status !== 0) throw new Error("cp failed");
    const cpSeconds = (performance.now() - cpStart) / 1000;
    rmSync(path.join(dir, "copy.mp4"));
    const uploadSeconds = await upload(base, contestId, token, big, media.formPdf);
    const rss = peakRssMiB(server);
    return [
      `upload ${sizeMiB} MiB over loopback: ${uploadSeconds.toFixed(2)} s`,
      `cp of the same file: ${cpSeconds.toFixed(2)} s`,
      `upload / cp: ${(uploadSeconds / cpSeconds).toFixed(2)}x (goal ≤ 2x)`,
      `server peak RSS: ${rss.toFixed(0)} MiB (goal ≤ 200 MiB)`,
    ];
  } finally {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of await runUploadBench(Number(process.argv[2] ?? 1024))) console.log(line);
}
