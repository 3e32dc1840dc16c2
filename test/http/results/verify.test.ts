/**
 * Results anyone can recompute (DESIGN §4 "Published results and verification"): a contest is
 * published through the API, its snapshot downloaded as the public gets it, and the independent
 * verifier (scripts/verify.ts, no imports from src/) recomputes every score, rank and prize from the
 * snapshot alone; an altered sheet, talk time, vote or byte is reported.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import request from "supertest";
import { main, verifySnapshot } from "../../../scripts/verify.js";
import { canonicalJson } from "../../../src/results/canonical.js";
import { createActor, startTestApp, TestClock, type TestApp } from "../../helpers/app.js";
import { judgedContest, publishNotice, type JudgedContest } from "../../helpers/judged.js";

interface SnapshotSheet {
  judge: string;
  scores: Record<string, number>;
  deductions: Record<string, number>;
  total: number;
}
interface SnapshotRow {
  code: string;
  score: number;
  rank: number;
  prize: string | null;
  publicVotes?: number;
  talkSeconds?: number | null;
  judgesScore: number;
  tieBrokenBy: string | null;
  sheets: SnapshotSheet[];
}
interface SnapshotJson {
  rules: Record<string, unknown>;
  results: SnapshotRow[];
}

/** Runs the verifier's command with its output captured. */
async function runVerify(...args: string[]): Promise<{ status: number; out: string }> {
  const lines: string[] = [];
  const status = await main(args, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
  return { status, out: lines.join("\n") };
}

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
 * The worked example of tie-chain.test.ts: five judges, trimmed. A and B both 90.00 (A ahead on the
 * SECOND criterion's mean), C and D both 80.00 (C ahead on the THIRD), E and F fully tied at 70.00
 * (rank 5), G 60.00 (rank 7). Prizes {count 1, 2, 2}: boundaries 1, 3, 5.
 */
const tieSheets = [
  /* B */ [s(36, 27, 27), s(36, 27, 27), s(36, 27, 27), s(40, 30, 30), s(32, 20, 20)],
  /* A */ five(s(36, 28, 26)),
  /* D */ [s(32, 24, 24), s(32, 24, 24), s(32, 24, 24), s(36, 28, 26), s(28, 20, 20)],
  /* C */ five(s(32, 24, 24)),
  /* E */ five(s(28, 21, 21)),
  /* F */ [s(28, 21, 21), s(28, 21, 21), s(28, 21, 21), s(30, 22, 22), s(26, 20, 20)],
  /* G */ five(s(24, 18, 18)),
];

describe("verifying published results: a contest with ties decided by later criteria (npm run verify)", () => {
  let app: TestApp;
  let c: JudgedContest;
  let published: { text: string; sha256: string; url: string };
  let dir: string;
  const code = (letter: "A" | "B" | "C" | "D" | "E" | "F" | "G") => c.entries["BADCEFG".indexOf(letter)].code;
  const save = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text, "utf8");
    return file;
  };

  before(async function () {
    this.timeout(120_000);
    dir = mkdtempSync(path.join(os.tmpdir(), "sw-verify-"));
    app = await startTestApp();
    c = await judgedContest(app, {
      contest: { rubric, aggregation: "trimmed", prizes: { mode: "count", first: 1, second: 2, third: 2 } },
      sheets: tieSheets,
    });
    published = await publishNotice(app, c);
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the snapshot holds the rules in force and every ranked entry's sheets, judges as 评委1…n (never ids or names)", () => {
    const body = JSON.parse(published.text) as SnapshotJson;
    expect(body.rules).to.include({ aggregation: "trimmed", trimmedFrom: 5, rankedEntries: 7 });
    expect(body.rules.criteria).to.deep.equal(rubric.criteria);
    expect(body.results).to.have.length(7);
    const labels = new Set<string>();
    for (const row of body.results) {
      expect(row.sheets, row.code).to.have.length(5);
      for (const sheet of row.sheets) labels.add(sheet.judge);
      // The same five judges score every entry, so the same five numbers appear on every entry.
      expect(row.sheets.map((x) => x.judge)).to.deep.equal(["评委1", "评委2", "评委3", "评委4", "评委5"]);
    }
    expect(body.results.find((r) => r.code === code("B"))!.tieBrokenBy).to.equal("knowledge");
    expect(body.results.find((r) => r.code === code("D"))!.tieBrokenBy).to.equal("fun");
    // Judge 1…5 gave B's sheets in some order; the multiset of B's sheets is what was scored.
    expect(body.results.find((r) => r.code === code("B"))!.sheets.map((x) => x.scores)).to.have.deep.members(
      tieSheets[0],
    );
    for (const judge of c.judges) {
      expect(published.text).not.to.include(judge.user.id);
      expect(published.text).not.to.include(judge.user.name);
    }
  });

  it("the verifier recomputes the downloaded file and agrees, checking it against the published SHA-256", async () => {
    const file = save("snapshot-1.json", published.text);
    const run = await runVerify(file, "--sha256", published.sha256);
    expect(run.status, run.out).to.equal(0);
    expect(run.out).to.include("一致：7 件作品的得分、名次和奖项全部复算无误。").and.include(published.sha256);
    const en = await runVerify(file, "--sha256", published.sha256, "--lang", "en");
    expect(en.status, en.out).to.equal(0);
    expect(en.out).to.include("AGREE");
  });

  it("given the results page's address, it fetches the latest snapshot and the published SHA-256 itself", async () => {
    const run = await runVerify(`${app.url}/contests/${c.contestId}/results`);
    expect(run.status, run.out).to.equal(0);
    expect(run.out).to.include(`公布的 SHA-256：${published.sha256}`).and.include("一致");
    const direct = await runVerify(`${app.url}${published.url}`, "--lang", "en");
    expect(direct.status, direct.out).to.equal(0);
  });

  it("one altered score in one sheet is reported, naming the entry and what it changes, and the exit status is 1", async () => {
    // One of E's judges gave science 29 instead of 28: his total becomes 71 (the sheet says 70); the
    // trimmed mean still drops it, but E's science mean (28.2) now puts E ahead of F, alone at rank 5,
    // and F at rank 6 falls out of the third prize (boundary 5).
    const body = JSON.parse(published.text) as SnapshotJson;
    const e = body.results.find((r) => r.code === code("E"))!;
    e.sheets[2].scores.science = 29;
    const file = save("altered-sheet.json", canonicalJson(body));
    const run = await runVerify(file, "--sha256", published.sha256);
    expect(run.status, run.out).to.equal(1);
    expect(run.out).to.include(`作品 ${code("E")}：评委3 的评分表总分（各项之和减扣分）：公布 70，复算 71`);
    expect(run.out).to.include(`作品 ${code("F")}：名次：公布 5，复算 6`);
    expect(run.out).to.include(`作品 ${code("F")}：奖项：公布 third，复算 null`);
    expect(run.out).to.include("SHA-256");
    const check = verifySnapshot(canonicalJson(body), { lang: "en" });
    expect(check.ok).to.equal(false);
    expect(check.differences.map((d) => [d.entry, d.what])).to.deep.include.members([
      [code("E"), "评委3's sheet total (criteria less deductions)"],
      [code("F"), "rank"],
      [code("F"), "prize"],
      [code("F"), "criterion that broke the tie"],
    ]);
  });

  it("a score and a rank changed consistently are still caught: the sheets decide, not the published numbers", () => {
    // Swap A and B as if B had won: the published ranks agree with each other but not with the sheets.
    const body = JSON.parse(published.text) as SnapshotJson;
    const a = body.results.find((r) => r.code === code("A"))!;
    const b = body.results.find((r) => r.code === code("B"))!;
    [a.rank, b.rank, a.prize, b.prize] = [2, 1, "second", "first"];
    const check = verifySnapshot(canonicalJson(body));
    expect(check.ok).to.equal(false);
    expect(check.differences.filter((d) => d.what === "名次").map((d) => d.entry)).to.have.members([
      code("A"),
      code("B"),
    ]);
  });

  it("one altered byte changes the SHA-256, which the verifier reports; an unaltered but reformatted file is not the published text", async () => {
    const body = JSON.parse(published.text) as SnapshotJson & { contest: { title: string } };
    const title = body.contest.title;
    const altered = published.text.replace(JSON.stringify(title), JSON.stringify(title.slice(0, -1) + "X"));
    expect(Buffer.byteLength(altered)).to.be.at.most(Buffer.byteLength(published.text));
    const run = await runVerify(save("altered-byte.json", altered), "--sha256", published.sha256, "--lang", "en");
    expect(run.status, run.out).to.equal(1);
    const check = verifySnapshot(altered, { sha256: published.sha256 });
    // Every score still recomputes: only the hash says the file is not what was published.
    expect(check.differences.map((d) => d.what)).to.deep.equal(["SHA-256"]);
    expect(run.out).to.match(/SHA-256: published [0-9a-f]{64}, recomputed [0-9a-f]{64}/);
    const pretty = verifySnapshot(JSON.stringify(JSON.parse(published.text), null, 2), { sha256: published.sha256 });
    expect(pretty.differences.map((d) => d.what)).to.include(
      "文件不是规范化 JSON（键未排序或含空白），与发布的文本不同",
    );
  });

  it("npm run verify -- FILE runs the same check from the command line", function () {
    this.timeout(60_000);
    const file = save("snapshot-cli.json", published.text);
    const ok = spawnSync("npm", ["run", "--silent", "verify", "--", file, "--sha256", published.sha256], {
      encoding: "utf8",
      timeout: 50_000,
    });
    expect(ok.status, ok.stdout + ok.stderr).to.equal(0);
    expect(ok.stdout).to.include("一致");
    const bad = spawnSync("npm", ["run", "--silent", "verify", "--", file, "--sha256", "0".repeat(64)], {
      encoding: "utf8",
      timeout: 50_000,
    });
    expect(bad.status, bad.stdout + bad.stderr).to.equal(1);
  });

  it("the public results page offers the snapshot for download and says how to verify it", async () => {
    const page = await request(app.server).get(`/contests/${c.contestId}/results`).set("Accept", "text/html");
    expect(page.status).to.equal(200);
    expect(page.text).to.include(`href="${published.url}" download="snapshot-1.json"`);
    expect(page.text).to.include("npm run verify -- snapshot-1.json --sha256 " + published.sha256);
    expect(page.text).to.include("复算");
    const en = await request(app.server)
      .get(`/contests/${c.contestId}/results`)
      .set("Accept", "text/html")
      .set("Accept-Language", "en");
    expect(en.text).to.include("recomputes every score");
  });
});

/*
 * z-score with a public vote, talk times and a rubric deduction: three judges, judge 1 harsh and
 * judge 3 lenient, so the mapped scores differ from the plain means. Vote weight 0.2. Talk times
 * (default rules: under 3:00 −2, over 4:15 −2): A 2:50, B 4:22, C 3:20, D not recorded. D's second
 * sheet carries a 1.5-point deduction.
 */
const zRubric = {
  criteria: [
    { key: "content", label: "内容", max: 60, step: 0.5 },
    { key: "style", label: "表现", max: 40, step: 0.5 },
  ],
  deductions: [{ key: "late", label: "超时", max: 5, step: 0.5 }],
};
const z = (content: number, style: number) => ({ content, style });
const zSheets = [
  /* A */ [z(40, 30), z(45, 32.5), z(50, 35)],
  /* B */ [z(38.5, 28), z(46, 30), z(55, 36)],
  /* C */ [z(35, 25), z(44, 31), z(52.5, 33.5)],
  /* D */ [z(42, 29.5), null, z(58, 38)],
];

describe("verifying published results: z-score, a public vote, talk times and deductions", () => {
  const clock = new TestClock(new Date("2026-12-01T02:00:00Z"));
  let app: TestApp;
  let c: JudgedContest;
  let published: { text: string; sha256: string; url: string };

  before(async function () {
    this.timeout(120_000);
    app = await startTestApp({ clock });
    c = await judgedContest(app, {
      contest: {
        opensAt: "2026-01-01T00:00:00Z",
        closesAt: "2099-01-01T00:00:00Z",
        rubric: zRubric,
        aggregation: "zscore",
        rules: { maxEntriesPerAuthor: null, timeRules: {}, publicVoteWeight: 0.2 },
      },
      sheets: zSheets,
    });
    const as = (method: "put" | "get", url: string, token = c.admin) =>
      request(app.server)[method](url).set("Authorization", `Bearer ${token}`);
    // D's second judge scores with a deduction.
    const judge = c.judges[1];
    const queue = (await as("get", "/api/v1/me/assignments", judge.token)).body.assignments as {
      id: string;
      entryId: string;
    }[];
    const assignment = queue.find((a) => a.entryId === c.entries[3].id)!;
    const scored = await as("put", `/api/v1/assignments/${assignment.id}/score`, judge.token).send({
      scores: z(47.5, 31),
      deductions: { late: 1.5 },
      submit: true,
    });
    expect(scored.status, JSON.stringify(scored.body)).to.equal(200);
    for (const [i, seconds] of [170, 262, 200].entries()) {
      const res = await as("put", `/api/v1/entries/${c.entries[i].id}/timing`).send({ seconds });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
    }
    const votes = await as("put", `/api/v1/contests/${c.contestId}/votes`).send({
      votes: { [c.entries[0].code]: 120, [c.entries[1].code]: 300, [c.entries[2].code]: 75 },
    });
    expect(votes.status, JSON.stringify(votes.body)).to.equal(200);
    published = await publishNotice(app, c);
  });
  after(() => app.close());

  it("the snapshot holds the vote weight, time rules, votes, talk times and deductions", () => {
    const body = JSON.parse(published.text) as SnapshotJson;
    expect(body.rules).to.include({ aggregation: "zscore", publicVoteWeight: 0.2 });
    expect(body.rules.timeRules).to.include({ minSeconds: 180, targetSeconds: 240, graceSeconds: 15 });
    expect(body.rules.deductions).to.deep.equal(zRubric.deductions);
    const byCode = new Map(body.results.map((r) => [r.code, r]));
    const [a, b, cc, d] = c.entries.map((e) => byCode.get(e.code)!);
    expect([a.talkSeconds, b.talkSeconds, cc.talkSeconds, d.talkSeconds]).to.deep.equal([170, 262, 200, null]);
    expect([a.publicVotes, b.publicVotes, cc.publicVotes, d.publicVotes]).to.deep.equal([120, 300, 75, 0]);
    expect(d.sheets.find((x) => x.deductions.late === 1.5)).to.include({ total: 77 });
    // z-score moved the judges' score away from the plain mean (A's plain mean is 77.50).
    expect(a.judgesScore).not.to.equal(77.5);
  });

  it("the verifier recomputes every score, rank and prize and agrees", async () => {
    const run = await runVerify(`${app.url}${published.url}`);
    expect(run.status, run.out).to.equal(0);
    expect(run.out).to.include("一致：4 件作品");
  });

  it("an altered talk time, vote count or deduction is reported on the entries it changes", () => {
    const body = JSON.parse(published.text) as SnapshotJson;
    const byCode = new Map(body.results.map((r) => [r.code, r]));
    const [a, b, , d] = c.entries.map((e) => byCode.get(e.code)!);
    const differing = (change: (x: SnapshotJson) => void) => {
      const copy = JSON.parse(published.text) as SnapshotJson;
      change(copy);
      const check = verifySnapshot(canonicalJson(copy), { lang: "en" });
      expect(check.ok).to.equal(false);
      return check.differences.filter((x) => x.what === "final score").map((x) => x.entry);
    };
    // A's talk within the limits: no 2-point deduction.
    expect(differing((x) => (x.results.find((r) => r.code === a.code)!.talkSeconds = 200))).to.include(a.code);
    // B loses its lead in votes: every normalized vote changes.
    expect(differing((x) => (x.results.find((r) => r.code === b.code)!.publicVotes = 30))).to.include(b.code);
    // The deduction removed from D's sheet (its published total kept at 77).
    const sheetOf = (x: SnapshotJson) =>
      x.results.find((r) => r.code === d.code)!.sheets.find((y) => y.deductions.late)!;
    expect(
      differing((x) => {
        sheetOf(x).deductions = {};
      }),
    ).to.include(d.code);
  });

  it("the revision after an upheld objection and the final snapshot verify too, with the same judge numbers", async function () {
    this.timeout(60_000);
    const as = (token: string) => ({
      post: (url: string, body: object) =>
        request(app.server).post(url).set("Authorization", `Bearer ${token}`).send(body),
    });
    const citizen = await createActor(app, "contestant");
    const objection = await as(citizen.token).post(`/api/v1/contests/${c.contestId}/objections`, {
      entryId: c.entries[1].id,
      text: "该作品与往届作品雷同。",
    });
    expect(objection.status, JSON.stringify(objection.body)).to.equal(201);
    const upheld = await as(c.admin).post(`/api/v1/objections/${objection.body.objection.id}/resolve`, {
      decision: "upheld",
      reply: "经核实，取消资格。",
      disqualify: true,
    });
    expect(upheld.status, JSON.stringify(upheld.body)).to.equal(200);
    clock.advance(8 * 86_400_000);
    const final = await as(c.admin).post(`/api/v1/contests/${c.contestId}/stage`, { to: "final" });
    expect(final.status, JSON.stringify(final.body)).to.equal(200);
    const pub = await request(app.server).get(`/api/v1/contests/${c.contestId}/results`);
    expect(pub.body.snapshots.map((x: { kind: string }) => x.kind)).to.deep.equal(["notice", "revision", "final"]);
    const judgeOf = (text: string) =>
      new Map(
        (JSON.parse(text) as SnapshotJson).results.flatMap((r) =>
          r.sheets.map((x) => [`${r.code} ${JSON.stringify(x.scores)}`, x.judge]),
        ),
      );
    const notice = judgeOf(published.text);
    for (const number of [2, 3]) {
      const run = await runVerify(`${app.url}/api/v1/contests/${c.contestId}/results/snapshots/${number}`);
      expect(run.status, run.out).to.equal(0);
      expect(run.out).to.include("一致：3 件作品");
      const text = (await request(app.server).get(`/api/v1/contests/${c.contestId}/results/snapshots/${number}`)).text;
      for (const [sheet, judge] of judgeOf(text)) expect(notice.get(sheet), sheet).to.equal(judge);
    }
  });
});
