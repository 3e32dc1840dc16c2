import { expect } from "chai";
import request from "supertest";
import { startTestApp, type TestApp } from "../../helpers/app.js";
import { judgedContest, type JudgedContest } from "../../helpers/judged.js";

/**
 * Saves that arrive together share one transaction and one commit (group commit): each is still
 * checked on its own, answered only once stored, and a refused one writes nothing while the others land.
 */
describe("score saves made at the same time", () => {
  let app: TestApp;
  let c: JudgedContest;
  /** queues[j]: judge j's assignment ids, in entry order. */
  const queues: string[][] = [];

  const put = (token: string, assignmentId: string, body: object) =>
    request(app.server)
      .put(`/api/v1/assignments/${assignmentId}/score`)
      .set("Authorization", `Bearer ${token}`)
      .send(body);
  const draft = (n: number) => ({
    scores: { scientific: n % 31, knowledge: n % 21 },
    comment: `save ${n}`,
    submit: false,
  });
  const stored = async (assignmentId: string) =>
    (await app
      .db<{ id: string; status: string; scores: string; comment: string }>("assignments")
      .where({ id: assignmentId })
      .first("status", "scores", "comment"))!;
  const historyOf = async (assignmentId: string) =>
    (await app.db("score_history").where({ assignment_id: assignmentId }).orderBy("id").select("before", "after")).map(
      (r: { before: string | null; after: string }) => ({
        before: r.before === null ? null : (JSON.parse(r.before) as unknown),
        after: JSON.parse(r.after) as { scores: Record<string, number> },
      }),
    );

  before(async function () {
    this.timeout(120_000);
    app = await startTestApp();
    c = await judgedContest(app, { sheets: Array.from({ length: 3 }, () => [null, null, null, null]) });
    for (const judge of c.judges) {
      const res = await request(app.server).get("/api/v1/me/assignments").set("Authorization", `Bearer ${judge.token}`);
      const items = res.body.assignments as { id: string; entryId: string }[];
      queues.push(c.entries.map((e) => items.find((a) => a.entryId === e.id)!.id));
    }
  });
  after(() => app.close());

  it("saves by several judges to different assignments, all at once, are all answered 200 and all stored with their history", async () => {
    const saves = c.judges.flatMap((judge, j) => queues[j].map((id, e) => ({ token: judge.token, id, n: 10 * j + e })));
    const answers = await Promise.all(saves.map((s) => put(s.token, s.id, draft(s.n))));
    for (const [i, res] of answers.entries()) {
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const { id, n } = saves[i];
      expect(res.body.assignment).to.include({ id, status: "draft", comment: `save ${n}` });
      const row = await stored(id);
      expect(row.comment).to.equal(`save ${n}`);
      expect(JSON.parse(row.scores)).to.deep.equal(draft(n).scores);
      expect((await historyOf(id)).map((h) => h.after.scores)).to.deep.equal([draft(n).scores]);
    }
  });

  it("saves to one assignment at once are all answered 200; the history chains them and the sheet is the last one", async () => {
    const judge = c.judges[0];
    const id = queues[0][0];
    const earlier = (await historyOf(id)).length;
    const ns = [101, 102, 103, 104, 105, 106, 107, 108];
    const answers = await Promise.all(ns.map((n) => put(judge.token, id, draft(n))));
    for (const res of answers) expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const history = (await historyOf(id)).slice(earlier);
    expect(history.map((h) => h.after.scores)).to.have.deep.members(ns.map((n) => draft(n).scores));
    // Each save saw the one stored before it, whether or not they shared a commit.
    for (let i = 1; i < history.length; i += 1) expect(history[i].before).to.deep.equal(history[i - 1].after);
    const row = await stored(id);
    expect(JSON.parse(row.scores)).to.deep.equal(history[history.length - 1].after.scores);
  });

  it("a bad save among good ones gets its own 4xx and writes nothing; the good ones land", async () => {
    const [j0, j1, j2, j3] = c.judges;
    const untouched = [queues[1][1], queues[2][1], queues[3][1]];
    const before = await Promise.all(
      untouched.map(async (id) => ({ row: await stored(id), history: await historyOf(id) })),
    );
    const good = [
      { token: j0.token, id: queues[0][2], n: 201 },
      { token: j1.token, id: queues[1][2], n: 202 },
      { token: j2.token, id: queues[2][2], n: 203 },
    ];
    const bad = [
      // Over its maximum (科学性 30).
      { res: put(j1.token, queues[1][1], { scores: { scientific: 31 }, submit: false }), status: 400 },
      // Another judge's assignment.
      { res: put(j0.token, queues[2][1], draft(301)), status: 403 },
      // A submit without every criterion.
      { res: put(j3.token, queues[3][1], { scores: { scientific: 3 }, submit: true }), status: 400 },
      { res: put(j3.token, "no-such-assignment", draft(302)), status: 404 },
    ];
    const goodAnswers = good.map((s) => put(s.token, s.id, draft(s.n)));
    const [goodDone, badDone] = await Promise.all([Promise.all(goodAnswers), Promise.all(bad.map((b) => b.res))]);
    for (const [i, res] of badDone.entries()) {
      expect(res.status, JSON.stringify(res.body)).to.equal(bad[i].status);
      expect(res.body.error.code).to.be.a("string");
    }
    for (const [i, res] of goodDone.entries()) {
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect((await stored(good[i].id)).comment).to.equal(`save ${good[i].n}`);
    }
    const after = await Promise.all(
      untouched.map(async (id) => ({ row: await stored(id), history: await historyOf(id) })),
    );
    expect(after).to.deep.equal(before);
  });
});
