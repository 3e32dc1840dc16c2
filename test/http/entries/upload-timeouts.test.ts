import { expect } from "chai";
import http from "node:http";
import { createActor, startTestApp, type Actor, type TestApp } from "../../helpers/app.js";
import { filesUnder, openContest } from "../../helpers/entries.js";
import { applyServerTimeouts } from "../../../src/http/timeouts.js";

const boundary = "----swtimeoutboundary";
const head = Buffer.from(
  `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n慢速上传\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="video"; filename="v.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
);

/**
 * Sends `pieces` pieces of 64 KB, one every `everyMs`, then either finishes the body or stalls.
 * Answers how the request ended: the server's status, or "closed" when it hung up without answering.
 */
function slowUpload(
  app: TestApp,
  contestId: string,
  token: string,
  options: { pieces: number; everyMs: number; stall: boolean },
): Promise<number | "closed"> {
  const piece = Buffer.alloc(64 * 1024);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const total = head.length + options.pieces * piece.length + tail.length + (options.stall ? 1 : 0);
  const url = new URL(app.url);
  return new Promise((resolve) => {
    const req = http.request({
      host: url.hostname,
      port: url.port,
      method: "POST",
      path: `/api/v1/contests/${contestId}/entries`,
      headers: {
        Authorization: `Bearer ${token}`,
        "Content-Type": `multipart/form-data; boundary=${boundary}`,
        "Content-Length": String(total),
      },
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", () => resolve("closed"));
    req.on("close", () => resolve("closed"));
    req.write(head);
    let sent = 0;
    const timer = setInterval(() => {
      if (sent < options.pieces) {
        req.write(piece);
        sent += 1;
        return;
      }
      clearInterval(timer);
      // A stalled client sends nothing more and never ends its body.
      if (!options.stall) req.end(tail);
    }, options.everyMs);
  });
}

describe("uploads are timed by inactivity, not by their whole length (Trust item 6)", () => {
  let app: TestApp;
  let contestId: string;
  let contestant: Actor;

  before(async function () {
    this.timeout(60_000);
    app = await startTestApp({ env: { CONNECTION_IDLE_SECONDS: "2" } });
    applyServerTimeouts(app.server, app.ctx.config);
    ({ id: contestId } = await openContest(app, { opensAt: "2026-01-01T00:00:00Z" }));
    contestant = await createActor(app, "contestant", { city: "保定" });
  });
  after(() => app.close());

  it("the server sets no whole-request limit (Node's 300 s would cut a 500 MB video below ~14 Mbit/s) and keeps the headers' limit", () => {
    expect(app.server.requestTimeout).to.equal(0);
    expect(app.server.headersTimeout).to.equal(60_000);
    expect(app.server.timeout).to.equal(2000);
  });

  it("a slow but steady upload that lasts several idle periods is read to its end and answered", async function () {
    this.timeout(20_000);
    // 12 pieces, one every 250 ms: 3 s in all, never silent for the 2 s idle limit.
    const ended = await slowUpload(app, contestId, contestant.token, { pieces: 12, everyMs: 250, stall: false });
    expect(ended).to.be.a("number").within(400, 499);
  });

  it("an upload that stalls is closed after the idle limit and leaves no file behind", async function () {
    this.timeout(20_000);
    const uploads = filesUnder(app.ctx.config.uploadDir);
    const ended = await slowUpload(app, contestId, contestant.token, { pieces: 2, everyMs: 100, stall: true });
    expect(ended).to.equal("closed");
    for (let i = 0; i < 50 && filesUnder(app.ctx.config.uploadDir).length !== uploads.length; i += 1)
      await new Promise((r) => setTimeout(r, 100));
    expect(filesUnder(app.ctx.config.uploadDir)).to.deep.equal(uploads);
  });
});
