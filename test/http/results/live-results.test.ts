/**
 * The results of a round run live (DESIGN §3 "Live final"): a live final seeded straight into its
 * tables, computed through the results API, published with the notice and recomputed from the
 * snapshot by the verifier (scripts/verify.ts); a tampered snapshot fails.
 */
import { randomUUID } from "node:crypto";
import { expect } from "chai";
import request from "supertest";
import { verifySnapshot } from "../../../scripts/verify.js";
import { canonicalJson } from "../../../src/results/canonical.js";
import { ADMIN, startTestApp, type TestApp } from "../../helpers/app.js";
import { judgedContest, publishNotice, type JudgedContest } from "../../helpers/judged.js";
import { pageSession } from "../../helpers/pages.js";

const talk = {
  criteria: [
    { key: "a", label: "科学准确", max: 60, step: 1 },
    { key: "b", label: "内容新颖", max: 40, step: 1 },
  ],
};
const segments = [
  { key: "selfTopic", label: "自主命题", weight: 0.5, rubric: talk, seconds: 240 },
  { key: "randomTopic", label: "随机命题", weight: 0.3, rubric: talk, seconds: 120 },
  {
    key: "quiz",
    label: "科技常识测试",
    weight: 0.2,
    rubric: { criteria: [{ key: "correct", label: "答题得分", max: 100, step: 1 }] },
  },
];

type Scores = Record<string, number>;
const ab = (a: number, b: number): Scores => ({ a, b });
const q = (correct: number): Scores => ({ correct });
const seven = (s: Scores) => Array.from({ length: 7 }, () => s);

/*
 * Seven judges, trimmed (5+ sheets drop exactly one highest and one lowest, even when tied).
 *   E1 自主命题 90 90 85 84 80 70 70 (a tie at the top and at the bottom): drop one 90 and one 70 → 409 / 5 = 81.80
 *      随机命题 7 × 80 (a 48, b 32) → 80.00; 科技常识 100 90 90 90 90 90 80 → 90.00
 *      0.5 × 81.80 + 0.3 × 80.00 + 0.2 × 90.00 = 40.90 + 24.00 + 18.00 = 82.90; times 4:00 and 1:40 (no deduction)
 *   E3 the same as E1 but 随机命题 a 50, b 30: also 82.90, ahead of E1 on 随机命题's 科学准确 mean (50 > 48)
 *   E2 自主命题 7 × 85 → 85.00 but 4:16 (over 4:00 + 15 s) −2; 随机命题 7 × 84 → 84.00 but 1:29 (under 1:30) −2;
 *      科技常识 6 × 85 (a judge missing: a short panel) → 85.00; 42.50 + 25.20 + 17.00 − 4 = 80.70
 *   E4 no sheet at all: not ranked. E5 scored, then withdrawn on site: not ranked.
 * Prizes {count 1, 1, 1}: E3 first, E1 second, E2 third.
 */
const selfE1 = [ab(55, 35), ab(55, 35), ab(50, 35), ab(50, 34), ab(48, 32), ab(40, 30), ab(40, 30)];
const quizE1 = [q(100), q(90), q(90), q(90), q(90), q(90), q(80)];
const sheetsOf: Record<string, Record<string, Scores[]>> = {
  E1: { selfTopic: selfE1, randomTopic: seven(ab(48, 32)), quiz: quizE1 },
  E2: { selfTopic: seven(ab(50, 35)), randomTopic: seven(ab(50, 34)), quiz: seven(q(85)).slice(0, 6) },
  E3: { selfTopic: selfE1, randomTopic: seven(ab(50, 30)), quiz: quizE1 },
  E4: {},
  E5: { selfTopic: seven(ab(40, 40)), randomTopic: seven(ab(40, 40)), quiz: seven(q(99)) },
};
const secondsOf: Record<string, Record<string, number>> = {
  E1: { selfTopic: 240, randomTopic: 100 },
  E2: { selfTopic: 256, randomTopic: 89 },
  E3: { selfTopic: 240, randomTopic: 100 },
};

interface LiveSnapshot {
  snapshot: { format: number };
  rules: { segments: { key: string; weight: number; seconds: number | null; criteria: unknown[] }[] };
  results: {
    code: string;
    score: number;
    judgesScore: number;
    segments: {
      key: string;
      score: number | null;
      seconds: number | null;
      timeDeduction: number | null;
      sheets: { judge: string; total: number; scores: Scores }[];
    }[];
  }[];
}

describe("live final results: segments weighted, times deducted, withdrawn finalists unranked, verified", () => {
  let app: TestApp;
  let c: JudgedContest;
  const letter = (code: string) => `E${c.entries.findIndex((e) => e.code === code) + 1}`;
  const idOf = (name: string) => c.entries[Number(name.slice(1)) - 1].id;

  before(async function () {
    this.timeout(120_000);
    app = await startTestApp();
    c = await judgedContest(app, {
      contest: { rubric: talk, aggregation: "trimmed", prizes: { mode: "count", first: 1, second: 1, third: 1 } },
      sheets: Array.from({ length: 5 }, () => Array.from({ length: 7 }, () => null)),
    });
    const round: { id: string } = await app.db("rounds").where({ contest_id: c.contestId }).first("id");
    const now = new Date().toISOString();
    await app.db("live_finals").insert({
      round_id: round.id,
      contest_id: c.contestId,
      status: "finished",
      segments: JSON.stringify(segments),
      seed: "12",
      version: 40,
      created_at: now,
      updated_at: now,
    });
    const rows = [];
    for (const [position, name] of ["E1", "E2", "E3", "E4", "E5"].entries()) {
      await app.db("live_slots").insert({
        round_id: round.id,
        entry_id: idOf(name),
        position: position + 1,
        status: name === "E5" ? "withdrawn" : "done",
      });
      for (const [segment, seconds] of Object.entries(secondsOf[name] ?? {}))
        await app.db("live_timings").insert({
          round_id: round.id,
          entry_id: idOf(name),
          segment,
          started_at: now,
          stopped_at: now,
          seconds,
        });
      for (const [segment, list] of Object.entries(sheetsOf[name]))
        for (const [j, scores] of list.entries())
          rows.push({
            id: randomUUID(),
            round_id: round.id,
            entry_id: idOf(name),
            segment,
            judge_id: c.judges[j].user.id,
            status: "submitted",
            scores: JSON.stringify(scores),
            total: Object.values(scores).reduce((x, y) => x + y, 0),
            submitted_at: now,
            created_at: now,
            updated_at: now,
          });
    }
    // A draft counts for nothing.
    rows.push({ ...rows[0], id: randomUUID(), entry_id: idOf("E4"), status: "draft" });
    await app.db("live_sheets").insert(rows);
  });
  after(() => app.close());

  it("computes the hand-computed scores, the tie broken by a later segment's criterion, and the prizes", async () => {
    const res = await request(app.server)
      .post(`/api/v1/contests/${c.contestId}/results/compute`)
      .set("Authorization", `Bearer ${c.admin}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const rows = res.body.results.map((r: { code: string; score: number; rank: number; prize: string | null }) => [
      letter(r.code),
      r.score,
      r.rank,
      r.prize,
    ]);
    expect(rows).to.deep.equal([
      ["E3", 82.9, 1, "first"],
      ["E1", 82.9, 2, "second"],
      ["E2", 80.7, 3, "third"],
    ]);
    expect(res.body.unranked.map((u: { code: string }) => letter(u.code))).to.deep.equal(["E4"]);
    const e1 = res.body.results[1];
    expect(e1.explanation).to.include("自主命题（去掉最高分 90、最低分 70）81.80 × 50%").and.include("合计 82.90");
    expect(e1.explanation).to.include("与上一名同分").and.include("随机命题·科学准确");
    expect(res.body.results[2].explanation).to.include(
      "自主命题（去掉最高分 85、最低分 85）85.00 × 50% 用时 4分16秒 扣 2 分",
    );
    expect(res.body.results[2].short).to.deep.include({ sheets: 6, required: 7 });
    expect(
      res.body.rules.segments.map((s: { key: string; timeRules: { minSeconds: number } | null }) => [
        s.key,
        s.timeRules?.minSeconds ?? null,
      ]),
    ).to.deep.equal([
      ["selfTopic", 180],
      ["randomTopic", 90],
      ["quiz", null],
    ]);
  });

  it("the review page lists the withdrawn finalist and the one without sheets, and a column per judge and segment", async () => {
    const agent = await pageSession(app, ADMIN.email, ADMIN.password);
    const page = await agent.get(`/contests/${c.contestId}/review/results`).set("Accept", "text/html");
    expect(page.status).to.equal(200);
    expect(page.text).to.include("自主命题 50%（限时 4分钟）、随机命题 30%（限时 2分钟）、科技常识测试 20%");
    const unranked = page.text.slice(page.text.indexOf('data-testid="unranked"'));
    expect(unranked).to.include(`<code>${c.entries[3].code}</code> 作品 4 — <strong>没有已提交的评分</strong>`);
    expect(unranked).to.include(`<code>${c.entries[4].code}</code> 作品 5 — <strong>已撤回</strong>`);
    const matrix = await request(app.server)
      .get(`/api/v1/contests/${c.contestId}/scores`)
      .set("Authorization", `Bearer ${c.admin}`);
    expect(matrix.body.judges).to.have.length(21);
    expect(matrix.body.judges[0]).to.match(/ · 自主命题$/);
  });

  it("publishes the segments, sheets (评委N) and times in the snapshot; the verifier agrees, and finds tampering", async () => {
    const accept = await request(app.server)
      .post(`/api/v1/contests/${c.contestId}/short-panels`)
      .set("Authorization", `Bearer ${c.admin}`)
      .send({ entryId: idOf("E2"), reason: "评委 7 因故未能完成科技常识测试评分" });
    expect(accept.status, JSON.stringify(accept.body)).to.equal(201);
    const published = await publishNotice(app, c);
    const snap = JSON.parse(published.text) as LiveSnapshot;
    expect(snap.snapshot.format).to.equal(4);
    expect(snap.rules.segments.map((s) => [s.key, s.weight, s.seconds])).to.deep.equal([
      ["selfTopic", 0.5, 240],
      ["randomTopic", 0.3, 120],
      ["quiz", 0.2, null],
    ]);
    const e2 = snap.results.find((r) => letter(r.code) === "E2")!;
    expect(e2.judgesScore).to.equal(84.7);
    expect(e2.segments.map((s) => [s.key, s.score, s.seconds, s.timeDeduction])).to.deep.equal([
      ["selfTopic", 85, 256, -2],
      ["randomTopic", 84, 89, -2],
      ["quiz", 85, null, null],
    ]);
    const judges = snap.results[0].segments[0].sheets.map((s) => s.judge);
    expect(judges).to.deep.equal(["评委1", "评委2", "评委3", "评委4", "评委5", "评委6", "评委7"]);
    expect(published.text).not.to.include(c.judges[0].user.name);

    const csv = await request(app.server).get(`/api/v1/contests/${c.contestId}/results.csv`);
    expect(csv.status).to.equal(200);
    expect(csv.text).to.include(c.entries[2].code).and.include("82.9");
    const xlsx = await request(app.server)
      .get(`/api/v1/contests/${c.contestId}/results.xlsx`)
      .set("Authorization", `Bearer ${c.admin}`);
    expect(xlsx.status).to.equal(200);

    const verified = verifySnapshot(published.text, { sha256: published.sha256 });
    expect(verified.differences).to.deep.equal([]);
    expect(verified.ok).to.equal(true);

    // A sheet raised by 10 in E1's self-topic talk changes its segment score, score and rank.
    const tampered = JSON.parse(published.text) as LiveSnapshot;
    const e1 = tampered.results.find((r) => letter(r.code) === "E1")!;
    const sheet = e1.segments[0].sheets.find((s) => s.total === 84)!;
    sheet.scores.a += 10;
    sheet.total += 10;
    const report = verifySnapshot(canonicalJson(tampered));
    expect(report.ok).to.equal(false);
    expect(report.differences.map((d) => d.what)).to.include.members([
      "环节“自主命题”得分（汇总后保留两位小数）",
      "最终得分",
      "名次",
    ]);

    // A time changed from 4:16 to 4:15 takes away a deduction the published score applied.
    const retimed = JSON.parse(published.text) as LiveSnapshot;
    retimed.results.find((r) => letter(r.code) === "E2")!.segments[0].seconds = 255;
    const times = verifySnapshot(canonicalJson(retimed));
    expect(times.differences.map((d) => [letter(d.entry!), d.what])).to.deep.include.members([
      ["E2", "环节“自主命题”用时扣分"],
      ["E2", "最终得分"],
    ]);
  });
});
