import { expect } from "chai";
import request from "supertest";
import { ADMIN, snapshot, startTestApp, type TestApp } from "../../helpers/app.js";
import { judgedContest, type JudgedContest } from "../../helpers/judged.js";
import { csrfFor, pageSession, type PageAgent } from "../../helpers/pages.js";

const rubric = { criteria: [{ key: "content", label: "内容", max: 100, step: 1 }] };

/**
 * Talk times through the review page, many at once (the live final): two judges, plain mean.
 *   A: 90, 90 → 90.00, 2:50 (under 3:00) → 88.00
 *   B: 89, 89 → 89.00, 4:05 (within 4:00 + 15 s) → 89.00
 * so the time turns A, B into B, A.
 */
describe("talk times on the review page (讲解用时)", () => {
  let app: TestApp;
  let c: JudgedContest;
  let agent: PageAgent;
  let csrf: string;
  const post = (talkTimes: string) =>
    agent
      .post(`/contests/${c.contestId}/review/results/talk-times`)
      .type("form")
      .set("Accept", "text/html")
      .send({ _csrf: csrf, talkTimes });

  before(async function () {
    this.timeout(120_000);
    app = await startTestApp();
    c = await judgedContest(app, {
      contest: { rubric, aggregation: "mean", rules: { maxEntriesPerAuthor: null, timeRules: {} } },
      sheets: [
        [{ content: 90 }, { content: 90 }],
        [{ content: 89 }, { content: 89 }],
      ],
    });
    agent = await pageSession(app, ADMIN.email, ADMIN.password);
    csrf = await csrfFor(agent);
  });
  after(() => app.close());

  it("the panel is on the review page of a contest with time rules", async () => {
    const page = await agent.get(`/contests/${c.contestId}/review/results`).set("Accept", "text/html");
    expect(page.status).to.equal(200);
    expect(page.text)
      .to.include('data-testid="talk-times"')
      .and.include('action="/contests/' + c.contestId + '/review/results/talk-times"');
  });

  it("a bad line or an unknown code is refused with the lines kept; nothing written", async () => {
    for (const [typed, message] of [
      [`${c.entries[0].code} 2:50\n${c.entries[1].code} 4:75`, "第 2 行无法识别"],
      [`${c.entries[0].code} 2:50\nJS-9999 4:00`, "JS-9999"],
    ]) {
      const before = await snapshot(app.db);
      const res = await post(typed);
      expect(res.status, typed).to.equal(400);
      expect(res.text).to.include('data-testid="talk-times-error"').and.include(message);
      expect(res.text).to.include(typed.split("\n")[1]);
      expect(await snapshot(app.db)).to.deep.equal(before);
    }
  });

  it("saves the times (each audited), shows them back as m:ss, and the recomputed results apply them", async () => {
    const res = await post(`${c.entries[0].code} 2:50\n${c.entries[1].code}\t245`);
    expect(res.status).to.equal(303);
    expect(
      (
        await app.db("entries").whereIn("id", [c.entries[0].id, c.entries[1].id]).orderBy("seq").select("talk_seconds")
      ).map((r: { talk_seconds: number }) => r.talk_seconds),
    ).to.deep.equal([170, 245]);
    expect(await app.db("audit_log").where({ action: "entry.timing" })).to.have.length(2);
    const page = await agent.get(`/contests/${c.contestId}/review/results`).set("Accept", "text/html");
    expect(page.text).to.include(`${c.entries[0].code} 2:50`).and.include(`${c.entries[1].code} 4:05`);
    const token = (await request(app.server).post("/api/v1/auth/token").send(ADMIN)).body.token as string;
    const computed = await request(app.server)
      .post(`/api/v1/contests/${c.contestId}/results/compute`)
      .set("Authorization", `Bearer ${token}`);
    expect(
      computed.body.results.map((r: { code: string; score: number; rank: number }) => [r.code, r.score, r.rank]),
    ).to.deep.equal([
      [c.entries[1].code, 89, 1],
      [c.entries[0].code, 88, 2],
    ]);
  });
});
