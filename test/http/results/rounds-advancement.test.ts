import { expect } from "chai";
import request from "supertest";
import { createActor, startTestApp, type Actor, type TestApp } from "../../helpers/app.js";
import { openContest } from "../../helpers/entries.js";
import { judgedContest, type JudgedContest } from "../../helpers/judged.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

const rubric = { criteria: [{ key: "content", label: "内容", max: 100, step: 1 }] };
const one = (n: number) => ({ content: n });
// Means 90, 80, 70, 70, 60: two entries share third place, and 70 is a score on which to set a threshold.
const sheets = [90, 80, 70, 70, 60].map((n) => [one(n), one(n), one(n)]);

describe("rounds: advancement by top N or strictly above a threshold, previewed, and every round's results kept", () => {
  let app: TestApp;
  let c: JudgedContest;
  let byThreshold: JudgedContest;
  let stranger: Actor;

  const as = (token: string | null) => {
    const auth = (r: request.Test) => (token ? r.set("Authorization", `Bearer ${token}`) : r);
    return {
      get: (path: string) => auth(request(app.server).get(path)),
      post: (path: string, body?: object) => auth(request(app.server).post(path)).send(body),
    };
  };
  const ids = (rows: { entryId: string }[]) => rows.map((r) => r.entryId).sort();
  const roundEntries = async (contestId: string, number: number) => {
    const round = await app.db("rounds").where({ contest_id: contestId, number }).first();
    return ((await app.db("round_entries").where({ round_id: round.id }).pluck("entry_id")) as string[]).sort();
  };

  before(async function () {
    this.timeout(180_000);
    app = await startTestApp();
    c = await judgedContest(app, { contest: { rubric, aggregation: "mean" }, sheets });
    byThreshold = await judgedContest(app, { contest: { rubric, aggregation: "mean" }, sheets });
    stranger = await createActor(app, "contestant");
  });
  after(() => app.close());

  it("the preview of the top 3 lets both entries tied at third through, and says so", async () => {
    const res = await as(c.admin).get(`/api/v1/contests/${c.contestId}/rounds/preview?top=3`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.finalists.map((f: { score: number }) => f.score)).to.deep.equal([90, 80, 70, 70]);
    expect(res.body.tieAtCut).to.deep.equal({ rank: 3, tied: 2, advancing: 4 });
    const exact = await as(c.admin).get(`/api/v1/contests/${c.contestId}/rounds/preview?top=4`);
    expect(exact.body.finalists).to.have.length(4);
    expect(exact.body.tieAtCut).to.equal(null);
  });

  it("a score equal to the threshold does not advance: only those strictly above it", async () => {
    const at70 = await as(c.admin).get(`/api/v1/contests/${c.contestId}/rounds/preview?threshold=70`);
    expect(at70.body.finalists.map((f: { score: number }) => f.score)).to.deep.equal([90, 80]);
    expect(at70.body.atThreshold).to.equal(2);
    const below = await as(c.admin).get(`/api/v1/contests/${c.contestId}/rounds/preview?threshold=69.99`);
    expect(below.body.finalists).to.have.length(4);
    expect(below.body.atThreshold).to.equal(0);
  });

  for (const [what, body] of [
    ["neither top nor threshold", { name: "决赛" }],
    ["both top and threshold", { name: "决赛", top: 3, threshold: 70 }],
    ["top 0", { name: "决赛", top: 0 }],
    ["an unknown field", { name: "决赛", top: 3, extra: 1 }],
    ["judges per entry 0", { name: "决赛", top: 3, judgesPerEntry: 0 }],
  ] as const) {
    it(`opening a round with ${what} answers 400 and writes nothing`, async () => {
      const before = await writtenState(app);
      const res = await as(c.admin).post(`/api/v1/contests/${c.contestId}/rounds`, body);
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal("validation_failed");
      await expectNothingWritten(app, before);
    });
  }

  for (const query of ["", "?top=3&threshold=70", "?top=0", "?top=abc", "?threshold=-1", "?top=3&x=1"])
    it(`the preview with "${query}" answers 400`, async () => {
      const res = await as(c.admin).get(`/api/v1/contests/${c.contestId}/rounds/preview${query}`);
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal("validation_failed");
    });

  it("a round opened (or previewed) out of the judging stage answers 409 and writes nothing", async () => {
    const { id, admin } = await openContest(app, { rubric });
    const before = await writtenState(app);
    const res = await as(admin).post(`/api/v1/contests/${id}/rounds`, { name: "决赛", top: 1 });
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal("stage_conflict");
    expect((await as(admin).get(`/api/v1/contests/${id}/rounds/preview?top=1`)).status).to.equal(409);
    await expectNothingWritten(app, before);
  });

  it("only organizers preview, open and read a given round's results", async () => {
    const before = await writtenState(app);
    expect((await as(stranger.token).get(`/api/v1/contests/${c.contestId}/rounds/preview?top=3`)).status).to.equal(403);
    expect(
      (await as(stranger.token).post(`/api/v1/contests/${c.contestId}/rounds`, { name: "决赛", top: 3 })).status,
    ).to.equal(403);
    expect((await as(stranger.token).get(`/api/v1/contests/${c.contestId}/results?round=1`)).status).to.equal(403);
    await expectNothingWritten(app, before);
  });

  it("opening advances exactly the previewed entries, with the new round's own judges per entry", async () => {
    const preview = await as(c.admin).get(`/api/v1/contests/${c.contestId}/rounds/preview?top=3`);
    const res = await as(c.admin).post(`/api/v1/contests/${c.contestId}/rounds`, {
      name: "决赛",
      top: 3,
      judgesPerEntry: 2,
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.round).to.include({ number: 2, name: "决赛", status: "open" });
    expect(res.body.round.advancement).to.deep.equal({ top: 3 });
    expect(await roundEntries(c.contestId, 2)).to.deep.equal(ids(preview.body.finalists));
    const rounds = (await as(c.admin).get(`/api/v1/contests/${c.contestId}/rounds`)).body.rounds;
    expect(rounds.map((r: { judgesPerEntry: number | null }) => r.judgesPerEntry)).to.deep.equal([3, 2]);
    const audit = await app.db("audit_log").where({ action: "judging.round", target_id: c.contestId }).first();
    expect(JSON.parse(audit.details)).to.include({ round: 2, top: 3, finalists: 4 });
  });

  it("opening by threshold advances those strictly above it, as previewed", async () => {
    const path = `/api/v1/contests/${byThreshold.contestId}`;
    const preview = await as(byThreshold.admin).get(`${path}/rounds/preview?threshold=70`);
    const res = await as(byThreshold.admin).post(`${path}/rounds`, { name: "决赛", threshold: 70 });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const advanced = await roundEntries(byThreshold.contestId, 2);
    expect(advanced).to.deep.equal(ids(preview.body.finalists));
    expect(advanced).to.deep.equal([byThreshold.entries[0].id, byThreshold.entries[1].id].sort());
  });

  it("round 1's results stay readable after the final opens; the results answer the current round", async () => {
    const first = await as(c.admin).get(`/api/v1/contests/${c.contestId}/results?round=1`);
    expect(first.status, JSON.stringify(first.body)).to.equal(200);
    expect(first.body.rules.round.number).to.equal(1);
    expect(first.body.results.map((r: { score: number }) => r.score)).to.deep.equal([90, 80, 70, 70, 60]);
    const current = await as(c.admin).get(`/api/v1/contests/${c.contestId}/results`);
    expect(current.body.rules.round).to.deep.equal({ number: 2, name: "决赛" });
    expect(current.body.results).to.deep.equal([]);
    expect((await as(c.admin).get(`/api/v1/contests/${c.contestId}/results?round=3`)).status).to.equal(404);
    expect((await as(c.admin).get(`/api/v1/contests/${c.contestId}/results?round=x`)).status).to.equal(400);
  });

  it("round 1's results stay as stored after the final is computed", async () => {
    const computed = await as(c.admin).post(`/api/v1/contests/${c.contestId}/results/compute`);
    expect(computed.status).to.equal(200);
    expect(await app.db("computed_results").where({ contest_id: c.contestId }).pluck("round_id")).to.have.length(2);
    const first = await as(c.admin).get(`/api/v1/contests/${c.contestId}/results?round=1`);
    expect(first.body.results).to.have.length(5);
  });

  it("the finalists list is public only once published; publishing is audited and happens once", async () => {
    const path = `/api/v1/contests/${c.contestId}/rounds/1`;
    expect((await as(null).get(`${path}/finalists`)).status).to.equal(404);
    const draft = await as(c.admin).get(`${path}/finalists`);
    expect(draft.status).to.equal(200);
    expect(draft.body.round.finalistsPublishedAt).to.equal(null);

    const published = await as(c.admin).post(`${path}/publish`);
    expect(published.status, JSON.stringify(published.body)).to.equal(200);
    expect(published.body.round.finalistsPublishedAt).to.be.a("string");
    expect(await app.db("audit_log").where({ action: "judging.finalistsPublished" }).pluck("id")).to.have.length(1);

    const list = await as(null).get(`${path}/finalists`);
    expect(list.status).to.equal(200);
    expect(list.body.advancement).to.deep.equal({ top: 3 });
    expect(list.body.finalists.map((f: { code: string }) => f.code)).to.deep.equal(
      c.entries.slice(0, 4).map((e) => e.code),
    );
    expect(list.body.finalists[0]).to.include({ title: "作品 1", unit: "参赛单位 1" });
    expect(list.body.finalists[0].authors).to.deep.equal(["作者 1"]);
    expect(list.body.rules.round.number).to.equal(1);

    const before = await writtenState(app);
    expect((await as(c.admin).post(`${path}/publish`)).status).to.equal(409);
    expect((await as(c.admin).post(`/api/v1/contests/${c.contestId}/rounds/2/publish`)).status).to.equal(404);
    expect((await as(stranger.token).post(`${path}/publish`)).status).to.equal(403);
    await expectNothingWritten(app, before);
  });
});
