import { expect } from "chai";
import type { Response } from "supertest";
import { startTestApp, TestClock, type TestApp } from "../../helpers/app.js";
import { as, liveContest, type LiveContest } from "../../helpers/live.js";

/** An explainer talk's sheet with the given total (科学准确 40 · 内容新颖 30 · 仪态形象 20 · 语言表达 10). */
function talk(total: number): Record<string, number> {
  let rest = total;
  const take = (max: number) => {
    const v = Math.min(max, rest);
    rest -= v;
    return v;
  };
  return { accuracy: take(40), novelty: take(30), bearing: take(20), expression: take(10) };
}

const SHEETS: Record<string, (total: number) => Record<string, number>> = {
  selfTopic: talk,
  randomTopic: talk,
  quiz: (total) => ({ correct: total }),
  qa: (total) => ({ answer: total }),
};

describe("live final API: a whole small final on one panel", () => {
  let app: TestApp;
  let c: LiveContest;
  const clock = new TestClock();
  const seed = "全省科普讲解大赛-2026";
  /** The running order as drawn: [A, B, C, D]. */
  let order: string[];

  const live = () => `/api/v1/contests/${c.contestId}/live`;
  const org = () => as(app, c.admin);
  const state = async () => {
    const res = await as(app, null).get(live());
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body.live;
  };
  const ok = async (res: PromiseLike<Response>, status = 200) => {
    const r = await res;
    expect(r.status, JSON.stringify(r.body)).to.equal(status);
    return r.body;
  };
  /** Every judge submits his sheet of the current segment, judge j giving totals[j]. */
  const scoreAll = async (entryId: string, segment: string, totals: number[]) => {
    for (const [j, total] of totals.entries())
      await ok(
        as(app, c.judges[j].token).put(`${live()}/score`, {
          entryId,
          segment,
          scores: SHEETS[segment](total),
          submit: true,
        }),
      );
  };
  const next = () => ok(org().post(`${live()}/advance`, { to: "next" }));

  before(async function () {
    this.timeout(120_000);
    app = await startTestApp({ clock });
    c = await liveContest(app, {
      finalists: 4,
      judges: 5,
      contest: { prizes: { mode: "count", first: 1, second: 1, third: 1 } },
    });
  });
  after(() => app.close());

  it("before the start the state answers 404 no_live", async () => {
    const res = await as(app, null).get(live());
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal("no_live");
  });

  it("starts with the default explainer segments, the order drawn by the seed (the same seed gives the same order), audited", async function () {
    this.timeout(60_000);
    const started = (await ok(org().post(live(), { seed }), 201)).live;
    expect(started.status).to.equal("running");
    expect(started.segments.map((s: { key: string }) => s.key)).to.deep.equal([
      "selfTopic",
      "randomTopic",
      "quiz",
      "qa",
    ]);
    expect(started.segments.map((s: { weight: number }) => s.weight)).to.deep.equal([0.5, 0.3, 0.1, 0.1]);
    expect(started.segments.map((s: { seconds: number | null }) => s.seconds)).to.deep.equal([240, 120, null, null]);
    expect(started.segments[0].rubric.criteria.map((k: { key: string }) => k.key)).to.deep.equal([
      "accuracy",
      "novelty",
      "bearing",
      "expression",
    ]);
    order = started.order.map((o: { entryId: string }) => o.entryId);
    expect([...order].sort()).to.deep.equal(c.entries.map((e) => e.id).sort());
    expect(started.order.map((o: { position: number }) => o.position)).to.deep.equal([1, 2, 3, 4]);
    expect(started.order.map((o: { status: string }) => o.status)).to.deep.equal([
      "current",
      "waiting",
      "waiting",
      "waiting",
    ]);
    const first = c.entries.find((e) => e.id === order[0])!;
    expect(started.current).to.include({
      entryId: first.id,
      code: first.code,
      performer: first.performer,
      segment: "selfTopic",
    });
    expect(started.current.timer).to.deep.include({ startedAt: null, running: false, limit: 240, cutoff: 270 });

    // Another contest with the same finalists' codes and the same seed draws the same order of codes.
    const other = await liveContest(app, { finalists: 4, judges: 1 });
    const again = (await ok(as(app, other.admin).post(`/api/v1/contests/${other.contestId}/live`, { seed }), 201)).live;
    expect(again.order.map((o: { code: string }) => o.code)).to.deep.equal(
      started.order.map((o: { code: string }) => o.code),
    );

    const [audit] = await app.db("audit_log").where({ action: "live.start", target_id: c.contestId });
    expect(JSON.parse(audit.details)).to.deep.include({
      seed,
      order: started.order.map((o: { code: string }) => o.code),
    });
    // A second start of the same round is refused.
    const twice = await org().post(live(), { seed: 7 });
    expect(twice.status).to.equal(409);
    expect(twice.body.error.code).to.equal("live_exists");
  });

  it("times a talk under the limit: stopped at 170 s, 2 points off (under 3:00)", async () => {
    await ok(org().post(`${live()}/timer`, { action: "start" }));
    clock.advance(170_000);
    const timer = (await ok(org().post(`${live()}/timer`, { action: "stop" }))).live.current.timer;
    expect(timer).to.deep.include({ seconds: 170, running: false, limit: 240 });
    expect(timer.deduction).to.deep.equal({ points: -2, reason: "under" });
  });

  it("five judges score; the state lists the sheets as 评委N with exactly one highest and one lowest dropped, though tied", async () => {
    // A draft first: saved, not shown, no new version.
    const before = (await state()).version;
    const draft = await ok(
      as(app, c.judges[0].token).put(`${live()}/score`, {
        entryId: order[0],
        segment: "selfTopic",
        scores: { accuracy: 30 },
        submit: false,
      }),
    );
    expect(draft.sheet).to.include({ status: "draft", total: null, corrected: false });
    expect((await state()).version).to.equal(before);

    await scoreAll(order[0], "selfTopic", [80, 80, 70, 60, 60]);
    const s = await state();
    expect(s.version).to.be.greaterThan(before);
    expect(s.panel).to.deep.equal({ judges: 5, submitted: 5 });
    expect(s.sheets.map((x: { judge: string }) => x.judge)).to.deep.equal([
      "评委1",
      "评委2",
      "评委3",
      "评委4",
      "评委5",
    ]);
    const dropped = s.sheets.filter((x: { dropped: string | null }) => x.dropped !== null);
    expect(dropped.map((x: { dropped: string; total: number }) => [x.dropped, x.total]).sort()).to.deep.equal([
      ["high", 80],
      ["low", 60],
    ]);
    expect(s.segmentScore).to.equal(70);
    // 0.5 × 70 − 2 (under time).
    expect(s.score).to.equal(33);
    expect(s.ranking).to.have.length(1);
    expect(s.ranking[0]).to.deep.include({ entryId: order[0], score: 33, rank: 1, prize: "first" });

    // The phone's view: his number, the rubric and his sheet, never the performer.
    const view = await ok(as(app, c.judges[0].token).get(`${live()}/sheet`));
    expect(view.judge).to.match(/^评委[1-5]$/);
    expect(view.rubric.criteria).to.have.length(4);
    expect(view.sheet).to.include({ status: "submitted", total: 80 });
    expect(view.live.current).to.not.have.property("performer");
    expect(JSON.stringify(view)).to.not.include(c.entries[0].performer);
  });

  it("draws a random topic; a talk past the cutoff shows stopped at the cutoff and a stop records the cutoff", async () => {
    await app.db("live_topics").insert(
      ["光的折射", "声音的传播", "磁悬浮列车"].map((text, i) => ({
        id: `00000000-0000-4000-8000-00000000000${i}`,
        contest_id: c.contestId,
        position: i + 1,
        text,
      })),
    );
    const s = (await next()).live;
    expect(s.current).to.include({ entryId: order[0], segment: "randomTopic", segmentLabel: "随机命题" });
    expect(["光的折射", "声音的传播", "磁悬浮列车"]).to.include(s.current.topic);
    const drawn = await app.db("live_topics").whereNotNull("drawn_entry_id");
    expect(drawn.map((t) => [t.text, t.drawn_entry_id])).to.deep.equal([[s.current.topic, order[0]]]);

    const started = (await ok(org().post(`${live()}/timer`, { action: "start" }))).live.current.timer.startedAt;
    clock.advance(140_000);
    // Over 2:00 + 15 s while still running: the over-time deduction already shows.
    expect((await state()).current.timer).to.deep.include({
      running: true,
      seconds: 140,
      deduction: { points: -2, reason: "over" },
    });
    clock.advance(60_000);
    const past = (await state()).current.timer;
    expect(past).to.deep.include({ running: false, seconds: 150, cutoff: 150 });
    expect(past.stoppedAt).to.equal(new Date(Date.parse(started) + 150_000).toISOString());
    const stopped = (await ok(org().post(`${live()}/timer`, { action: "stop" }))).live.current.timer;
    expect(stopped).to.deep.include({ running: false, seconds: 150, deduction: { points: -2, reason: "over" } });
    const [timing] = await app.db("live_timings").where({ entry_id: order[0], segment: "randomTopic" });
    expect(timing.seconds).to.equal(150);
  });

  it("scores the rest of the first finalist: his score is the weighted sum less both time deductions", async () => {
    await scoreAll(order[0], "randomTopic", [90, 85, 85, 85, 50]);
    await next();
    await scoreAll(order[0], "quiz", [100, 90, 80, 70, 60]);
    await next();
    await scoreAll(order[0], "qa", [75, 75, 75, 75, 75]);
    const s = await state();
    // 0.5 × 70 + 0.3 × 85 + 0.1 × 80 + 0.1 × 75 − 2 − 2 = 35 + 25.5 + 8 + 7.5 − 4
    expect(s.score).to.equal(72);
    expect(s.ranking[0].segments).to.deep.equal({ selfTopic: 70, randomTopic: 85, quiz: 80, qa: 75 });
  });

  it("moves on to the next finalist; a no-show moves to the end and the next waiting finalist comes on", async () => {
    const s = (await next()).live;
    expect(s.current).to.include({ entryId: order[1], segment: "selfTopic" });
    expect(s.order.map((o: { status: string }) => o.status)).to.deep.equal(["done", "current", "waiting", "waiting"]);
    const moved = (await ok(org().post(`${live()}/advance`, { entryId: order[1] }))).live;
    expect(moved.current).to.include({ entryId: order[2], segment: "selfTopic" });
    expect(moved.order.map((o: { entryId: string }) => o.entryId)).to.deep.equal([
      order[0],
      order[2],
      order[3],
      order[1],
    ]);
    expect(moved.order[3]).to.include({ noShows: 1, status: "waiting" });
    // The running order is numbered as it now stands: the no-show is 4th of 4, no gap at the front.
    expect(moved.order.map((o: { position: number }) => o.position)).to.deep.equal([1, 2, 3, 4]);
  });

  it("records a withdrawal: not ranked, audited", async () => {
    const s = (await ok(org().post(`${live()}/advance`, { entryId: order[3], withdraw: true }))).live;
    expect(s.order.find((o: { entryId: string }) => o.entryId === order[3]).status).to.equal("withdrawn");
    expect(s.current.entryId).to.equal(order[2]);
    expect(await app.db("audit_log").where({ action: "live.withdraw", target_id: order[3] })).to.have.length(1);
  });

  it("the organizer sees who has not submitted yet", async () => {
    await scoreAll(order[2], "selfTopic", [90, 90, 90]);
    const panel = await ok(org().get(`${live()}/panel`));
    expect(panel.judges.map((j: { judge: string }) => j.judge)).to.deep.equal([
      "评委1",
      "评委2",
      "评委3",
      "评委4",
      "评委5",
    ]);
    const missing = panel.judges
      .filter((j: { submitted: boolean }) => !j.submitted)
      .map((j: { name: string }) => j.name);
    expect(missing.sort()).to.deep.equal([c.judges[3].user.name, c.judges[4].user.name].sort());
    for (const j of [3, 4])
      await ok(
        as(app, c.judges[j].token).put(`${live()}/score`, {
          entryId: order[2],
          segment: "selfTopic",
          scores: talk(90),
          submit: true,
        }),
      );
    expect((await state()).score).to.equal(45);
  });

  it("runs the no-show at the end and finishes: current null, every finalist done or withdrawn", async () => {
    for (let i = 0; i < 3; i++) await next();
    const s = (await next()).live;
    expect(s.current).to.include({ entryId: order[1], segment: "selfTopic" });
    await scoreAll(order[1], "selfTopic", [60, 60, 60, 60, 60]);
    for (let i = 0; i < 3; i++) await next();
    const done = (await next()).live;
    expect(done.status).to.equal("finished");
    expect(done.current).to.equal(null);
    expect(done.order.map((o: { status: string }) => o.status)).to.deep.equal(["done", "done", "withdrawn", "done"]);
    expect(
      done.ranking.map((r: { entryId: string; score: number; rank: number; prize: string }) => [
        r.entryId,
        r.score,
        r.rank,
        r.prize,
      ]),
    ).to.deep.equal([
      [order[0], 72, 1, "first"],
      [order[2], 45, 2, "second"],
      [order[1], 30, 3, "third"],
    ]);
    const after = await org().post(`${live()}/advance`, { to: "next" });
    expect(after.status).to.equal(409);
    expect(after.body.error.code).to.equal("live_finished");
  });

  it("a reopened sheet (评委N, with a reason, audited) is corrected by its judge after the final, and only that sheet", async () => {
    const panel = (await ok(org().get(`${live()}/panel`))).judges as { judge: string; name: string }[];
    const label = panel.find((j) => j.name === c.judges[2].user.name)!.judge;
    const other = as(app, c.judges[1].token);
    await ok(
      org().post(`${live()}/reopen`, {
        entryId: order[0],
        segment: "selfTopic",
        judge: label,
        reason: "误将 90 录为 70",
      }),
    );
    const [audit] = await app.db("audit_log").where({ action: "live.reopen", target_id: order[0] });
    expect(JSON.parse(audit.details)).to.deep.equal({ segment: "selfTopic", judge: label, reason: "误将 90 录为 70" });
    // Nobody else's submitted sheet reopens with it.
    const locked = await other.put(`${live()}/score`, {
      entryId: order[0],
      segment: "selfTopic",
      scores: talk(10),
      submit: true,
    });
    expect(locked.status).to.equal(409);
    expect(locked.body.error.code).to.equal("sheet_locked");
    const view = await ok(as(app, c.judges[2].token).get(`${live()}/sheet`));
    expect(view.reopened).to.have.length(1);
    expect(view.reopened[0]).to.include({ entryId: order[0], segment: "selfTopic", status: "draft", corrected: true });
    const saved = await ok(
      as(app, c.judges[2].token).put(`${live()}/score`, {
        entryId: order[0],
        segment: "selfTopic",
        scores: talk(90),
        submit: true,
      }),
    );
    expect(saved.sheet).to.include({ status: "submitted", total: 90, corrected: true });
    const s = await state();
    // selfTopic: 80, 80, 90, 60, 60 → drop 90 and one 60 → 73.33; 0.5 × 73.33 + 25.5 + 8 + 7.5 − 4 = 73.665 → 73.67
    expect(s.ranking[0]).to.deep.include({ entryId: order[0], score: 73.67 });
    expect(s.ranking[0].segments.selfTopic).to.equal(73.33);
  });
});
