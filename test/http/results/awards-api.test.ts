/**
 * Extra awards (DESIGN §3 "Prizes"; issue 10 item 4): 优秀奖 by ratio after the third prize (a tie
 * at its boundary), a named award chosen by the organizer with a reason, 最佳人气奖 from the public
 * vote; through the API, in the results, the CSV, the snapshot and the verifier.
 *
 * Judges' totals (mean of 3 identical sheets) 90 85 80 75 70 70 60 55; the vote (weight 0.1) gives
 * only H 100 votes, so scores are 81 76.5 72 67.5 63 63 54 59.5: ranks A1 B2 C3 D4 E5 F5 H7 G8.
 * Prizes 1/1/1: A, B, C. 优秀奖 0.25 of 8 = 2 places after rank 3 → boundary 5: D, E and F (tied).
 * 最佳人气奖 ×1: H. 最佳创意奖 ×2: the organizer's choice.
 */
import { expect } from "chai";
import request from "supertest";
import { verifySnapshot } from "../../../scripts/verify.js";
import { canonicalJson } from "../../../src/results/canonical.js";
import { createActor, startTestApp, type TestApp } from "../../helpers/app.js";
import { judgedContest, type JudgedContest } from "../../helpers/judged.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

const rubric = {
  criteria: [
    { key: "science", label: "科学性", max: 50, step: 1 },
    { key: "art", label: "艺术性", max: 50, step: 1 },
  ],
};
const sheet = (total: number) => ({ science: Math.ceil(total / 2), art: Math.floor(total / 2) });
const TOTALS = [90, 85, 80, 75, 70, 70, 60, 55];
const EXTRAS = [
  { key: "merit", label: "优秀奖", basis: "ranked", ratio: 0.25 },
  { key: "creative", label: "最佳创意奖", basis: "chosen", count: 2 },
  { key: "popular", label: "最佳人气奖", basis: "votes", count: 1 },
];

interface AwardJson {
  key: string;
  label: string;
  reason?: string;
}
interface Row {
  entryId: string;
  code: string;
  rank: number;
  prize: string | null;
  awards: AwardJson[];
}

describe("extra awards: 优秀奖 by ratio, named awards chosen with a reason, 最佳人气奖 by votes", () => {
  let app: TestApp;
  let c: JudgedContest;
  const as = (token?: string) => {
    const auth = (r: request.Test) => (token ? r.set("Authorization", `Bearer ${token}`) : r);
    return {
      get: (path: string) => auth(request(app.server).get(path)),
      post: (path: string, body?: object) => auth(request(app.server).post(path)).send(body),
      put: (path: string, body?: object) => auth(request(app.server).put(path)).send(body),
      patch: (path: string, body?: object) => auth(request(app.server).patch(path)).send(body),
    };
  };
  const id = (letter: string) => c.entries["ABCDEFGH".indexOf(letter)].id;
  const code = (letter: string) => c.entries["ABCDEFGH".indexOf(letter)].code;
  const awardsByCode = (rows: Row[]) => Object.fromEntries(rows.map((r) => [r.code, r.awards.map((a) => a.key)]));

  before(async function () {
    this.timeout(180_000);
    app = await startTestApp();
    c = await judgedContest(app, {
      contest: {
        rubric,
        aggregation: "mean",
        prizes: { mode: "count", first: 1, second: 1, third: 1, extras: EXTRAS },
        rules: { publicVoteWeight: 0.1, maxEntriesPerAuthor: null },
      },
      sheets: TOTALS.map((t) => [sheet(t), sheet(t), sheet(t)]),
    });
    const votes = await as(c.admin).put(`/api/v1/contests/${c.contestId}/votes`, { votes: { [code("H")]: 100 } });
    expect(votes.status, JSON.stringify(votes.body)).to.equal(200);
  });
  after(() => app.close());

  it("bad award rules are refused with the field's message (English too), writing nothing; the old {key, label, count} is accepted", async () => {
    const patch = (extras: unknown[], lang?: string) => {
      const r = as(c.admin).patch(`/api/v1/contests/${c.contestId}`, {
        prizes: { mode: "count", first: 1, second: 1, third: 1, extras },
      });
      return lang ? r.set("Accept-Language", lang) : r;
    };
    const before = await writtenState(app);
    const cases: [unknown[], string, string][] = [
      [
        [
          { key: "a", label: "甲", count: 1 },
          { key: "a", label: "乙", count: 1 },
        ],
        "invalid_prizes",
        "重复",
      ],
      [[{ key: "second", label: "二等", count: 1 }], "invalid_prizes", "一、二、三等奖"],
      [[{ key: "m", label: "优秀奖", basis: "ranked", count: 2, ratio: 0.1 }], "invalid_prizes", "其中一项"],
      [[{ key: "m", label: "优秀奖", basis: "ranked" }], "invalid_prizes", "其中一项"],
      [[{ key: "p", label: "最佳人气奖", basis: "votes", ratio: 0.1 }], "invalid_prizes", "名额"],
      [[{ key: "p", label: "最佳人气奖", basis: "likes", count: 1 }], "validation_failed", ""],
      [[{ key: "m", label: "优秀奖", basis: "ranked", ratio: 1.5 }], "validation_failed", ""],
    ];
    for (const [extras, errorCode, words] of cases) {
      const res = await patch(extras);
      expect(res.status, JSON.stringify(extras)).to.equal(400);
      expect(res.body.error.code).to.equal(errorCode);
      expect(res.body.error.message).to.include(words);
    }
    const en = await patch([{ key: "m", label: "Merit", basis: "ranked" }], "en");
    expect(en.body.error.message).to.equal("“Merit” is given by rank: give either a count or a ratio, not both");
    await expectNothingWritten(app, before);

    const old = await patch([{ key: "creative", label: "最佳创意奖", count: 3 }]);
    expect(old.status, JSON.stringify(old.body)).to.equal(200);
    expect(old.body.contest.prizes.extras).to.deep.equal([{ key: "creative", label: "最佳创意奖", count: 3 }]);
    const back = await as(c.admin).patch(`/api/v1/contests/${c.contestId}`, {
      prizes: { mode: "count", first: 1, second: 1, third: 1, extras: EXTRAS },
    });
    expect(back.status).to.equal(200);
  });

  it("while judging, choosing a named award is refused (409): results are not stored yet", async () => {
    const before = await writtenState(app);
    const res = await as(c.admin).put(`/api/v1/contests/${c.contestId}/awards/creative`, {
      entryIds: [id("G")],
      reason: "构思新颖",
    });
    expect(res.status).to.equal(409);
    expect(res.body.error.message).to.include("结果审核阶段");
    await expectNothingWritten(app, before);
  });

  it("in review, the results give 优秀奖 to D, E and F (tied at its boundary) and 最佳人气奖 to H", async () => {
    const stage = await as(c.admin).post(`/api/v1/contests/${c.contestId}/stage`, { to: "review" });
    expect(stage.status, JSON.stringify(stage.body)).to.equal(200);
    const res = await as(c.admin).get(`/api/v1/contests/${c.contestId}/results`);
    const rows = res.body.results as Row[];
    // Tied entries in either order.
    const byRankThenCode = (a: unknown[], b: unknown[]) =>
      Number(a[1]) - Number(b[1]) || String(a[0]).localeCompare(String(b[0]));
    expect(rows.map((r) => [r.code, r.rank, r.prize]).sort(byRankThenCode)).to.deep.equal([
      [code("A"), 1, "first"],
      [code("B"), 2, "second"],
      [code("C"), 3, "third"],
      [code("D"), 4, null],
      [code("E"), 5, null],
      [code("F"), 5, null],
      [code("H"), 7, null],
      [code("G"), 8, null],
    ]);
    expect(awardsByCode(rows)).to.deep.equal({
      [code("A")]: [],
      [code("B")]: [],
      [code("C")]: [],
      [code("D")]: ["merit"],
      [code("E")]: ["merit"],
      [code("F")]: ["merit"],
      [code("H")]: ["popular"],
      [code("G")]: [],
    });
  });

  it("bad choices are refused (over the count, unranked, not a chosen award, unknown, no reason, not an organizer), writing nothing", async () => {
    const twice = id("A");
    const stranger = await createActor(app, "judge");
    const url = (key: string) => `/api/v1/contests/${c.contestId}/awards/${key}`;
    const before = await writtenState(app);
    const cases: [() => request.Test, number, string][] = [
      [
        () => as(c.admin).put(url("creative"), { entryIds: [id("A"), id("B"), id("G")], reason: "好" }),
        400,
        "award_over_count",
      ],
      [
        () => as(c.admin).put(url("creative"), { entryIds: ["00000000-0000-0000-0000-000000000000"], reason: "好" }),
        400,
        "award_entry_unranked",
      ],
      [() => as(c.admin).put(url("creative"), { entryIds: [twice, twice], reason: "好" }), 400, "validation_failed"],
      [() => as(c.admin).put(url("merit"), { entryIds: [id("G")], reason: "好" }), 400, "award_not_chosen"],
      [() => as(c.admin).put(url("nothing"), { entryIds: [id("G")], reason: "好" }), 404, "not_found"],
      [() => as(c.admin).put(url("creative"), { entryIds: [id("G")], reason: "  " }), 400, "validation_failed"],
      [() => as(c.admin).put(url("creative"), { entryIds: [id("G")] }), 400, "validation_failed"],
      [() => as(stranger.token).put(url("creative"), { entryIds: [id("G")], reason: "好" }), 403, "forbidden"],
      [() => as().put(url("creative"), { entryIds: [id("G")], reason: "好" }), 401, "unauthenticated"],
    ];
    for (const [send, status, errorCode] of cases) {
      const res = await send();
      expect(res.status, JSON.stringify(res.body)).to.equal(status);
      expect(res.body.error.code).to.equal(errorCode);
    }
    const en = await as(c.admin)
      .put(url("creative"), { entryIds: [id("A"), id("B"), id("G")], reason: "good" })
      .set("Accept-Language", "en");
    expect(en.body.error.message).to.equal("“最佳创意奖” has at most 2 places; 3 were chosen");
    await expectNothingWritten(app, before);
  });

  it("the organizer chooses 最佳创意奖 for G and A with a reason: audited before → after, shown on the rows", async () => {
    const res = await as(c.admin).put(`/api/v1/contests/${c.contestId}/awards/creative`, {
      entryIds: [id("G"), id("A")],
      reason: "构思新颖",
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.award.choices.map((x: { code: string }) => x.code)).to.deep.equal([code("G"), code("A")]);
    const stored = await app.db("award_choices").where({ contest_id: c.contestId }).orderBy("entry_id");
    expect(stored.map((r: { entry_id: string; reason: string }) => [r.entry_id, r.reason])).to.deep.equal(
      [
        [id("A"), "构思新颖"],
        [id("G"), "构思新颖"],
      ].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    );
    const audit = await app.db("audit_log").where({ action: "results.awardChoice" });
    expect(audit).to.have.length(1);
    const details = JSON.parse(String(audit[0].details)) as { before: string[]; after: string[] };
    expect(details.before).to.deep.equal([]);
    expect(details.after).to.deep.equal([`${code("G")}（构思新颖）`, `${code("A")}（构思新颖）`]);

    const rows = (await as(c.admin).get(`/api/v1/contests/${c.contestId}/results`)).body.results as Row[];
    const a = rows.find((r) => r.code === code("A"))!;
    expect(a.prize).to.equal("first");
    expect(a.awards).to.deep.equal([{ key: "creative", label: "最佳创意奖", reason: "构思新颖" }]);
  });

  it("published: the snapshot holds the awards and the verifier agrees; the CSV lists them; choosing is refused once frozen", async () => {
    const stage = await as(c.admin).post(`/api/v1/contests/${c.contestId}/stage`, { to: "notice" });
    expect(stage.status, JSON.stringify(stage.body)).to.equal(200);
    const pub = await as().get(`/api/v1/contests/${c.contestId}/results`);
    expect(awardsByCode(pub.body.results as Row[])[code("G")]).to.deep.equal(["creative"]);
    const text = (
      await as()
        .get(`/api/v1/contests/${c.contestId}/results/snapshots/1`)
        .buffer(true)
        .parse((res, cb) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (body += chunk));
          res.on("end", () => cb(null, body));
        })
    ).body as string;
    const snap = JSON.parse(text) as {
      snapshot: { format: number };
      results: (Row & { authors: string[] })[];
    };
    expect(snap.snapshot.format).to.equal(3);
    const g = snap.results.find((r) => r.code === code("G"))!;
    expect(g.awards).to.deep.equal([{ key: "creative", label: "最佳创意奖", reason: "构思新颖" }]);
    // Award winners are named like prize winners.
    expect(g.authors).to.deep.equal(["作者 7"]);
    const verified = verifySnapshot(text, { sha256: pub.body.snapshotHash as string });
    expect(verified.differences).to.deep.equal([]);
    expect(verified.ok).to.equal(true);

    // Altered awards are reported: 优秀奖 taken from F, a third creative award added to B, a reason removed.
    const altered = JSON.parse(text) as typeof snap;
    altered.results.find((r) => r.code === code("F"))!.awards = [];
    altered.results.find((r) => r.code === code("B"))!.awards = [
      { key: "creative", label: "最佳创意奖", reason: "好" },
    ];
    delete altered.results.find((r) => r.code === code("A"))!.awards[0].reason;
    const bad = verifySnapshot(canonicalJson(altered));
    expect(bad.ok).to.equal(false);
    expect(bad.differences.map((d) => [d.entry, d.what])).to.deep.include.members([
      [code("F"), "其他奖项（按名次或网络投票评定的）"],
      [code("A"), "“最佳创意奖”没有评选理由"],
      [null, "“最佳创意奖”的获奖作品数超过名额"],
    ]);

    const csv = await as().get(`/api/v1/contests/${c.contestId}/results.csv`);
    expect(csv.status).to.equal(200);
    const lines = csv.text.replace(/^\uFEFF/, "").split(/\r?\n/);
    expect(lines[0]).to.include("奖项,其他奖项,评委人数,网络投票");
    expect(lines.find((l) => l.includes(code("G")))).to.include("最佳创意奖（构思新颖）");
    expect(lines.find((l) => l.includes(code("E")))).to.include("优秀奖");

    const before = await writtenState(app);
    const late = await as(c.admin).put(`/api/v1/contests/${c.contestId}/awards/creative`, {
      entryIds: [id("B")],
      reason: "补评",
    });
    expect(late.status).to.equal(409);
    await expectNothingWritten(app, before);
  });

  it("an old snapshot (format 2, no awards) still verifies", async () => {
    const text = (await as().get(`/api/v1/contests/${c.contestId}/results/snapshots/1`).buffer(true)).text;
    const old = JSON.parse(text) as {
      snapshot: { format: number };
      rules: { prizes: Record<string, unknown> };
      results: Record<string, unknown>[];
    };
    old.snapshot.format = 2;
    delete old.rules.prizes.extras;
    for (const r of old.results) delete r.awards;
    expect(verifySnapshot(canonicalJson(old)).ok).to.equal(true);
  });
});
