/**
 * Short panels (DESIGN §3): an entry with fewer submitted sheets than judgesPerEntry is flagged on
 * progress and in the results; the notice is refused while a ranked one is short, until a replacement
 * judge scores it or the organizer accepts it with a reason (audited, printed in the rules, published
 * in the snapshot and understood by the verifier). An upheld objection may order re-scoring by a
 * fresh judge, who scores that one entry during the notice; the organizer then republishes.
 */
import { expect } from "chai";
import request from "supertest";
import { verifySnapshot } from "../../../scripts/verify.js";
import { canonicalJson } from "../../../src/results/canonical.js";
import { createActor, startTestApp, TestClock, type Actor, type TestApp } from "../../helpers/app.js";
import { judgedContest, type JudgedContest } from "../../helpers/judged.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

const rubric = {
  criteria: [
    { key: "science", label: "科学性", max: 50, step: 1 },
    { key: "art", label: "艺术性", max: 50, step: 1 },
  ],
};
const s = (science: number, art: number) => ({ science, art });
const contestOptions = {
  rubric,
  prizes: { mode: "count", first: 1, second: 1, third: 1 },
  opensAt: "2026-01-01T00:00:00Z",
  closesAt: "2099-01-01T00:00:00Z",
};
// Entry 1's fifth judge never scores it: he declares a conflict, and every judge of the pool already has it.
const sheets = [
  [s(45, 45), s(45, 45), s(45, 40), s(40, 40), null],
  [s(40, 45), s(40, 45), s(40, 45), s(40, 45), s(40, 45)],
  [s(30, 30), s(35, 35), s(40, 40), s(45, 45), s(50, 50)],
];

describe("results: short panels", () => {
  const clock = new TestClock(new Date("2026-12-01T02:00:00Z"));
  let app: TestApp;

  const as = (token: string) => ({
    get: (path: string) => request(app.server).get(path).set("Authorization", `Bearer ${token}`),
    post: (path: string, body?: object) =>
      request(app.server).post(path).set("Authorization", `Bearer ${token}`).send(body),
    put: (path: string, body?: object) =>
      request(app.server).put(path).set("Authorization", `Bearer ${token}`).send(body),
  });

  /** A judged contest whose first entry lost its fifth judge to a declared conflict (4 of 5 sheets). */
  async function shortContest(): Promise<JudgedContest> {
    const c = await judgedContest(app, { contest: contestOptions, sheets });
    const judge = c.judges[4];
    const queue = await as(judge.token).get("/api/v1/me/assignments");
    const mine = (queue.body.assignments as { id: string; entryId: string }[]).find(
      (a) => a.entryId === c.entries[0].id,
    )!;
    const res = await as(judge.token).post(`/api/v1/assignments/${mine.id}/conflict`, { reason: "作者是我的学生" });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.replaced).to.equal(false);
    return c;
  }

  /** A fresh judge takes an entry and submits a sheet (the judge accepts the declaration first). */
  async function scoreAsFreshJudge(c: JudgedContest, judge: Actor, entryId: string) {
    expect(
      (await as(judge.token).post(`/api/v1/contests/${c.contestId}/declaration`, { accept: true })).status,
    ).to.equal(200);
    const queue = await as(judge.token).get("/api/v1/me/assignments");
    const item = (queue.body.assignments as { id: string; entryId: string }[]).find((a) => a.entryId === entryId)!;
    return as(judge.token).put(`/api/v1/assignments/${item.id}/score`, { scores: s(30, 30), submit: true });
  }

  before(async function () {
    this.timeout(60_000);
    app = await startTestApp({ clock });
  });
  after(() => app.close());

  describe("accepted with a reason", () => {
    let c: JudgedContest;
    const reason = "该评委回避后评委库无其他可替补评委";

    before(async function () {
      this.timeout(120_000);
      c = await shortContest();
    });

    it("flags the entry on progress and in the computed results", async () => {
      const progress = await as(c.admin).get(`/api/v1/contests/${c.contestId}/progress`);
      const entry = progress.body.entries.find((e: { entryId: string }) => e.entryId === c.entries[0].id);
      expect(entry).to.include({ short: true, sheets: 4, required: 5, assigned: 4, needed: 5 });
      const others = progress.body.entries.filter((e: { entryId: string }) => e.entryId !== c.entries[0].id);
      expect(others.map((e: { short: boolean }) => e.short)).to.deep.equal([false, false]);

      const computed = await as(c.admin).post(`/api/v1/contests/${c.contestId}/results/compute`);
      expect(computed.status).to.equal(200);
      const row = computed.body.results.find((r: { code: string }) => r.code === c.entries[0].code);
      expect(row.judges).to.equal(4);
      expect(row.short).to.deep.equal({ sheets: 4, required: 5, reason: null });
      const full = computed.body.results.filter((r: { code: string }) => r.code !== c.entries[0].code);
      for (const r of full) expect(r).not.to.have.property("short");
      expect(computed.body.rules).to.include({ judgesRequired: 5 });
      expect(computed.body.rules.shortPanels).to.deep.equal([]);
    });

    it("refuses the notice while the entry is short, naming it, and writes nothing", async () => {
      expect((await as(c.admin).post(`/api/v1/contests/${c.contestId}/stage`, { to: "review" })).status).to.equal(200);
      const before = await writtenState(app);
      const res = await as(c.admin).post(`/api/v1/contests/${c.contestId}/stage`, { to: "notice" });
      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal("short_panels");
      expect(res.body.error.details).to.deep.equal([
        { entryId: c.entries[0].id, code: c.entries[0].code, sheets: 4, required: 5 },
      ]);
      expect(res.body.error.message).to.include(`${c.entries[0].code} 4/5`).and.to.include("评审人数不足");
      await expectNothingWritten(app, before, "a refused notice");
      const en = await as(c.admin)
        .post(`/api/v1/contests/${c.contestId}/stage`, { to: "notice" })
        .set("Accept-Language", "en");
      expect(en.body.error.message).to.include("short of judges").and.to.include(c.entries[0].code);
    });

    it("refuses a bad acceptance and writes nothing", async () => {
      const path = `/api/v1/contests/${c.contestId}/short-panels`;
      const before = await writtenState(app);
      const empty = await as(c.admin).post(path, { entryId: c.entries[0].id, reason: "  " });
      expect(empty.status).to.equal(400);
      expect(empty.body.error.code).to.equal("validation_failed");
      const unknown = await as(c.admin).post(path, { entryId: c.entries[0].id, reason, extra: 1 });
      expect(unknown.status).to.equal(400);
      const notShort = await as(c.admin).post(path, { entryId: c.entries[1].id, reason });
      expect(notShort.status).to.equal(409);
      expect(notShort.body.error.code).to.equal("not_short");
      const judge = await as(c.judges[0].token).post(path, { entryId: c.entries[0].id, reason });
      expect(judge.status).to.equal(403);
      await expectNothingWritten(app, before, "a refused acceptance");
    });

    it("accepts the short panel with a reason, audited", async () => {
      const res = await as(c.admin).post(`/api/v1/contests/${c.contestId}/short-panels`, {
        entryId: c.entries[0].id,
        reason,
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.shortPanel).to.deep.equal({
        entryId: c.entries[0].id,
        code: c.entries[0].code,
        sheets: 4,
        required: 5,
        reason,
      });
      const audit = await app.db("audit_log").where({ action: "results.acceptShortPanel" });
      expect(audit).to.have.length(1);
      expect(audit[0].target_id).to.equal(c.entries[0].id);
      expect(JSON.parse(String(audit[0].details))).to.deep.equal({
        code: c.entries[0].code,
        sheets: 4,
        required: 5,
        reason: { from: null, to: reason },
      });
      const stored = await app.db("short_panel_acceptances").where({ entry_id: c.entries[0].id });
      expect(stored).to.have.length(1);
    });

    it("then publishes the notice with the reason in the rules and the snapshot, which verifies", async () => {
      const res = await as(c.admin).post(`/api/v1/contests/${c.contestId}/stage`, { to: "notice" });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const published = await request(app.server).get(`/api/v1/contests/${c.contestId}/results`);
      expect(published.body.rules.shortPanels).to.deep.equal([
        { entryId: c.entries[0].id, code: c.entries[0].code, sheets: 4, required: 5, reason },
      ]);
      const page = await request(app.server).get(`/contests/${c.contestId}/results`);
      expect(page.text).to.include(`评审人数不足：${c.entries[0].code} 由 4 位评委评分（应为 5 位），理由：${reason}`);
      const text = (await request(app.server).get(`/api/v1/contests/${c.contestId}/results/snapshots/1`)).text;
      expect(verifySnapshot(text).ok, verifySnapshot(text).lines.join("\n")).to.equal(true);

      // The verifier refuses a short panel published without its acceptance, and one listed that is not short.
      const body = JSON.parse(text) as { rules: { shortPanels: unknown[] } };
      const hidden = verifySnapshot(canonicalJson({ ...body, rules: { ...body.rules, shortPanels: [] } }));
      expect(hidden.ok).to.equal(false);
      expect(hidden.differences.map((d) => d.entry)).to.deep.equal([c.entries[0].code]);
      const extra = verifySnapshot(
        canonicalJson({
          ...body,
          rules: {
            ...body.rules,
            shortPanels: [...body.rules.shortPanels, { code: c.entries[1].code, sheets: 5, required: 5, reason: "x" }],
          },
        }),
      );
      expect(extra.differences.map((d) => d.entry)).to.deep.equal([c.entries[1].code]);
      // A snapshot from before short panels (no judgesRequired) still verifies.
      const { judgesRequired: _required, shortPanels: _panels, ...oldRules } = body.rules as Record<string, unknown>;
      expect(verifySnapshot(canonicalJson({ ...body, rules: oldRules })).ok).to.equal(true);
    });
  });

  describe("scored by a replacement judge", () => {
    it("is no longer short once the replacement judge submits, and the notice needs no acceptance", async function () {
      this.timeout(120_000);
      const c = await shortContest();
      const fresh = await createActor(app, "judge", { unit: "替补单位", city: "石家庄" });
      const pool = [...c.judges.map((j) => j.user.id), fresh.user.id];
      expect((await as(c.admin).put(`/api/v1/contests/${c.contestId}/judges`, { judgeIds: pool })).status).to.equal(
        200,
      );
      const added = await as(c.admin).post(`/api/v1/contests/${c.contestId}/assignments`, {
        entryId: c.entries[0].id,
        judgeId: fresh.user.id,
      });
      expect(added.status, JSON.stringify(added.body)).to.equal(201);
      // Assigned but not yet submitted: no longer short while judging, as five judges will have scored it.
      const progress = await as(c.admin).get(`/api/v1/contests/${c.contestId}/progress`);
      expect(progress.body.entries[0]).to.include({ short: false, sheets: 4, required: 5 });
      expect((await scoreAsFreshJudge(c, fresh, c.entries[0].id)).status).to.equal(200);

      expect((await as(c.admin).post(`/api/v1/contests/${c.contestId}/stage`, { to: "review" })).status).to.equal(200);
      const res = await as(c.admin).post(`/api/v1/contests/${c.contestId}/stage`, { to: "notice" });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const published = await request(app.server).get(`/api/v1/contests/${c.contestId}/results`);
      expect(published.body.rules.shortPanels).to.deep.equal([]);
      expect(published.body.results.find((r: { code: string }) => r.code === c.entries[0].code).judges).to.equal(5);
    });
  });

  describe("re-scoring after an upheld objection", () => {
    let c: JudgedContest;
    let citizen: Actor;
    let fresh: Actor;
    let objectionId: string;

    before(async function () {
      this.timeout(120_000);
      c = await judgedContest(app, {
        contest: contestOptions,
        sheets: [sheets[1], sheets[2], [s(20, 20), s(25, 25), s(30, 30), s(20, 25), s(25, 20)]],
      });
      await as(c.admin).post(`/api/v1/contests/${c.contestId}/stage`, { to: "review" });
      expect((await as(c.admin).post(`/api/v1/contests/${c.contestId}/stage`, { to: "notice" })).status).to.equal(200);
      citizen = await createActor(app, "contestant");
      fresh = await createActor(app, "judge", { unit: "复评单位", city: "唐山" });
      const filed = await as(citizen.token).post(`/api/v1/contests/${c.contestId}/objections`, {
        entryId: c.entries[2].id,
        text: "评委打分明显偏低，请重新评审",
      });
      expect(filed.status).to.equal(201);
      objectionId = filed.body.objection.id;
    });

    it("refuses a judge who already scored the entry, or re-scoring with a rejection, and writes nothing", async () => {
      const before = await writtenState(app);
      const path = `/api/v1/objections/${objectionId}/resolve`;
      const taken = await as(c.admin).post(path, {
        decision: "upheld",
        reply: "重新评分",
        rescoreJudgeId: c.judges[0].user.id,
      });
      expect(taken.status).to.equal(409);
      expect(taken.body.error.code).to.equal("rescore_judge");
      const rejected = await as(c.admin).post(path, {
        decision: "rejected",
        reply: "不成立",
        rescoreJudgeId: fresh.user.id,
      });
      expect(rejected.status).to.equal(400);
      const notJudge = await as(c.admin).post(path, {
        decision: "upheld",
        reply: "重新评分",
        rescoreJudgeId: citizen.user.id,
      });
      expect(notJudge.status).to.equal(409);
      await expectNothingWritten(app, before, "a refused re-scoring");
    });

    it("orders re-scoring: the fresh judge scores that entry in the notice, once, then the organizer republishes", async () => {
      const res = await as(c.admin).post(`/api/v1/objections/${objectionId}/resolve`, {
        decision: "upheld",
        reply: "同意由新评委重新评分",
        rescoreJudgeId: fresh.user.id,
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.objection.status).to.equal("upheld");
      expect(res.body.objection.rescore).to.include({ republishedAt: null });
      const audit = await app.db("audit_log").where({ action: "objection.resolve" }).orderBy("id", "desc").first();
      expect(JSON.parse(String(audit.details))).to.include({ rescoreJudgeId: fresh.user.id });

      // Republishing waits for the sheet, and the final list waits for republishing.
      const early = await as(c.admin).post(`/api/v1/objections/${objectionId}/republish`);
      expect(early.status).to.equal(409);
      expect(early.body.error.code).to.equal("rescore_not_submitted");
      clock.advance(8 * 86_400_000);
      const final = await as(c.admin).post(`/api/v1/contests/${c.contestId}/stage`, { to: "final" });
      expect(final.status).to.equal(409);
      expect(final.body.error.code).to.equal("rescore_pending");

      // Only the re-scoring assignment may be scored in the notice.
      const other = (await as(c.judges[0].token).get("/api/v1/me/assignments")).body.assignments.find(
        (a: { entryId: string }) => a.entryId === c.entries[2].id,
      );
      const refused = await as(c.judges[0].token).put(`/api/v1/assignments/${other.id}/score`, {
        scores: s(50, 50),
        submit: true,
      });
      expect(refused.status).to.equal(409);
      expect((await scoreAsFreshJudge(c, fresh, c.entries[2].id)).status).to.equal(200);
      const queue = (await as(fresh.token).get("/api/v1/me/assignments")).body.assignments;
      expect(queue.map((a: { entryId: string }) => a.entryId)).to.deep.equal([c.entries[2].id]);
      const again = await as(fresh.token).put(`/api/v1/assignments/${queue[0].id}/score`, {
        scores: s(50, 50),
        submit: true,
      });
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal("rescore_locked");

      const republished = await as(c.admin).post(`/api/v1/objections/${objectionId}/republish`);
      expect(republished.status, JSON.stringify(republished.body)).to.equal(200);
      expect(republished.body.objection.rescore.republishedAt).to.be.a("string");
      const snapshots = await app.db("result_snapshots").where({ contest_id: c.contestId }).orderBy("number");
      expect(snapshots.map((x) => x.kind)).to.deep.equal(["notice", "revision"]);
      const row = (
        JSON.parse(String(snapshots[1].canonical_json)) as { results: { code: string; judges: number }[] }
      ).results.find((r) => r.code === c.entries[2].code)!;
      expect(row.judges).to.equal(6);
      expect(verifySnapshot(String(snapshots[1].canonical_json)).ok).to.equal(true);
      expect(await app.db("audit_log").where({ action: "objection.republish" })).to.have.length(1);
      expect((await as(c.admin).post(`/api/v1/objections/${objectionId}/republish`)).status).to.equal(409);

      const done = await as(c.admin).post(`/api/v1/contests/${c.contestId}/stage`, { to: "final" });
      expect(done.status, JSON.stringify(done.body)).to.equal(200);
    });
  });
});
