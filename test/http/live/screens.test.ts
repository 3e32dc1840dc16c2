import { expect } from "chai";
import request from "supertest";
import { createActor, startTestApp, TestClock, type TestApp } from "../../helpers/app.js";
import { liveContest, startedLiveFinal, submitCurrent, TWO_SEGMENTS, type LiveContest } from "../../helpers/live.js";
import { csrfOf, pageSession, type PageAgent } from "../../helpers/pages.js";

/** Every row of the live final's tables, to assert that a refused form wrote nothing. */
async function liveRows(app: TestApp): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  const keys: Record<string, string[]> = {
    live_finals: ["round_id"],
    live_slots: ["round_id", "entry_id"],
    live_timings: ["round_id", "entry_id", "segment"],
    live_sheets: ["id"],
  };
  for (const [table, order] of Object.entries(keys)) out[table] = await app.db(table).select("*").orderBy(order);
  return out;
}

/** A talk sheet adding up to `total` (65..95). */
const talk = (total: number) => ({ accuracy: 40, novelty: total - 65, bearing: 20, expression: 5 });

describe("live final: the big screen and the timekeeper's console", function () {
  this.timeout(60_000);
  const clock = new TestClock();
  let app: TestApp;
  let live: LiveContest;
  let organizer: PageAgent;
  let csrf: string;
  const consolePath = () => `/contests/${live.contestId}/live/console`;
  const screenPath = () => `/contests/${live.contestId}/live/screen`;
  const state = async () =>
    (await request(app.server).get(`/api/v1/contests/${live.contestId}/live`)).body.live as {
      current: { entryId: string; code: string; segment: string; timer: { seconds: number | null } } | null;
      order: { entryId: string; code: string; status: string; noShows: number }[];
      version: number;
    };
  const post = (path: string, fields: Record<string, string>) =>
    organizer
      .post(`${consolePath()}/${path}`)
      .type("form")
      .set("Accept", "text/html")
      .send({ _csrf: csrf, ...fields });

  before(async () => {
    app = await startTestApp({ clock });
    live = await startedLiveFinal(app, { finalists: 3, judges: 5, segments: TWO_SEGMENTS, seed: 1 });
    const admin = await createActor(app, "organizer");
    organizer = await pageSession(app, admin.email, admin.password);
    csrf = csrfOf((await organizer.get(consolePath()).set("Accept", "text/html")).text);
  });
  after(() => app?.close());

  it("before the draw, the screen says the final has not started and reloads itself; the console leads to the setup", async () => {
    const waiting = await liveContest(app, { finalists: 1, judges: 1 });
    const res = await request(app.server).get(`/contests/${waiting.contestId}/live/screen`).set("Accept", "text/html");
    expect(res.status).to.equal(200);
    expect(res.text).to.include('data-testid="waiting"').and.include('http-equiv="refresh"');
    const consolePage = await organizer.get(`/contests/${waiting.contestId}/live/console`).set("Accept", "text/html");
    expect(consolePage.status).to.equal(302);
    expect(consolePage.headers.location).to.equal(`/contests/${waiting.contestId}/live/setup`);
  });

  it("shows anyone the current finalist, a slot per judge as 评委N, and no judge's name or e-mail", async () => {
    const { current } = await state();
    const res = await request(app.server).get(screenPath()).set("Accept", "text/html");
    expect(res.status).to.equal(200);
    const performer = live.entries.find((e) => e.id === current!.entryId)!.performer;
    expect(res.text).to.include(current!.code).and.include(performer).and.include("自主命题");
    for (let n = 1; n <= 5; n += 1) expect(res.text).to.include(`评委${n}`);
    expect(res.text.match(/data-testid="slot"/g)).to.have.length(5 + 1); // five slots and the template's
    expect(res.text).not.to.include("评审专家").and.not.include("@example.org").and.not.include("site-header");
    expect(res.text).to.include("/static/js/live-screen.js").and.include("/static/css/live.css");
    const en = await request(app.server).get(`${screenPath()}?lang=en`).set("Accept", "text/html");
    expect(en.text).to.include('<html lang="en">').and.include("Judge 5").and.include("Standings");
  });

  it("keeps the console to organizers: 401 anonymous, 403 for a judge", async () => {
    expect((await request(app.server).get(consolePath()).set("Accept", "text/html")).status).to.equal(401);
    const judge = await pageSession(app, live.judges[0].email, live.judges[0].password);
    expect((await judge.get(consolePath()).set("Accept", "text/html")).status).to.equal(403);
    const res = await judge
      .post(`${consolePath()}/timer`)
      .type("form")
      .send({ _csrf: csrfOf((await judge.get("/register").set("Accept", "text/html")).text), action: "start" });
    expect(res.status).to.equal(403);
    expect(await app.db("live_timings").select("*")).to.have.length(0);
  });

  it("refuses a console form without its CSRF token and writes nothing", async () => {
    const before = await liveRows(app);
    const res = await organizer.post(`${consolePath()}/timer`).type("form").send({ action: "start" });
    expect(res.status).to.equal(403);
    expect(await liveRows(app)).to.deep.equal(before);
  });

  it("starts and stops the clock; past the limit and its grace the deduction shows on the console and the screen", async () => {
    const page = await organizer.get(consolePath()).set("Accept", "text/html");
    expect(page.text).to.include('data-testid="timer-start"').and.not.include('data-testid="timer-stop"');
    const started = await post("timer", { action: "start" });
    expect(started.status).to.equal(303);
    expect(started.headers.location).to.equal(consolePath());
    clock.advance(260_000); // 4:20, over 4:00 plus 15 s of grace
    const screen = await request(app.server).get(screenPath()).set("Accept", "text/html");
    expect(screen.text).to.include(">04:20<").and.include("tone-over").and.include("超时 −2");
    const running = await organizer.get(consolePath()).set("Accept", "text/html");
    expect(running.text).to.include('data-testid="timer-stop"').and.include("超时 −2");
    expect((await post("timer", { action: "stop" })).status).to.equal(303);
    expect((await state()).current!.timer.seconds).to.equal(260);
  });

  it("names the judges who have not submitted, then strikes out the highest and lowest totals on the screen", async () => {
    const totals = [90, 80, 85, 80, 70];
    for (const [j, total] of totals.slice(0, 3).entries())
      await submitCurrent(app.url, live.contestId, live.judges[j].token, talk(total));
    const page = await organizer.get(consolePath()).set("Accept", "text/html");
    const pending = /data-testid="pending">([^<]*)</.exec(page.text)![1];
    expect(pending)
      .to.include("评审专家4")
      .and.include("评审专家5")
      .and.not.match(/评审专家[123]/);
    for (const [j, total] of totals.slice(3).entries())
      await submitCurrent(app.url, live.contestId, live.judges[j + 3].token, talk(total));
    expect((await organizer.get(consolePath()).set("Accept", "text/html")).text).to.include(
      'data-testid="all-submitted"',
    );
    const screen = await request(app.server).get(screenPath()).set("Accept", "text/html");
    expect(screen.text).to.include("<s>90</s>").and.include("<s>70</s>").and.not.include("<s>80</s>");
    expect(screen.text).not.to.include("评审专家");
  });

  it("reopens one judge's sheet with a reason; resubmitted, the screen marks it corrected", async () => {
    const { current } = await state();
    // The second judge as the console's panel numbers him.
    const page = await organizer.get(consolePath()).set("Accept", "text/html");
    const judge = /<strong>(评委\d)<\/strong> 评审专家2 /.exec(page.text)![1];
    const short = await post("reopen", { entryId: current!.entryId, segment: "talk", judge, reason: "" });
    expect(short.status).to.equal(303);
    expect(await app.db("live_sheets").where({ status: "draft" })).to.have.length(0);
    const res = await post("reopen", {
      entryId: current!.entryId,
      segment: "talk",
      judge,
      reason: "误触提交",
    });
    expect(res.status).to.equal(303);
    const reopened = await app.db("live_sheets").where({ judge_id: live.judges[1].user.id }).first();
    expect(reopened).to.include({ status: "draft", corrections: 1, correction_reason: "误触提交" });
    await submitCurrent(app.url, live.contestId, live.judges[1].token, talk(88));
    const screen = await request(app.server).get(screenPath()).set("Accept", "text/html");
    expect(screen.text).to.match(/slot-mark">更正</);
  });

  it("moves on to the next segment and the next finalist; a script gets the new state as JSON", async () => {
    const first = (await state()).current!;
    const page = await organizer.get(consolePath()).set("Accept", "text/html");
    expect(page.text).to.match(/data-testid="advance-next"[^>]*>下一环节</);
    expect((await post("advance", { to: "next" })).status).to.equal(303);
    expect((await state()).current).to.include({ entryId: first.entryId, segment: "qa" });
    expect((await organizer.get(consolePath()).set("Accept", "text/html")).text).to.match(
      /data-testid="advance-next"[^>]*>下一位</,
    );
    const json = await organizer
      .post(`${consolePath()}/advance`)
      .type("form")
      .set("Accept", "application/json")
      .send({ _csrf: csrf, to: "next" });
    expect(json.status).to.equal(200);
    expect(json.body.live.current.entryId).not.to.equal(first.entryId);
    expect(json.body.live.current.segment).to.equal("talk");
  });

  it("sends a no-show to the end of the order, and asks before recording a withdrawal", async () => {
    const before = await state();
    const absent = before.current!;
    expect((await post("advance", { entryId: absent.entryId })).status).to.equal(303);
    const after = await state();
    expect(after.order.at(-1)).to.include({ entryId: absent.entryId, status: "waiting", noShows: 1 });
    expect(after.current!.entryId).not.to.equal(absent.entryId);

    const rows = await liveRows(app);
    const asked = await post("advance", { entryId: absent.entryId, withdraw: "1" });
    expect(asked.status).to.equal(200);
    expect(asked.text).to.include('data-testid="confirmation"').and.include(absent.code);
    expect(await liveRows(app)).to.deep.equal(rows);
    expect((await post("advance", { entryId: absent.entryId, withdraw: "1", confirmed: "1" })).status).to.equal(303);
    expect((await state()).order.find((o) => o.entryId === absent.entryId)!.status).to.equal("withdrawn");
  });

  it("refuses a timer action out of order: back to the console with the message, nothing written", async () => {
    const rows = await liveRows(app);
    const res = await post("timer", { action: "stop" });
    expect(res.status).to.equal(303);
    const page = await organizer.get(consolePath()).set("Accept", "text/html");
    expect(page.text).to.include("flash-error");
    const bad = await organizer
      .post(`${consolePath()}/timer`)
      .type("form")
      .set("Accept", "application/json")
      .send({ _csrf: csrf, action: "rewind" });
    expect(bad.status).to.equal(400);
    expect(bad.body.error).to.include.keys("code", "message");
    expect(await liveRows(app)).to.deep.equal(rows);
  });
});
