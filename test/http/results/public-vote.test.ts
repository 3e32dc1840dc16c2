import { expect } from "chai";
import { parse } from "csv-parse/sync";
import request from "supertest";
import { ADMIN, snapshot, startTestApp, type TestApp } from "../../helpers/app.js";
import { judgedContest, type JudgedContest } from "../../helpers/judged.js";
import { csrfFor, pageSession } from "../../helpers/pages.js";

const rubric = {
  criteria: [
    { key: "science", label: "科学性", max: 50, step: 1 },
    { key: "art", label: "艺术性", max: 50, step: 1 },
  ],
};
const s = (science: number, art: number) => ({ science, art });

/**
 * The public vote (网络投票, DESIGN §3) at 20%, worked by hand. Three judges, plain mean:
 *   A: 90, 88, 86 → 88.00     votes   150 of the leader's 3000 → 5.00 points
 *   B: 85, 85, 85 → 85.00     votes  3000                     → 100.00 points
 *   C: 80, 81, 82 → 81.00     votes  1000                     → 33.333… → 33.33 points
 * final = judges' score × 80% + points × 20%, rounded half up:
 *   A: 70.40 + 1.00 = 71.40      B: 68.00 + 20.00 = 88.00      C: 64.80 + 6.666… = 71.466… → 71.47
 * so the vote turns the judges' order A, B, C into B, C, A. Prizes by ratio 10/20/30% of N = 3:
 * first = round(0.3) = 0, first + second = round(0.9) = 1, all three = round(1.8) = 2 → B second, C third.
 */
describe("results with a public vote (网络投票)", () => {
  let app: TestApp;
  let c: JudgedContest;
  let codes: { a: string; b: string; c: string };

  const as = (token?: string) => {
    const auth = (r: request.Test) => (token ? r.set("Authorization", `Bearer ${token}`) : r);
    return {
      get: (path: string) => auth(request(app.server).get(path)),
      post: (path: string, body?: object) => auth(request(app.server).post(path)).send(body),
      put: (path: string, body?: object) => auth(request(app.server).put(path)).send(body),
    };
  };

  before(async function () {
    this.timeout(120_000);
    app = await startTestApp();
    c = await judgedContest(app, {
      contest: { rubric, aggregation: "mean", rules: { publicVoteWeight: 0.2, maxEntriesPerAuthor: null } },
      sheets: [
        [s(45, 45), s(44, 44), s(43, 43)],
        [s(45, 40), s(45, 40), s(45, 40)],
        [s(40, 40), s(41, 40), s(41, 41)],
      ],
    });
    codes = { a: c.entries[0].code, b: c.entries[1].code, c: c.entries[2].code };
  });
  after(() => app.close());

  it("bad vote records are refused with the error shape, writing nothing", async () => {
    const judge = c.judges[0];
    const url = `/api/v1/contests/${c.contestId}/votes`;
    const cases: [string, () => request.Test, number, string][] = [
      [
        "an unknown code",
        () => as(c.admin).put(url, { votes: { [codes.a]: 1, "SP-0000-9999": 5 } }),
        400,
        "unknown_entries",
      ],
      ["a negative count", () => as(c.admin).put(url, { votes: { [codes.a]: -1 } }), 400, "validation_failed"],
      ["a fractional count", () => as(c.admin).put(url, { votes: { [codes.a]: 1.5 } }), 400, "validation_failed"],
      ["a count as text", () => as(c.admin).put(url, { votes: { [codes.a]: "12" } }), 400, "validation_failed"],
      ["no votes object", () => as(c.admin).put(url, { [codes.a]: 1 }), 400, "validation_failed"],
      ["a judge", () => as(judge.token).put(url, { votes: { [codes.a]: 1 } }), 403, "forbidden"],
      ["anonymous", () => as().put(url, { votes: { [codes.a]: 1 } }), 401, "unauthenticated"],
    ];
    for (const [name, call, status, code] of cases) {
      const before = await snapshot(app.db);
      const res = await call();
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).to.equal(status);
      expect(res.body.error.code, name).to.equal(code);
      expect(res.body.error.message, name).to.be.a("string").that.has.length.above(0);
      expect(await snapshot(app.db), name).to.deep.equal(before);
    }
    const unknown = await as(c.admin)
      .put(url, { votes: { "SP-0000-9999": 5 } })
      .set("Accept-Language", "en");
    expect(unknown.body.error.message).to.include("SP-0000-9999");
  });

  it("a contest without a vote weight refuses votes (409 public_vote_off), writing nothing", async () => {
    const plain = await judgedContest(app, { contest: { rubric }, sheets: [[s(40, 40)]] });
    const before = await snapshot(app.db);
    const res = await as(plain.admin).put(`/api/v1/contests/${plain.contestId}/votes`, {
      votes: { [plain.entries[0].code]: 3 },
    });
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal("public_vote_off");
    expect(await snapshot(app.db)).to.deep.equal(before);
  });

  it("records the votes as a whole (entries not listed count 0), audited, and reads them back", async () => {
    const res = await as(c.admin).put(`/api/v1/contests/${c.contestId}/votes`, {
      votes: { [codes.a]: 150, [codes.b]: 3000, [codes.c]: 1000 },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.votes).to.deep.equal({ [codes.a]: 150, [codes.b]: 3000, [codes.c]: 1000 });
    expect((await as(c.admin).get(`/api/v1/contests/${c.contestId}/votes`)).body.votes).to.deep.equal({
      [codes.a]: 150,
      [codes.b]: 3000,
      [codes.c]: 1000,
    });
    const audit = await app.db("audit_log").where({ action: "contest.votes", target_id: c.contestId });
    expect(audit).to.have.length(1);
    expect(JSON.parse(audit[0].details)).to.deep.equal({ entries: 3, total: 4150 });
  });

  it("blends the vote exactly: scores, ranks and prizes of the worked example", async () => {
    const res = await as(c.admin).post(`/api/v1/contests/${c.contestId}/results/compute`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const rows = res.body.results.map(
      (r: { code: string; score: number; rank: number; prize: string | null; publicVotes: number }) => [
        r.code,
        r.score,
        r.rank,
        r.prize,
        r.publicVotes,
      ],
    );
    expect(rows).to.deep.equal([
      [codes.b, 88, 1, "second", 3000],
      [codes.c, 71.47, 2, "third", 1000],
      [codes.a, 71.4, 3, null, 150],
    ]);
  });

  it("the explanation shows the arithmetic, in Chinese and in English; the rules in force name the vote", async () => {
    const zh = (await as(c.admin).get(`/api/v1/contests/${c.contestId}/results`)).body;
    const rowC = zh.results.find((r: { code: string }) => r.code === codes.c);
    expect(rowC.explanation).to.equal(
      "3 位评委平均 81.00；网络投票 1000 票（最高 3000 票，折合 33.33 分）占 20%：81.00 × 80% + 33.33 × 20% = 71.47",
    );
    expect(zh.rules.publicVoteWeight).to.equal(0.2);
    const en = (await as(c.admin).get(`/api/v1/contests/${c.contestId}/results`).set("Accept-Language", "en")).body;
    expect(en.results.find((r: { code: string }) => r.code === codes.a).explanation).to.include(
      "public vote 150 (leader 3000, 5.00 points) weighs 20%: 88.00 × 80% + 5.00 × 20% = 71.40",
    );
  });

  it("the CSV export has a 网络投票 column", async () => {
    const csv = await as(c.admin).get(`/api/v1/contests/${c.contestId}/results.csv`);
    const [header, ...rows] = parse(csv.text.replace(/^\uFEFF/, ""));
    const column = header.indexOf("网络投票");
    expect(column).to.be.greaterThan(-1);
    expect(rows.map((r) => [r[1], r[column]])).to.deep.equal([
      [codes.b, "3000"],
      [codes.c, "1000"],
      [codes.a, "150"],
    ]);
  });

  describe("the review page", () => {
    it("shows the vote panel with the recorded lines and the rule", async () => {
      const agent = await pageSession(app, ADMIN.email, ADMIN.password);
      const page = await agent.get(`/contests/${c.contestId}/review/results`).set("Accept", "text/html");
      expect(page.status).to.equal(200);
      expect(page.text)
        .to.include('data-testid="public-votes"')
        .and.include(`${codes.b} 3000`)
        .and.include("网络投票占 20%");
    });

    it("a line it cannot read is named and the typed lines come back; nothing written", async () => {
      const agent = await pageSession(app, ADMIN.email, ADMIN.password);
      const csrf = await csrfFor(agent);
      const before = await snapshot(app.db);
      const typed = `${codes.a} 10\n${codes.b} 十二`;
      const res = await agent
        .post(`/contests/${c.contestId}/review/results/votes`)
        .type("form")
        .set("Accept", "text/html")
        .send({ _csrf: csrf, votes: typed });
      expect(res.status).to.equal(400);
      expect(res.text).to.include('data-testid="votes-error"').and.include("第 2 行无法识别");
      expect(res.text).to.include(`${codes.b} 十二`);
      expect(await snapshot(app.db)).to.deep.equal(before);
    });

    it("pasted lines (tab or comma separated) are saved; the results change after recomputing", async () => {
      const agent = await pageSession(app, ADMIN.email, ADMIN.password);
      const csrf = await csrfFor(agent);
      const res = await agent
        .post(`/contests/${c.contestId}/review/results/votes`)
        .type("form")
        .set("Accept", "text/html")
        .send({ _csrf: csrf, votes: `${codes.a}\t3000\r\n\r\n${codes.b},150\n` });
      expect(res.status).to.equal(303);
      expect((await as(c.admin).get(`/api/v1/contests/${c.contestId}/votes`)).body.votes).to.deep.equal({
        [codes.a]: 3000,
        [codes.b]: 150,
        [codes.c]: 0,
      });
      const results = (await as(c.admin).post(`/api/v1/contests/${c.contestId}/results/compute`)).body.results;
      // A: 70.40 + 20.00 = 90.40; B: 68.00 + 1.00 = 69.00; C: 64.80 + 0 = 64.80.
      expect(results.map((r: { code: string; score: number }) => [r.code, r.score])).to.deep.equal([
        [codes.a, 90.4],
        [codes.b, 69],
        [codes.c, 64.8],
      ]);
    });
  });

  describe("after publication", () => {
    it("once the results are public, votes can no longer change (409), nothing written", async () => {
      for (const to of ["review", "notice"])
        expect((await as(c.admin).post(`/api/v1/contests/${c.contestId}/stage`, { to })).status).to.equal(200);
      const before = await snapshot(app.db);
      const res = await as(c.admin).put(`/api/v1/contests/${c.contestId}/votes`, { votes: { [codes.c]: 99999 } });
      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal("stage_conflict");
      expect(await snapshot(app.db)).to.deep.equal(before);
    });
  });
});
