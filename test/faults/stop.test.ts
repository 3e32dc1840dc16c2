import { expect } from "chai";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFileSync, statSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { allStarted, ready, spawnNode, urlWithSchema } from "../../bench/child-process.js";
import { freePort } from "../../bench/free-port.js";
import { contestBody, createActor, startTestApp, type TestApp } from "../helpers/app.js";
import { filesUnder, openContest, videoSubmission } from "../helpers/entries.js";
import { startedLiveFinal } from "../helpers/live.js";
import { testMedia } from "../helpers/media.js";
import { openSse } from "../helpers/sse.js";

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

function answerOf(req: http.ClientRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    req.on("error", reject);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>,
        }),
      );
    });
  });
}

const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
};

// The real server (src/server.ts) as a child process sharing the test app's database and upload folder,
// stopped with a real SIGTERM while an upload is arriving, a request is in flight and an SSE viewer watches.
describe("graceful stop on SIGTERM (a real process)", function () {
  this.timeout(120_000);
  let seeder: TestApp;
  let child: ChildProcess | undefined;
  let port: number;
  let hasty: ChildProcess | undefined;
  let hastyPort: number;
  let uploadContest: string;
  let liveContest: string;
  let contestant: string;
  let admin: string;

  /** The server as `npm start` runs it, on the test app's database and folders, with this grace period. */
  const startServer = async (graceMs: number): Promise<{ child: ChildProcess; port: number }> => {
    const pgUrl = process.env.DATABASE_URL;
    let databaseUrl = "";
    if (pgUrl) {
      const schema = (await seeder.db.raw<{ rows: { s: string }[] }>("SELECT current_schema() AS s")).rows[0].s;
      databaseUrl = urlWithSchema(pgUrl, schema);
    }
    const at = await freePort();
    const started = spawnNode(["--import", "tsx", "src/server.ts"], {
      PORT: String(at),
      DATA_DIR: path.join(seeder.dir, "data"),
      UPLOAD_DIR: seeder.ctx.config.uploadDir,
      SESSION_SECRET: "test-secret-0123456789",
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: "error",
      SHUTDOWN_GRACE_MS: String(graceMs),
    });
    await ready(`http://127.0.0.1:${at}`, started);
    return { child: started, port: at };
  };

  /** A contest created through `at` whose request is in flight: headers taken (100 Continue), body half sent. */
  const halfSentContest = async (at: number, title: string) => {
    const body = Buffer.from(JSON.stringify(contestBody({ title })));
    const create = http.request(`http://127.0.0.1:${at}/api/v1/contests`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${admin}`,
        "Content-Type": "application/json",
        "Content-Length": body.length,
        Expect: "100-continue",
      },
    });
    const answer = answerOf(create);
    create.flushHeaders();
    await once(create, "continue");
    create.write(body.subarray(0, 20));
    return { answer, finish: () => create.end(body.subarray(20)) };
  };

  const exitOf = (process: ChildProcess) =>
    new Promise<number | null>((resolve) => process.once("exit", (code) => resolve(code)));

  before(async () => {
    seeder = await startTestApp();
    liveContest = (await startedLiveFinal(seeder)).contestId;
    ({ id: uploadContest, admin } = await openContest(seeder, { title: "停机测试" }));
    contestant = (await createActor(seeder, "contestant", { city: "保定" })).token;
    // The second one's grace is short: a request that never finishes is cut off when it runs out.
    [{ child, port }, { child: hasty, port: hastyPort }] = await allStarted([startServer(100_000), startServer(1000)]);
  });
  after(async () => {
    for (const p of [child, hasty]) if (p && p.exitCode === null) p.kill("SIGKILL");
    await seeder?.close();
  });

  it("finishes the request in flight, cuts off the arriving upload leaving no file, ends SSE, says draining, exits 0", async () => {
    const base = `http://127.0.0.1:${port}`;
    const uploadsBefore = filesUnder(seeder.ctx.config.uploadDir);

    // A balancer's connection with a request begun (its first line sent) before the stop, finished after it.
    const probe = net.connect(port, "127.0.0.1");
    await once(probe, "connect");
    probe.write("GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n");

    const viewer = await openSse(`${base}/api/v1/contests/${liveContest}/live/events`);
    await viewer.next((f) => f.event === "state");

    // An upload of which the fields and the first part of the video have arrived; the rest never comes.
    const media = await testMedia();
    const video = readFileSync(media.valid1080);
    const boundary = "----swstopboundary";
    const head = Buffer.from(
      Object.entries({ ...videoSubmission(media).fields, title: "停机时的上传" })
        .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
        .join("") +
        `--${boundary}\r\nContent-Disposition: form-data; name="video"; filename="v.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
    );
    const upload = http.request(`${base}/api/v1/contests/${uploadContest}/entries`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${contestant}`,
        "Content-Type": `multipart/form-data; boundary=${boundary}`,
        "Content-Length": head.length + video.length + 100,
      },
    });
    const uploadAnswer = answerOf(upload);
    upload.write(Buffer.concat([head, video.subarray(0, 64 * 1024)]));
    const incoming = path.join(seeder.ctx.config.uploadDir, ".incoming");
    await until(() => filesUnder(incoming).some((f) => statSync(path.join(incoming, f)).size > 0));

    const create = await halfSentContest(port, "停机时创建的赛事");

    const exited = exitOf(child!);
    child!.kill("SIGTERM");

    const cut = await uploadAnswer;
    expect(cut.status).to.equal(503);
    expect(cut.headers["retry-after"]).to.equal("5");
    expect((cut.body.error as { code: string }).code).to.equal("shutting_down");
    await viewer.ended;

    probe.write("\r\n");
    const raw: Buffer[] = [];
    probe.on("data", (c: Buffer) => raw.push(c));
    await once(probe, "end");
    const text = Buffer.concat(raw).toString("utf8");
    expect(text).to.match(/^HTTP\/1\.1 503 /);
    expect(text).to.match(/\r\nConnection: close\r\n/i);
    expect(JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4))).to.deep.equal({ ready: false, state: "draining" });

    create.finish();
    const created = await create.answer;
    expect(created.status, JSON.stringify(created.body)).to.equal(201);

    expect(await exited).to.equal(0);
    expect(await seeder.db("contests").where({ title: "停机时创建的赛事" })).to.have.length(1);
    expect(await seeder.db("entries").where({ title: "停机时的上传" })).to.have.length(0);
    expect(filesUnder(seeder.ctx.config.uploadDir)).to.deep.equal(uploadsBefore);
  });

  it("a request still unfinished when the grace period ends is cut off: exit code 1, nothing written", async () => {
    const create = await halfSentContest(hastyPort, "宽限期后未完成的赛事");
    const outcome = create.answer.then(
      () => "answered",
      () => "connection dropped",
    );
    const exited = exitOf(hasty!);
    hasty!.kill("SIGTERM");
    expect(await exited).to.equal(1);
    expect(await outcome).to.equal("connection dropped");
    expect(await seeder.db("contests").where({ title: "宽限期后未完成的赛事" })).to.have.length(0);
  });
});
