import { expect } from "chai";
import { createHash } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { createActor, snapshot, startTestApp, type Actor, type TestApp } from "../../helpers/app.js";
import { filesUnder, openContest, submit, videoSubmission } from "../../helpers/entries.js";
import { testMedia, type TestMedia } from "../../helpers/media.js";

const MiB = 1024 * 1024;

/** A real MP4 grown to `bytes` by a trailing `free` box (which players and ffprobe skip), its bytes varied so no run of them repeats. */
function paddedVideo(source: string, target: string, bytes: number): void {
  const head = readFileSync(source);
  const fd = openSync(target, "w");
  writeSync(fd, head);
  const box = Buffer.alloc(8);
  box.writeUInt32BE(bytes - head.length, 0);
  box.write("free", 4, "latin1");
  writeSync(fd, box);
  const chunk = Buffer.alloc(MiB);
  for (let left = bytes - head.length - 8, n = 0; left > 0; left -= chunk.length, n += 1) {
    chunk.fill(n % 251);
    writeSync(fd, chunk, 0, Math.min(chunk.length, left));
  }
  closeSync(fd);
}

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

// Files larger than the upload's background sync interval (32 MiB), so the syncs made while the file
// arrives are part of what is tested: the bytes kept, and a cut-off upload cleaned up while they run.
describe("uploads larger than one background sync", function () {
  this.timeout(120_000);
  let app: TestApp;
  let media: TestMedia;
  let contestId: string;
  let contestant: Actor;
  let dir: string;
  let big: string;

  before(async () => {
    media = await testMedia();
    dir = mkdtempSync(path.join(os.tmpdir(), "sw-large-upload-"));
    big = path.join(dir, "big.mp4");
    paddedVideo(media.valid1080, big, 80 * MiB);
    app = await startTestApp();
    ({ id: contestId } = await openContest(app, { title: "大文件上传", opensAt: "2026-01-01T00:00:00Z" }));
    contestant = await createActor(app, "contestant", { city: "保定" });
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("an 80 MiB video: 201, and the stored file's bytes and SHA-256 are exactly those sent; nothing left incoming", async () => {
    const res = await submit(app, contestId, contestant.token, videoSubmission(media, { files: { video: big } }));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const video = (res.body.entry.files as { role: string; sha256: string; size: number }[]).find(
      (f) => f.role === "video",
    )!;
    expect(video.size).to.equal(80 * MiB);
    expect(video.sha256).to.equal(sha256(big));
    const row = await app.db("entry_files").where({ entry_id: res.body.entry.id, role: "video" }).first();
    expect(row.sha256).to.equal(video.sha256);
    const storedFile = app.ctx.storage.pathOf(row.storage_key);
    expect(readFileSync(storedFile).equals(readFileSync(big))).to.equal(true);
    expect(filesUnder(app.ctx.config.uploadDir).filter((f) => f.startsWith(".incoming"))).to.deep.equal([]);
  });

  it("cut off after 48 MiB of the video (background syncs under way): no file and no row are left", async () => {
    const before = await snapshot(app.db);
    const uploads = filesUnder(app.ctx.config.uploadDir);
    let incomingSeen = false;
    const watch = setInterval(() => {
      incomingSeen ||= filesUnder(app.ctx.config.uploadDir).some((f) => f.startsWith(".incoming"));
    }, 20);
    const boundary = "----swlargeboundary";
    // Every text field valid, so the video is let through and written (not refused before its first byte).
    const fields = { ...videoSubmission(media).fields, title: "大文件中断" };
    const head = Buffer.from(
      Object.entries(fields)
        .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
        .join("") +
        `--${boundary}\r\nContent-Disposition: form-data; name="video"; filename="v.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
    );
    const video = readFileSync(big);
    const url = new URL(app.url);
    await new Promise<void>((resolve) => {
      const req = http.request({
        host: url.hostname,
        port: url.port,
        method: "POST",
        path: `/api/v1/contests/${contestId}/entries`,
        headers: {
          Authorization: `Bearer ${contestant.token}`,
          "Content-Type": `multipart/form-data; boundary=${boundary}`,
          "Content-Length": head.length + video.length + 100,
        },
      });
      req.on("error", () => resolve());
      req.write(head);
      req.write(video.subarray(0, 48 * MiB), () => {
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 300);
      });
    });
    clearInterval(watch);
    expect(incomingSeen, "the video was being written when the connection was cut").to.equal(true);
    // The server notices the abort asynchronously; give it a moment, then check nothing was left.
    for (let i = 0; i < 50 && filesUnder(app.ctx.config.uploadDir).length !== uploads.length; i += 1)
      await new Promise((r) => setTimeout(r, 100));
    expect(filesUnder(app.ctx.config.uploadDir)).to.deep.equal(uploads);
    expect(await snapshot(app.db)).to.deep.equal(before);
    expect(await app.db("entries").where({ title: "大文件中断" })).to.have.length(0);
  });
});
