import { expect } from "chai";
import type { Response } from "supertest";
import { createActor, startTestApp, TestClock, type Actor, type TestApp } from "../../helpers/app.js";
import { as, liveContest, type LiveContest } from "../../helpers/live.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

const RUBRIC = { criteria: [{ key: "accuracy", label: "科学准确", max: 40, step: 1 }] };
const SEGMENTS = [
  { key: "selfTopic", label: "自主命题", weight: 0.6, rubric: RUBRIC, seconds: 240 },
  { key: "qa", label: "评委问答", weight: 0.4, rubric: RUBRIC },
];

/**
 * DESIGN §7 for the live final: a judge scoring what is not current, a second submission, a non-panel
 * user, a timer action out of order, a malformed segment definition, the wrong stage and anonymous
 * writes are each refused with a 4xx and the error shape, and write nothing.
 */
describe("live final API: bad input writes nothing", () => {
  let app: TestApp;
  let c: LiveContest;
  let outsider: Actor;
  let contestant: Actor;
  let order: string[];
  const clock = new TestClock();
  const live = () => `/api/v1/contests/${c.contestId}/live`;

  /** The call is refused with this status and code, in the error shape, and nothing is written. */
  async function refused(call: () => PromiseLike<Response>, status: number, code: string): Promise<Response> {
    const before = await writtenState(app);
    const res = await call();
    expect(res.status, JSON.stringify(res.body)).to.equal(status);
    expect(res.body.error.code).to.equal(code);
    expect(res.body.error.message).to.be.a("string").and.not.equal("");
    await expectNothingWritten(app, before, `${status} ${code}`);
    return res;
  }

  const score = (judge: Actor, body: Record<string, unknown>) =>
    as(app, judge.token).put(`${live()}/score`, {
      segment: "selfTopic",
      scores: { accuracy: 30 },
      submit: true,
      ...body,
    });

  before(async function () {
    this.timeout(120_000);
    app = await startTestApp({ clock });
    // Judge 4 has not accepted the declaration.
    c = await liveContest(app, { finalists: 3, judges: 5, undeclared: [4] });
    outsider = await createActor(app, "judge", { unit: "局外单位" });
    contestant = await createActor(app, "contestant");
  });
  after(() => app.close());

  describe("before the start", () => {
    const malformed: [string, unknown, string?][] = [
      ["weights not summing to 1", { segments: [{ ...SEGMENTS[0], weight: 0.5 }, SEGMENTS[1]] }, "invalid_segments"],
      ["a duplicate key", { segments: [SEGMENTS[0], { ...SEGMENTS[1], key: "selfTopic" }] }, "invalid_segments"],
      ["a key not starting with a letter", { segments: [{ ...SEGMENTS[0], key: "1st" }, SEGMENTS[1]] }],
      ["an empty label", { segments: [{ ...SEGMENTS[0], label: "" }, SEGMENTS[1]] }],
      [
        "a zero weight",
        {
          segments: [
            { ...SEGMENTS[0], weight: 0 },
            { ...SEGMENTS[1], weight: 1 },
          ],
        },
      ],
      ["a time limit under 10 s", { segments: [{ ...SEGMENTS[0], seconds: 5 }, SEGMENTS[1]] }],
      ["a fractional time limit", { segments: [{ ...SEGMENTS[0], seconds: 240.5 }, SEGMENTS[1]] }],
      [
        "a rubric step that does not divide its maximum",
        {
          segments: [
            { ...SEGMENTS[0], rubric: { criteria: [{ key: "a", label: "甲", max: 10, step: 3 }] } },
            SEGMENTS[1],
          ],
        },
        "invalid_segments",
      ],
      ["a rubric without criteria", { segments: [{ ...SEGMENTS[0], rubric: { criteria: [] } }, SEGMENTS[1]] }],
      ["no segment", { segments: [] }],
      [
        "nine segments",
        { segments: Array.from({ length: 9 }, (_, i) => ({ ...SEGMENTS[1], key: `s${i}`, weight: 1 / 9 })) },
      ],
      ["an unknown field", { segments: SEGMENTS, extra: true }],
      ["a segment's unknown field", { segments: [{ ...SEGMENTS[0], color: "red" }, SEGMENTS[1]] }],
      ["an empty seed", { segments: SEGMENTS, seed: "" }],
      ["a seed that is neither text nor a whole number", { segments: SEGMENTS, seed: 1.5 }],
    ];
    for (const [what, body, code = "validation_failed"] of malformed)
      it(`a start with ${what} is refused with 400`, async () => {
        const res = await refused(() => as(app, c.admin).post(live(), body as object), 400, code);
        expect(res.body.error.details).to.be.an("object");
      });

    it("says in English what is wrong with the weights, naming the field", async () => {
      const res = await as(app, c.admin)
        .post(live())
        .set("Accept-Language", "en")
        .send({ segments: [{ ...SEGMENTS[0], weight: 0.5 }, SEGMENTS[1]] });
      expect(res.status).to.equal(400);
      expect(res.body.error.message).to.equal("The segments' weights must add up to 1 (they add up to 0.9)");
      expect(res.body.error.details.fields[0].field).to.equal("segments");
    });

    it("every call but the start answers 404 no_live, and writes nothing", async () => {
      await refused(() => as(app, null).get(live()), 404, "no_live");
      await refused(() => as(app, c.admin).post(`${live()}/advance`, { to: "next" }), 404, "no_live");
      await refused(() => as(app, c.admin).post(`${live()}/timer`, { action: "start" }), 404, "no_live");
      await refused(() => score(c.judges[0], { entryId: c.entries[0].id }), 404, "no_live");
    });

    it("a start outside judging is refused (wrong stage)", async () => {
      await as(app, c.admin).post(`/api/v1/contests/${c.contestId}/stage`, { to: "closed" }).expect(200);
      await refused(() => as(app, c.admin).post(live(), { segments: SEGMENTS }), 409, "stage_conflict");
      await as(app, c.admin).post(`/api/v1/contests/${c.contestId}/stage`, { to: "judging" }).expect(200);
    });

    it("anyone but an organizer is refused the start", async () => {
      await refused(() => as(app, null).post(live(), { segments: SEGMENTS }), 401, "unauthenticated");
      await refused(() => as(app, contestant.token).post(live(), { segments: SEGMENTS }), 403, "forbidden");
      await refused(() => as(app, c.judges[0].token).post(live(), { segments: SEGMENTS }), 403, "forbidden");
    });

    it("an unknown contest answers 404", async () => {
      await refused(() => as(app, c.admin).post("/api/v1/contests/nope/live", {}), 404, "not_found");
    });
  });

  describe("while running", () => {
    before(async () => {
      const res = await as(app, c.admin).post(live(), { segments: SEGMENTS, seed: 2026 });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      order = res.body.live.order.map((o: { entryId: string }) => o.entryId);
    });

    it("anonymous and wrong-role writes are refused", async () => {
      for (const [path, body] of [
        ["/advance", { to: "next" }],
        ["/timer", { action: "start" }],
        ["/reopen", { entryId: order[0], segment: "selfTopic", judge: "评委1", reason: "录入错误" }],
      ] as const) {
        await refused(() => as(app, null).post(`${live()}${path}`, body), 401, "unauthenticated");
        await refused(() => as(app, c.judges[0].token).post(`${live()}${path}`, body), 403, "forbidden");
        await refused(() => as(app, contestant.token).post(`${live()}${path}`, body), 403, "forbidden");
      }
      await refused(() => as(app, null).put(`${live()}/score`, { entryId: order[0] }), 401, "unauthenticated");
      await refused(() => as(app, c.admin).put(`${live()}/score`, { entryId: order[0] }), 403, "forbidden");
      await refused(() => as(app, null).get(`${live()}/panel`), 401, "unauthenticated");
      await refused(() => as(app, c.judges[0].token).get(`${live()}/panel`), 403, "forbidden");
    });

    it("a judge not on the panel, or who has not accepted the declaration, is refused", async () => {
      await refused(() => score(outsider, { entryId: order[0] }), 403, "not_on_panel");
      await refused(() => as(app, outsider.token).get(`${live()}/sheet`), 403, "not_on_panel");
      await refused(() => score(c.judges[4], { entryId: order[0] }), 403, "declaration_required");
    });

    it("a judge standing aside for the finalist (same unit) is refused", async () => {
      const [entry] = await app.db("entries").where({ id: order[0] });
      await app.db("users").where({ id: c.judges[3].user.id }).update({ unit: entry.unit });
      await refused(() => score(c.judges[3], { entryId: order[0] }), 403, "conflict_of_interest");
      const state = await as(app, null).get(live());
      expect(state.body.live.panel.judges).to.equal(4);
      await app.db("users").where({ id: c.judges[3].user.id }).update({ unit: "评审单位 4" });
    });

    it("scoring a finalist or segment that is not current is refused", async () => {
      await refused(() => score(c.judges[0], { entryId: order[1] }), 409, "not_current");
      await refused(() => score(c.judges[0], { entryId: order[0], segment: "qa" }), 409, "not_current");
      await refused(() => score(c.judges[0], { entryId: order[0], segment: "nosuch" }), 409, "not_current");
      await refused(() => score(c.judges[0], { entryId: "nosuch" }), 409, "not_current");
    });

    it("a sheet against the rubric is refused: over the maximum, off the step, unknown criteria, missing on submit", async () => {
      await refused(
        () => score(c.judges[0], { entryId: order[0], scores: { accuracy: 41 } }),
        400,
        "validation_failed",
      );
      await refused(
        () => score(c.judges[0], { entryId: order[0], scores: { accuracy: 30.5 } }),
        400,
        "validation_failed",
      );
      await refused(
        () => score(c.judges[0], { entryId: order[0], scores: { accuracy: 30, art: 1 } }),
        400,
        "validation_failed",
      );
      await refused(() => score(c.judges[0], { entryId: order[0], scores: {} }), 400, "validation_failed");
      await refused(
        () => score(c.judges[0], { entryId: order[0], scores: { accuracy: "30" } }),
        400,
        "validation_failed",
      );
      await refused(() => score(c.judges[0], { entryId: order[0], submit: "yes" }), 400, "validation_failed");
      await refused(() => score(c.judges[0], { entryId: order[0], judge: "评委1" }), 400, "validation_failed");
    });

    it("a second submission is refused: a submitted sheet is locked", async () => {
      const first = await score(c.judges[0], { entryId: order[0] });
      expect(first.status, JSON.stringify(first.body)).to.equal(200);
      await refused(() => score(c.judges[0], { entryId: order[0], scores: { accuracy: 20 } }), 409, "sheet_locked");
      await refused(() => score(c.judges[0], { entryId: order[0], submit: false }), 409, "sheet_locked");
    });

    it("timer actions out of order are refused; so is moving on while the timer runs", async () => {
      const timer = (body: object) => () => as(app, c.admin).post(`${live()}/timer`, body);
      await refused(timer({ action: "stop" }), 409, "timer_out_of_order");
      await refused(timer({ action: "pause" }), 400, "validation_failed");
      await refused(timer({ action: "set", seconds: -1 }), 400, "validation_failed");
      await refused(timer({ action: "set" }), 400, "validation_failed");
      await as(app, c.admin).post(`${live()}/timer`, { action: "start" }).expect(200);
      clock.advance(30_000);
      await refused(timer({ action: "start" }), 409, "timer_out_of_order");
      await refused(timer({ action: "set", seconds: 200 }), 409, "timer_running");
      await refused(() => as(app, c.admin).post(`${live()}/advance`, { to: "next" }), 409, "timer_running");
      await as(app, c.admin).post(`${live()}/timer`, { action: "stop" }).expect(200);
      await refused(timer({ action: "stop" }), 409, "timer_out_of_order");
      await refused(timer({ action: "start" }), 409, "timer_out_of_order");
    });

    it("advancing with a bad body, an unknown finalist, a no-show who already began or a second withdrawal is refused", async () => {
      const advance = (body: unknown) => () => as(app, c.admin).post(`${live()}/advance`, body as object);
      await refused(advance({ to: "previous" }), 400, "validation_failed");
      await refused(advance({ to: "next", entryId: order[1] }), 400, "validation_failed");
      await refused(advance({ entryId: order[1], withdraw: "yes" }), 400, "validation_failed");
      await refused(advance({ entryId: "nosuch" }), 404, "not_found");
      // The current finalist has been timed and scored: not a no-show.
      await refused(advance({ entryId: order[0] }), 409, "not_a_no_show");
      await as(app, c.admin).post(`${live()}/advance`, { entryId: order[2], withdraw: true }).expect(200);
      await refused(advance({ entryId: order[2], withdraw: true }), 409, "already_withdrawn");
      await refused(advance({ entryId: order[2] }), 409, "not_a_no_show");
    });

    it("reopening needs a reason, a judge of the panel and a submitted sheet", async () => {
      const reopen = (body: object) => () => as(app, c.admin).post(`${live()}/reopen`, body);
      const base = { entryId: order[0], segment: "selfTopic", judge: c.judges[0].user.id, reason: "录入错误" };
      await refused(reopen({ ...base, reason: "x" }), 400, "validation_failed");
      await refused(reopen({ ...base, reason: undefined }), 400, "validation_failed");
      await refused(reopen({ ...base, judge: "评委9" }), 404, "not_found");
      await refused(reopen({ ...base, judge: outsider.user.id }), 404, "not_found");
      await refused(reopen({ ...base, judge: c.judges[1].user.id }), 409, "sheet_not_submitted");
    });

    it("scoring and timing outside judging are refused (wrong stage)", async () => {
      await as(app, c.admin).post(`/api/v1/contests/${c.contestId}/stage`, { to: "closed" }).expect(200);
      await refused(() => score(c.judges[1], { entryId: order[0] }), 409, "stage_conflict");
      await refused(() => as(app, c.admin).post(`${live()}/advance`, { to: "next" }), 409, "stage_conflict");
      await as(app, c.admin).post(`/api/v1/contests/${c.contestId}/stage`, { to: "judging" }).expect(200);
    });
  });
});
