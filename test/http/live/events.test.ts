import { expect } from "chai";
import pino from "pino";
import request from "supertest";
import { startTestApp, type TestApp } from "../../helpers/app.js";
import { openContest } from "../../helpers/entries.js";
import { startedLiveFinal, submitCurrent, type LiveContest } from "../../helpers/live.js";
import { liveOf, newerThan, openSse, type SseClient } from "../../helpers/sse.js";

describe("live final events (SSE): GET /api/v1/contests/:id/live/events", () => {
  let app: TestApp;
  let open = false;
  let contest: LiveContest;
  let events: string;
  const logs: { msg: string; viewers?: number }[] = [];
  const clients: SseClient[] = [];
  const connect = async (headers: Record<string, string> = {}) => {
    const client = await openSse(`${app.url}${events}`, headers);
    clients.push(client);
    return client;
  };
  /** Waits for the log line the stream writes when its count of viewers becomes `n`, after log line `from`. */
  const viewersLogged = (n: number, from: number) =>
    new Promise<void>((resolve) => {
      const poll = () =>
        logs.slice(from).some((l) => l.msg === "live final viewers" && l.viewers === n)
          ? resolve()
          : setTimeout(poll, 20);
      poll();
    });

  before(async function () {
    this.timeout(120_000);
    const logger = pino({ level: "debug" }, { write: (line: string) => void logs.push(JSON.parse(line)) });
    app = await startTestApp({ logger });
    open = true;
    contest = await startedLiveFinal(app);
    events = `/api/v1/contests/${contest.contestId}/live/events`;
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  after(async () => {
    if (open) await app.close();
  });

  it("sends the current state at once as an event-stream, then the new version after a change through the API", async () => {
    const viewer = await connect();
    expect(viewer.status).to.equal(200);
    expect(viewer.headers.get("content-type")).to.match(/^text\/event-stream/);
    expect(viewer.headers.get("cache-control")).to.equal("no-cache");
    expect(viewer.headers.get("x-accel-buffering")).to.equal("no");
    const first = await viewer.next((f) => f.event === "state");
    const live = liveOf(first);
    expect(first.id).to.equal(String(live.version));
    const api = await request(app.server).get(`/api/v1/contests/${contest.contestId}/live`);
    expect(live).to.deep.equal(api.body.live);

    const timer = await request(app.server)
      .post(`/api/v1/contests/${contest.contestId}/live/timer`)
      .set("Authorization", `Bearer ${contest.admin}`)
      .send({ action: "start" });
    expect(timer.status, JSON.stringify(timer.body)).to.equal(200);
    const next = liveOf(await viewer.next(newerThan(live.version)));
    expect(next).to.have.nested.property("current.timer.running", true);
  });

  it("a reconnecting viewer's Last-Event-ID is answered with the current state", async () => {
    const now = liveOf(await (await connect()).next((f) => f.event === "state")).version;
    const again = await connect({ "last-event-id": String(now - 1) });
    expect(liveOf(await again.next((f) => f.event === "state")).version).to.equal(now);
  });

  it("every viewer receives the same bytes for a judge's submitted sheet", async () => {
    const viewers = [await connect(), await connect(), await connect()];
    const before = liveOf(await viewers[0].next((f) => f.event === "state")).version;
    await submitCurrent(app.url, contest.contestId, contest.judges[0].token);
    const received = await Promise.all(viewers.map((v) => v.next(newerThan(before))));
    expect(new Set(received.map((f) => f.raw)).size).to.equal(1);
    expect(liveOf(received[0])).to.have.nested.property("panel.submitted", 1);
  });

  it("a viewer that disconnects is dropped", async () => {
    const from = logs.length;
    const [a, b] = [await connect(), await connect()];
    await Promise.all([a.next((f) => f.event === "state"), b.next((f) => f.event === "state")]);
    await viewersLogged(2, from);
    a.close();
    await viewersLogged(1, from);
    b.close();
    await viewersLogged(0, from);
  });

  it("an unknown contest, or a contest with no live final, answers 404 with the error shape before any stream", async () => {
    const unknown = await request(app.server)
      .get("/api/v1/contests/no-such-contest/live/events")
      .set("Accept-Language", "en");
    expect(unknown.status).to.equal(404);
    expect(unknown.headers["content-type"]).to.match(/json/);
    expect(unknown.body.error).to.include.keys("code", "message");
    const other = await openContest(app);
    const none = await request(app.server).get(`/api/v1/contests/${other.id}/live/events`);
    expect(none.status).to.equal(404);
    expect(none.body.error.code).to.equal("no_live");
  });

  it("closing the app ends every stream", async () => {
    const viewer = await connect();
    await viewer.next((f) => f.event === "state");
    open = false;
    const closing = app.close();
    await viewer.ended;
    // Only fetch's idle keep-alive connections are left; without this server.close() waits out their timeout.
    app.server.closeAllConnections();
    await closing;
  });
});
