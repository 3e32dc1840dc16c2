import { expect } from "chai";
import request from "supertest";
import { startTestApp, type TestApp } from "../../helpers/app.js";
import { judgedContest, type JudgedContest } from "../../helpers/judged.js";

const rubric = { criteria: [{ key: "content", label: "内容", max: 100, step: 1 }] };
const finalRubric = {
  criteria: [
    { key: "live", label: "现场表现", max: 60, step: 1 },
    { key: "qa", label: "答辩", max: 40, step: 1 },
  ],
};

/** The labels in the contest page's rubric table. */
function rubricLabels(html: string): string[] {
  const table = /<table class="table" data-testid="rubric">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? "";
  return [...table.matchAll(/<tr><td data-label="[^"]*">([^<]*)<\/td>/g)].map((m) => m[1]);
}

describe("contest page: the rubric shown is the current round's", () => {
  let app: TestApp;
  let c: JudgedContest;

  before(async function () {
    this.timeout(120_000);
    app = await startTestApp();
    const one = (n: number) => ({ content: n });
    c = await judgedContest(app, {
      contest: { rubric, aggregation: "mean" },
      sheets: [
        [one(90), one(90)],
        [one(80), one(80)],
        [one(70), one(70)],
      ],
    });
  });
  after(() => app.close());

  it("while the first round is judged, the contest page shows the contest's rubric", async () => {
    const res = await request(app.server).get(`/contests/${c.contestId}`);
    expect(res.status).to.equal(200);
    expect(rubricLabels(res.text)).to.deep.equal(["内容"]);
  });

  it("once a final (决赛) opens with its own rubric, the contest page shows the final's criteria, as the API does", async () => {
    const opened = await request(app.server)
      .post(`/api/v1/contests/${c.contestId}/rounds`)
      .set("Authorization", `Bearer ${c.admin}`)
      .send({ name: "决赛", top: 2, rubric: finalRubric, aggregation: "mean" });
    expect(opened.status, JSON.stringify(opened.body)).to.equal(201);
    const res = await request(app.server).get(`/contests/${c.contestId}`);
    expect(res.status).to.equal(200);
    expect(rubricLabels(res.text)).to.deep.equal(["现场表现", "答辩"]);
    const api = await request(app.server)
      .get(`/api/v1/contests/${c.contestId}`)
      .set("Authorization", `Bearer ${c.admin}`);
    expect(api.body.contest.rubric.criteria.map((k: { label: string }) => k.label)).to.deep.equal(["现场表现", "答辩"]);
  });
});
