/**
 * The ranking rule's tie chain (DESIGN §3 "Ranking") worked by hand through the real pipeline:
 * judges score over the API, the organizer computes, and every rank, prize and explanation is
 * checked against numbers computed below in the comments.
 *
 * Five judges, so the score is `trimmed` (drop one highest and one lowest total, average the other
 * three), while the tie chain reads each criterion's mean over ALL five sheets (untrimmed).
 */
import { expect } from "chai";
import request from "supertest";
import { startTestApp, type TestApp } from "../../helpers/app.js";
import { judgedContest, type JudgedContest } from "../../helpers/judged.js";

const rubric = {
  criteria: [
    { key: "science", label: "科学性", max: 40, step: 1 },
    { key: "knowledge", label: "知识性", max: 30, step: 1 },
    { key: "fun", label: "趣味性", max: 30, step: 1 },
  ],
};
const s = (science: number, knowledge: number, fun: number) => ({ science, knowledge, fun });
const five = (sheet: ReturnType<typeof s>) => [sheet, sheet, sheet, sheet, sheet];

/*
 * Entries in the order they are submitted (the loser of each tie first, so that input order
 * cannot be what puts the winner ahead):
 *
 * B: totals 90, 90, 90, 100, 72 → drop 100 and 72 → 90.00.
 *    Means: science (36·3 + 40 + 32) / 5 = 180 / 5 = 36; knowledge (27·3 + 30 + 20) / 5 = 131 / 5 = 26.2;
 *    fun (27·3 + 30 + 20) / 5 = 26.2.
 * A: five times (36, 28, 26) = 90 → 90.00. Means 36, 28, 26.
 *    A vs B: same score, science 36 = 36, knowledge 28 > 26.2 → A first, decided by the SECOND
 *    criterion. (Fun alone would put B first: 26.2 > 26.)
 * D: totals 80, 80, 80, 90, 68 → drop 90 and 68 → 80.00.
 *    Means: science (32·3 + 36 + 28) / 5 = 160 / 5 = 32; knowledge (24·3 + 28 + 20) / 5 = 120 / 5 = 24;
 *    fun (24·3 + 26 + 20) / 5 = 118 / 5 = 23.6.
 * C: five times (32, 24, 24) = 80 → 80.00. Means 32, 24, 24.
 *    C vs D: same score, science 32 = 32, knowledge 24 = 24, fun 24 > 23.6 → C first, decided by
 *    the THIRD criterion.
 * E: five times (28, 21, 21) = 70 → 70.00. Means 28, 21, 21.
 * F: totals 70, 70, 70, 74, 66 → drop 74 and 66 → 70.00.
 *    Means: science (28·3 + 30 + 26) / 5 = 28; knowledge (21·3 + 22 + 20) / 5 = 21; fun likewise 21.
 *    E and F: equal on the score and on every mean → fully tied, they share rank 5.
 * G: five times (24, 18, 18) = 60 → 60.00; rank 7 (two entries share rank 5).
 *
 * Ranks: A 1, B 2, C 3, D 4, E 5, F 5, G 7.
 * Prizes {count: 1, 2, 2}: cumulative boundaries 1, 3, 5. A rank 1 → first; B rank 2 → second (the
 * knowledge mean alone keeps B from a first prize); C rank 3 → second; D rank 4 → third (the fun
 * mean alone keeps D from a second prize); E and F rank 5 → third (the sixth entry gets a third
 * prize because it shares rank 5); G rank 7 → none.
 */
const sheets = [
  /* B */ [s(36, 27, 27), s(36, 27, 27), s(36, 27, 27), s(40, 30, 30), s(32, 20, 20)],
  /* A */ five(s(36, 28, 26)),
  /* D */ [s(32, 24, 24), s(32, 24, 24), s(32, 24, 24), s(36, 28, 26), s(28, 20, 20)],
  /* C */ five(s(32, 24, 24)),
  /* E */ five(s(28, 21, 21)),
  /* F */ [s(28, 21, 21), s(28, 21, 21), s(28, 21, 21), s(30, 22, 22), s(26, 20, 20)],
  /* G */ five(s(24, 18, 18)),
];

interface ResultJson {
  code: string;
  score: number;
  rank: number;
  prize: string | null;
  judges: number;
  explanation: string;
}

describe("results: a tie on the final score is broken by the 2nd, then the 3rd criterion's mean (worked example over HTTP)", () => {
  let app: TestApp;
  let c: JudgedContest;
  const code = (letter: "A" | "B" | "C" | "D" | "E" | "F" | "G") => c.entries["BADCEFG".indexOf(letter)].code;

  before(async function () {
    this.timeout(120_000);
    app = await startTestApp();
    c = await judgedContest(app, {
      contest: { rubric, aggregation: "trimmed", prizes: { mode: "count", first: 1, second: 2, third: 2 } },
      sheets,
    });
  });
  after(() => app.close());

  const byCode = (results: ResultJson[]) => new Map(results.map((r) => [r.code, r]));

  it("ranks by score, then knowledge, then fun; fully tied entries share a rank; prizes follow the ranks at the boundaries", async () => {
    const res = await request(app.server)
      .post(`/api/v1/contests/${c.contestId}/results/compute`)
      .set("Authorization", `Bearer ${c.admin}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const results = res.body.results as ResultJson[];
    const rows = results.map((r) => [r.code, r.score, r.rank, r.prize, r.judges]);
    // E and F share rank 5; between them the order is by entry id, so compare that pair as a set.
    expect(rows.slice(0, 4)).to.deep.equal([
      [code("A"), 90, 1, "first", 5],
      [code("B"), 90, 2, "second", 5],
      [code("C"), 80, 3, "second", 5],
      [code("D"), 80, 4, "third", 5],
    ]);
    expect(rows.slice(4, 6)).to.have.deep.members([
      [code("E"), 70, 5, "third", 5],
      [code("F"), 70, 5, "third", 5],
    ]);
    expect(rows[6]).to.deep.equal([code("G"), 60, 7, null, 5]);
    expect(res.body.rules.prizeCounts).to.include({ first: 1, second: 3, third: 5 });
  });

  it("each explanation names the criterion that decided its tie (zh-CN)", async () => {
    const res = await request(app.server)
      .get(`/api/v1/contests/${c.contestId}/results`)
      .set("Authorization", `Bearer ${c.admin}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const r = byCode(res.body.results as ResultJson[]);
    expect(r.get(code("A"))!.explanation).to.equal("5 位评委：去掉最高分 90、最低分 90，其余平均 90.00");
    expect(r.get(code("B"))!.explanation).to.equal(
      "5 位评委：去掉最高分 100、最低分 72，其余平均 90.00；与上一名同分，按“知识性”平均分排在其后",
    );
    expect(r.get(code("C"))!.explanation).to.equal("5 位评委：去掉最高分 80、最低分 80，其余平均 80.00");
    expect(r.get(code("D"))!.explanation).to.equal(
      "5 位评委：去掉最高分 90、最低分 68，其余平均 80.00；与上一名同分，按“趣味性”平均分排在其后",
    );
    expect(r.get(code("E"))!.explanation).to.equal(
      `5 位评委：去掉最高分 70、最低分 70，其余平均 70.00；与 ${code("F")} 完全并列`,
    );
    expect(r.get(code("F"))!.explanation).to.equal(
      `5 位评委：去掉最高分 74、最低分 66，其余平均 70.00；与 ${code("E")} 完全并列`,
    );
    expect(r.get(code("G"))!.explanation).to.equal("5 位评委：去掉最高分 60、最低分 60，其余平均 60.00");
  });

  it("each explanation names the criterion that decided its tie (Accept-Language: en)", async () => {
    const res = await request(app.server)
      .get(`/api/v1/contests/${c.contestId}/results`)
      .set("Authorization", `Bearer ${c.admin}`)
      .set("Accept-Language", "en");
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const r = byCode(res.body.results as ResultJson[]);
    expect(r.get(code("A"))!.explanation).to.equal(
      "5 judges: highest 90 and lowest 90 dropped, the rest average 90.00",
    );
    expect(r.get(code("B"))!.explanation).to.equal(
      "5 judges: highest 100 and lowest 72 dropped, the rest average 90.00; same score as the entry above, placed after it by the mean of “知识性”",
    );
    expect(r.get(code("D"))!.explanation).to.equal(
      "5 judges: highest 90 and lowest 68 dropped, the rest average 80.00; same score as the entry above, placed after it by the mean of “趣味性”",
    );
    expect(r.get(code("E"))!.explanation).to.equal(
      `5 judges: highest 70 and lowest 70 dropped, the rest average 70.00; fully tied with ${code("F")}`,
    );
    expect(r.get(code("F"))!.explanation).to.equal(
      `5 judges: highest 74 and lowest 66 dropped, the rest average 70.00; fully tied with ${code("E")}`,
    );
  });

  it("the public notice shows the same ranks, prizes and tie-breaks as the organizer saw", async () => {
    const admin = (path: string, body?: object) =>
      request(app.server).post(path).set("Authorization", `Bearer ${c.admin}`).send(body);
    const computed = (
      await request(app.server).get(`/api/v1/contests/${c.contestId}/results`).set("Authorization", `Bearer ${c.admin}`)
    ).body.results as ResultJson[];
    expect((await admin(`/api/v1/contests/${c.contestId}/stage`, { to: "review" })).status).to.equal(200);
    const notice = await admin(`/api/v1/contests/${c.contestId}/stage`, { to: "notice" });
    expect(notice.status, JSON.stringify(notice.body)).to.equal(200);
    const pub = await request(app.server).get(`/api/v1/contests/${c.contestId}/results`);
    expect(pub.status, JSON.stringify(pub.body)).to.equal(200);
    const pick = (rows: ResultJson[]) => rows.map((r) => [r.code, r.score, r.rank, r.prize, r.explanation]);
    expect(pick(pub.body.results as ResultJson[])).to.deep.equal(pick(computed));
    expect(byCode(pub.body.results as ResultJson[]).get(code("D"))!.explanation).to.include("按“趣味性”平均分排在其后");
  });
});
