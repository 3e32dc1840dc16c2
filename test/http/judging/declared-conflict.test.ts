import { expect } from "chai";
import request from "supertest";
import { ADMIN, createActor, snapshot, startTestApp, type Actor, type TestApp } from "../../helpers/app.js";
import { openContest, submit, videoSubmission } from "../../helpers/entries.js";
import { testMedia } from "../../helpers/media.js";
import { csrfFor, pageSession } from "../../helpers/pages.js";

interface QueueItem {
  id: string;
  entryId: string;
  status: string;
}

/**
 * A judge declares a conflict with one of his entries (回避, DESIGN §3 "a declared conflict"): the
 * entry leaves his queue for the least-loaded eligible judge, is never assigned to him again, and an
 * entry nobody can take is shown short of a judge on the organizer's progress page.
 */
describe("a judge declares a conflict with an assigned entry (回避)", () => {
  let app: TestApp;
  let admin: string;
  let contestId: string;
  let judges: Actor[];
  const entryIds: string[] = [];

  const as = (token: string) => ({
    get: (path: string) => request(app.server).get(path).set("Authorization", `Bearer ${token}`),
    post: (path: string, body?: object) =>
      request(app.server).post(path).set("Authorization", `Bearer ${token}`).send(body),
    put: (path: string, body?: object) =>
      request(app.server).put(path).set("Authorization", `Bearer ${token}`).send(body),
  });
  const queueOf = async (judge: Actor): Promise<QueueItem[]> =>
    (await as(judge.token).get("/api/v1/me/assignments")).body.assignments;
  const judgesOf = async (entryId: string): Promise<string[]> =>
    (
      (await as(admin).get(`/api/v1/contests/${contestId}/assignments`)).body.assignments as {
        entryId: string;
        judgeId: string;
      }[]
    )
      .filter((a) => a.entryId === entryId)
      .map((a) => a.judgeId)
      .sort();

  before(async function () {
    this.timeout(120_000);
    const media = await testMedia();
    app = await startTestApp();
    // Three entries, three judges, two judges an entry: each entry has exactly one judge free to take it over.
    ({ id: contestId, admin } = await openContest(app, { judgesPerEntry: 2, rules: { maxEntriesPerAuthor: null } }));
    const contestant = await createActor(app, "contestant", { city: "保定" });
    for (let i = 0; i < 3; i += 1) {
      const res = await submit(
        app,
        contestId,
        contestant.token,
        videoSubmission(media, {
          fields: { title: `作品${i}`, unit: `参赛单位${i}`, authors: JSON.stringify([{ name: `作者${i}` }]) },
        }),
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      entryIds.push(res.body.entry.id);
    }
    judges = [];
    for (let i = 0; i < 3; i += 1) judges.push(await createActor(app, "judge", { unit: `评审单位${i}` }));
    expect(
      (await as(admin).put(`/api/v1/contests/${contestId}/judges`, { judgeIds: judges.map((j) => j.user.id) })).status,
    ).to.equal(200);
    expect((await as(admin).post(`/api/v1/contests/${contestId}/assignments/auto`, { seed: 3 })).status).to.equal(200);
    for (const to of ["closed", "judging"])
      expect((await as(admin).post(`/api/v1/contests/${contestId}/stage`, { to })).status).to.equal(200);
    for (const judge of judges)
      expect(
        (await as(judge.token).post(`/api/v1/contests/${contestId}/declaration`, { accept: true })).status,
      ).to.equal(200);
  });
  after(() => app.close());

  it("bad requests are refused with the error shape and write nothing", async () => {
    const [first] = await queueOf(judges[0]);
    const other = (await queueOf(judges[1])).find((a) => a.entryId !== first.entryId) ?? (await queueOf(judges[1]))[0];
    const before = await snapshot(app.db);
    const cases: [request.Test, number, string][] = [
      [as(judges[0].token).post(`/api/v1/assignments/${first.id}/conflict`, {}), 400, "validation_failed"],
      [
        as(judges[0].token).post(`/api/v1/assignments/${first.id}/conflict`, { reason: "   " }),
        400,
        "validation_failed",
      ],
      [
        as(judges[0].token).post(`/api/v1/assignments/${first.id}/conflict`, { reason: "学生", extra: 1 }),
        400,
        "validation_failed",
      ],
      [
        as(judges[0].token).post(`/api/v1/assignments/${other.id}/conflict`, { reason: "学生" }),
        403,
        "not_your_assignment",
      ],
      [
        as(judges[0].token).post("/api/v1/assignments/00000000-0000-4000-8000-000000000000/conflict", {
          reason: "学生",
        }),
        404,
        "not_found",
      ],
    ];
    for (const [call, status, code] of cases) {
      const res = await call;
      expect(res.status, JSON.stringify(res.body)).to.equal(status);
      expect(res.body.error.code).to.equal(code);
      expect(res.body.error.message).to.be.a("string").that.has.length.above(0);
    }
    expect(await snapshot(app.db)).to.deep.equal(before);
  });

  it("a submitted sheet cannot be dropped this way → 409 assignment_scored, nothing written", async () => {
    const [, second] = await queueOf(judges[2]);
    expect(
      (
        await as(judges[2].token).put(`/api/v1/assignments/${second.id}/score`, {
          scores: { scientific: 25, knowledge: 15, accessible: 15, artistic: 10, interest: 10 },
          submit: true,
        })
      ).status,
    ).to.equal(200);
    const before = await snapshot(app.db);
    const res = await as(judges[2].token).post(`/api/v1/assignments/${second.id}/conflict`, { reason: "同事" });
    expect(res.status, JSON.stringify(res.body)).to.equal(409);
    expect(res.body.error.code).to.equal("assignment_scored");
    expect(await snapshot(app.db)).to.deep.equal(before);
  });

  it("his draft entry goes to the one free judge; he no longer sees it; audited", async () => {
    const [mine] = await queueOf(judges[0]);
    const entryId = mine.entryId;
    expect(
      (
        await as(judges[0].token).put(`/api/v1/assignments/${mine.id}/score`, {
          scores: { scientific: 20 },
          submit: false,
        })
      ).status,
    ).to.equal(200);
    const holders = await judgesOf(entryId);
    const free = judges.find((j) => !holders.includes(j.user.id))!;

    const res = await as(judges[0].token).post(`/api/v1/assignments/${mine.id}/conflict`, {
      reason: "  作者是我的学生 ",
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.deep.equal({ entryId, replaced: true });

    expect(await judgesOf(entryId)).to.deep.equal(
      [...holders.filter((h) => h !== judges[0].user.id), free.user.id].sort(),
    );
    expect((await queueOf(judges[0])).map((a) => a.entryId)).not.to.include(entryId);
    expect((await queueOf(free)).find((a) => a.entryId === entryId)).to.include({ status: "assigned" });
    expect((await as(judges[0].token).get(`/api/v1/entries/${entryId}`)).status).to.equal(404);
    expect(
      await app.db("declared_conflicts").where({ judge_id: judges[0].user.id, entry_id: entryId }).first(),
    ).to.include({ reason: "作者是我的学生" });
    const audit = await app.db("audit_log").where({ action: "judging.declareConflict", target_id: entryId });
    expect(audit).to.have.length(1);
    expect(JSON.parse(audit[0].details)).to.deep.equal({ reason: "作者是我的学生", replacedBy: free.user.id });
  });

  it("the organizer cannot give it back to him: 409 conflict_of_interest (declared)", async () => {
    const entryId = (await app.db("declared_conflicts").where({ judge_id: judges[0].user.id }).first()).entry_id;
    const before = await snapshot(app.db);
    const res = await as(admin).post(`/api/v1/contests/${contestId}/assignments`, {
      entryId,
      judgeId: judges[0].user.id,
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(409);
    expect(res.body.error).to.include({ code: "conflict_of_interest" });
    expect(res.body.error.details).to.deep.equal({ reason: "declared" });
    expect(await snapshot(app.db)).to.deep.equal(before);
  });

  it("when nobody can take over, the entry leaves his queue and shows short of a judge on the progress page", async () => {
    // The judge who just took the entry over declares too: judge 0 has declared, the third already has it.
    const entryId = (await app.db("declared_conflicts").where({ judge_id: judges[0].user.id }).first()).entry_id;
    const holders = await judgesOf(entryId);
    const taker = judges.find((j) => holders.includes(j.user.id) && j !== judges[0])!;
    const item = (await queueOf(taker)).find((a) => a.entryId === entryId)!;
    expect(item.status).not.to.equal("submitted");
    const res = await as(taker.token).post(`/api/v1/assignments/${item.id}/conflict`, { reason: "亲属" });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.deep.equal({ entryId, replaced: false });
    expect(await judgesOf(entryId)).to.have.length(1);

    const progress = await as(admin).get(`/api/v1/contests/${contestId}/progress`);
    expect(progress.body.entries.find((e: { entryId: string }) => e.entryId === entryId)).to.include({
      assigned: 1,
      needed: 2,
    });
    const agent = await pageSession(app, ADMIN.email, ADMIN.password);
    const page = await agent.get(`/contests/${contestId}/progress`).set("Accept", "text/html");
    expect(page.status).to.equal(200);
    expect(page.text).to.include('data-testid="short-entries"').and.include("缺 1 位评委");
  });

  it("through the judge's page: the form is on his entry page; a blank reason is named; then it leaves his queue", async () => {
    const judge = judges[1];
    const agent = await pageSession(app, judge.email, judge.password);
    const open = (await queueOf(judge)).find((a) => a.status !== "submitted")!;
    const page = await agent.get(`/judge/assignments/${open.id}`).set("Accept", "text/html");
    expect(page.text)
      .to.include('data-testid="declare-conflict"')
      .and.include(`action="/judge/assignments/${open.id}/conflict"`);
    const csrf = await csrfFor(agent);
    const before = await snapshot(app.db);
    const blank = await agent
      .post(`/judge/assignments/${open.id}/conflict`)
      .type("form")
      .set("Accept", "text/html")
      .send({ _csrf: csrf, reason: " " });
    expect(blank.status).to.equal(400);
    expect(blank.text).to.include('data-testid="declare-conflict"');
    expect(await snapshot(app.db)).to.deep.equal(before);
    const done = await agent
      .post(`/judge/assignments/${open.id}/conflict`)
      .type("form")
      .set("Accept", "text/html")
      .send({ _csrf: csrf, reason: "同一课题组" });
    expect(done.status).to.equal(303);
    expect(done.headers.location).to.equal("/judge");
    expect((await queueOf(judge)).map((a) => a.id)).not.to.include(open.id);
    const queuePage = await agent.get("/judge").set("Accept", "text/html");
    expect(queuePage.text).to.match(/已申报回避/);
  });

  it("once the round's scores are frozen (review) it is refused, nothing written", async () => {
    expect((await as(admin).post(`/api/v1/contests/${contestId}/stage`, { to: "review" })).status).to.equal(200);
    const open = (await queueOf(judges[2])).find((a) => a.status !== "submitted")!;
    const before = await snapshot(app.db);
    const res = await as(judges[2].token)
      .post(`/api/v1/assignments/${open.id}/conflict`, { reason: "同事" })
      .set("Accept-Language", "en");
    expect(res.status, JSON.stringify(res.body)).to.equal(409);
    expect(res.body.error.message).to.match(/[A-Za-z]/);
    expect(await snapshot(app.db)).to.deep.equal(before);
  });
});
