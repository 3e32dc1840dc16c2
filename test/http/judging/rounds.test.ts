import { expect } from "chai";
import request from "supertest";
import { createActor, startTestApp, type Actor, type TestApp } from "../../helpers/app.js";
import { judgedContest, type JudgedContest } from "../../helpers/judged.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

const rubric = { criteria: [{ key: "content", label: "内容", max: 100, step: 1 }] };
const finalRubric = {
  criteria: [
    { key: "live", label: "现场表现", max: 60, step: 1 },
    { key: "qa", label: "答辩", max: 40, step: 1 },
  ],
};

describe("rounds: a final in which the whole panel scores the top N", () => {
  let app: TestApp;
  let c: JudgedContest;
  let panel: Actor[];

  const as = (token: string) => ({
    get: (path: string) => request(app.server).get(path).set("Authorization", `Bearer ${token}`),
    post: (path: string, body?: object) =>
      request(app.server).post(path).set("Authorization", `Bearer ${token}`).send(body),
    put: (path: string, body?: object) =>
      request(app.server).put(path).set("Authorization", `Bearer ${token}`).send(body),
  });

  before(async function () {
    this.timeout(120_000);
    app = await startTestApp();
    const one = (n: number) => ({ content: n });
    c = await judgedContest(app, {
      contest: { rubric, aggregation: "mean" },
      // Means: 90, 80, 70, 70, 60 — a tie for third place at the cut of 3.
      sheets: [
        [one(90), one(90), one(90)],
        [one(80), one(80), one(80)],
        [one(70), one(70), one(70)],
        [one(70), one(70), one(70)],
        [one(60), one(60), one(60)],
      ],
    });
    panel = [
      await createActor(app, "judge", { unit: "决赛评委单位一" }),
      await createActor(app, "judge", { unit: "决赛评委单位二" }),
    ];
  });
  after(() => app.close());

  it("refuses a round without top or threshold", async () => {
    const before = await writtenState(app);
    const res = await as(c.admin).post(`/api/v1/contests/${c.contestId}/rounds`, { name: "决赛" });
    expect(res.status).to.equal(400);
    await expectNothingWritten(app, before);
  });

  it("advances the top 3, ties at the cut all advancing, and closes the first round", async () => {
    const res = await as(c.admin).post(`/api/v1/contests/${c.contestId}/rounds`, {
      name: "决赛",
      top: 3,
      rubric: finalRubric,
      aggregation: "mean",
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.round).to.include({ number: 2, name: "决赛", status: "open" });
    const rounds = (await as(c.admin).get(`/api/v1/contests/${c.contestId}/rounds`)).body.rounds;
    expect(
      rounds.map((r: { number: number; status: string; entries: number }) => [r.number, r.status, r.entries]),
    ).to.deep.equal([
      [1, "closed", 5],
      [2, "open", 4],
    ]);
  });

  it("the contest now shows the final's rubric and aggregation, in the list too", async () => {
    const keys = (contest: { rubric: { criteria: { key: string }[] } }) => contest.rubric.criteria.map((k) => k.key);
    const res = await as(c.admin).get(`/api/v1/contests/${c.contestId}`);
    expect(keys(res.body.contest)).to.deep.equal(["live", "qa"]);
    const listed = (await as(c.admin).get("/api/v1/contests")).body.contests.find(
      (x: { id: string }) => x.id === c.contestId,
    );
    expect(keys(listed)).to.deep.equal(["live", "qa"]);
    expect(listed.aggregation).to.equal("mean");
  });

  it("first-round sheets can no longer change", async () => {
    const judge = c.judges[0];
    const queue = (await as(judge.token).get("/api/v1/me/assignments")).body.assignments;
    const first = queue.find((a: { roundName: string }) => a.roundName === "初评");
    const before = await writtenState(app);
    const res = await as(judge.token).put(`/api/v1/assignments/${first.id}/score`, {
      scores: { content: 10 },
      submit: true,
    });
    expect(res.status).to.equal(409);
    await expectNothingWritten(app, before);
  });

  it("the whole final panel gets every finalist, and the final alone decides", async () => {
    expect(
      (await as(c.admin).put(`/api/v1/contests/${c.contestId}/judges`, { judgeIds: panel.map((j) => j.user.id) }))
        .status,
    ).to.equal(200);
    const auto = await as(c.admin).post(`/api/v1/contests/${c.contestId}/assignments/auto`, {});
    expect(auto.status, JSON.stringify(auto.body)).to.equal(200);
    expect(auto.body.assignments).to.equal(8);
    const finalScores = [
      { live: 50, qa: 20 },
      { live: 55, qa: 35 },
      { live: 40, qa: 30 },
      { live: 30, qa: 30 },
    ];
    for (const judge of panel) {
      await as(judge.token).post(`/api/v1/contests/${c.contestId}/declaration`, { accept: true });
      const queue = (await as(judge.token).get("/api/v1/me/assignments")).body.assignments;
      for (const item of queue) {
        const index = c.entries.findIndex((e) => e.id === item.entryId);
        const sent = await as(judge.token).put(`/api/v1/assignments/${item.id}/score`, {
          scores: finalScores[index],
          submit: true,
        });
        expect(sent.status, JSON.stringify(sent.body)).to.equal(200);
      }
    }
    const results = await as(c.admin).post(`/api/v1/contests/${c.contestId}/results/compute`);
    expect(
      results.body.results.map((r: { code: string; score: number; rank: number }) => [r.code, r.score, r.rank]),
    ).to.deep.equal([
      [c.entries[1].code, 90, 1],
      // Equal at 70: the final's first criterion (live 50 against 40) puts entry 1 ahead.
      [c.entries[0].code, 70, 2],
      [c.entries[2].code, 70, 3],
      [c.entries[3].code, 60, 4],
    ]);
    expect(results.body.results[2].explanation).to.include("现场表现");
    expect(results.body.rules.round).to.deep.equal({ number: 2, name: "决赛" });
  });
});
