import { expect } from "chai";
import { createHash } from "node:crypto";
import ExcelJS from "exceljs";
import { parse } from "csv-parse/sync";
import request from "supertest";
import { createActor, snapshot, startTestApp, TestClock, type Actor, type TestApp } from "../../helpers/app.js";
import { judgedContest, type JudgedContest } from "../../helpers/judged.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

const rubric = {
  criteria: [
    { key: "science", label: "科学性", max: 50, step: 1 },
    { key: "art", label: "艺术性", max: 50, step: 1 },
  ],
};
const s = (science: number, art: number) => ({ science, art });

describe("results: compute, notice, objections, final", () => {
  const clock = new TestClock(new Date("2026-12-01T02:00:00Z"));
  let app: TestApp;
  let c: JudgedContest;
  let citizen: Actor;

  const as = (token: string) => ({
    get: (path: string) => request(app.server).get(path).set("Authorization", `Bearer ${token}`),
    post: (path: string, body?: object) =>
      request(app.server).post(path).set("Authorization", `Bearer ${token}`).send(body),
    patch: (path: string, body?: object) =>
      request(app.server).patch(path).set("Authorization", `Bearer ${token}`).send(body),
  });

  before(async function () {
    this.timeout(120_000);
    app = await startTestApp({ clock });
    c = await judgedContest(app, {
      contest: {
        rubric,
        prizes: { mode: "count", first: 1, second: 1, third: 1 },
        opensAt: "2026-01-01T00:00:00Z",
        closesAt: "2099-01-01T00:00:00Z",
      },
      sheets: [
        // Entry 1: totals 90, 90, 85, 80, 70 → drop one 90 and the 70 → (90 + 85 + 80) / 3 = 85.00; science mean 44.
        [s(45, 45), s(45, 45), s(45, 40), s(40, 40), s(45, 25)],
        // Entry 2: five times 85 → 85.00, a tie broken by the first criterion: science mean 40 < 44.
        [s(40, 45), s(40, 45), s(40, 45), s(40, 45), s(40, 45)],
        // Entry 3: 60, 70, 80, 90, 100 → (70 + 80 + 90) / 3 = 80.00.
        [s(30, 30), s(35, 35), s(40, 40), s(45, 45), s(50, 50)],
        // Entry 4: never scored → not ranked.
        [null, null, null, null, null],
      ],
    });
    citizen = await createActor(app, "contestant");
  });
  after(() => app.close());

  it("computes scores, ranks, prizes and explanations exactly", async () => {
    const res = await as(c.admin).post(`/api/v1/contests/${c.contestId}/results/compute`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const rows = res.body.results.map((r: Record<string, unknown>) => [r.code, r.score, r.rank, r.prize, r.judges]);
    expect(rows).to.deep.equal([
      [c.entries[0].code, 85, 1, "first", 5],
      [c.entries[1].code, 85, 2, "second", 5],
      [c.entries[2].code, 80, 3, "third", 5],
    ]);
    for (const r of res.body.results) {
      // `awards`: the extra awards (issue 10 item 4), none in a contest without prizes.extras.
      expect(r).to.have.all.keys(
        "entryId",
        "code",
        "title",
        "score",
        "rank",
        "prize",
        "judges",
        "awards",
        "explanation",
      );
      expect(r.awards).to.deep.equal([]);
    }
    expect(res.body.results[0].explanation).to.equal("5 位评委：去掉最高分 90、最低分 70，其余平均 85.00");
    expect(res.body.results[1].explanation).to.include("与上一名同分，按“科学性”平均分排在其后");
    expect(res.body.unranked.map((u: { code: string }) => u.code)).to.deep.equal([c.entries[3].code]);
    expect(res.body.rules.prizeCounts).to.include({ first: 1, second: 2, third: 3 });
  });

  it("explains in English on request", async () => {
    const res = await as(c.admin).get(`/api/v1/contests/${c.contestId}/results`).set("Accept-Language", "en");
    expect(res.body.results[0].explanation).to.equal(
      "5 judges: highest 90 and lowest 70 dropped, the rest average 85.00",
    );
  });

  it("results are not public before the notice", async () => {
    expect((await request(app.server).get(`/api/v1/contests/${c.contestId}/results`)).status).to.equal(409);
    expect((await as(citizen.token).get(`/api/v1/contests/${c.contestId}/results`)).status).to.equal(409);
  });

  let noticeHash: string;

  it("the notice freezes a snapshot whose SHA-256 anyone can recompute from the published text", async () => {
    await as(c.admin).post(`/api/v1/contests/${c.contestId}/stage`, { to: "review" });
    const moved = await as(c.admin).post(`/api/v1/contests/${c.contestId}/stage`, { to: "notice" });
    expect(moved.status).to.equal(200);
    const pub = await request(app.server).get(`/api/v1/contests/${c.contestId}/results`);
    expect(pub.status).to.equal(200);
    expect(pub.body.snapshotHash).to.match(/^[0-9a-f]{64}$/);
    expect(pub.body.results.map((r: { rank: number; prize: string }) => [r.rank, r.prize])).to.deep.equal([
      [1, "first"],
      [2, "second"],
      [3, "third"],
    ]);
    expect(pub.body.results[0].authors).to.deep.equal(["作者 1"]);
    expect(pub.body.rules).to.include({ aggregation: "trimmed" });
    const text = await request(app.server)
      .get(`/api/v1/contests/${c.contestId}/results/snapshots/1`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on("data", (chunk: Buffer) => chunks.push(chunk));
        r.on("end", () => done(null, Buffer.concat(chunks)));
      });
    const bytes = text.body as Buffer;
    expect(createHash("sha256").update(bytes).digest("hex")).to.equal(pub.body.snapshotHash);
    // Canonical: keys sorted, no whitespace — re-serializing the parsed text with sorted keys gives the same bytes.
    const sortKeys = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sortKeys)
        : v && typeof v === "object"
          ? Object.fromEntries(
              Object.entries(v)
                .sort(([a], [b]) => (a < b ? -1 : 1))
                .map(([k, x]) => [k, sortKeys(x)]),
            )
          : v;
    expect(JSON.stringify(sortKeys(JSON.parse(bytes.toString("utf8"))))).to.equal(bytes.toString("utf8"));
    noticeHash = pub.body.snapshotHash;
  });

  it("exports read back: CSV row count and XLSX cells match the results", async () => {
    const csv = await request(app.server).get(`/api/v1/contests/${c.contestId}/results.csv`);
    expect(csv.status).to.equal(200);
    const rows = parse(csv.text.replace(/^\uFEFF/, ""));
    expect(rows[0].slice(0, 5)).to.deep.equal(["名次", "作品编号", "作品名称", "得分", "奖项"]);
    expect(rows.slice(1).map((r) => [r[0], r[1], r[3], r[4]])).to.deep.equal([
      ["1", c.entries[0].code, "85", "一等奖"],
      ["2", c.entries[1].code, "85", "二等奖"],
      ["3", c.entries[2].code, "80", "三等奖"],
    ]);
    const xlsx = await as(c.admin)
      .get(`/api/v1/contests/${c.contestId}/results.xlsx`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on("data", (chunk: Buffer) => chunks.push(chunk));
        r.on("end", () => done(null, Buffer.concat(chunks)));
      });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body);
    const sheet = book.getWorksheet("成绩")!;
    expect(sheet.getRow(2).getCell(2).value).to.equal(c.entries[0].code);
    expect(sheet.getRow(2).getCell(4).value).to.equal(85);
    expect(book.getWorksheet("评分矩阵")!.rowCount).to.equal(1 + 4);
  });

  let objectionId: string;

  it("a signed-in person files an objection inside the window; anonymous cannot", async () => {
    const before = await writtenState(app);
    expect(
      (
        await request(app.server)
          .post(`/api/v1/contests/${c.contestId}/objections`)
          .send({ entryId: c.entries[0].id, text: "该作品与往届作品雷同。" })
      ).status,
    ).to.equal(401);
    await expectNothingWritten(app, before);
    const res = await as(citizen.token).post(`/api/v1/contests/${c.contestId}/objections`, {
      entryId: c.entries[0].id,
      text: "该作品与往届作品雷同。",
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.objection).to.include({ status: "open", entryId: c.entries[0].id });
    objectionId = res.body.objection.id;
  });

  it("final is refused while an objection is open", async () => {
    const before = await snapshot(app.db);
    // Past the notice window for this one request, so only the open objection stands in the way.
    clock.advance(8 * 86_400_000);
    const res = await as(c.admin).post(`/api/v1/contests/${c.contestId}/stage`, { to: "final" });
    clock.advance(-8 * 86_400_000);
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal("objections_open");
    expect(await snapshot(app.db)).to.deep.equal(before);
    expect((await app.db("contests").where({ id: c.contestId }).first()).stage).to.equal("notice");
  });

  it("upholding with disqualification recomputes and publishes a new snapshot; the old one stays listed", async () => {
    const res = await as(c.admin).post(`/api/v1/objections/${objectionId}/resolve`, {
      decision: "upheld",
      reply: "经核实，作品与往届获奖作品雷同，取消资格。",
      disqualify: true,
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.objection.status).to.equal("upheld");
    const pub = await request(app.server).get(`/api/v1/contests/${c.contestId}/results`);
    expect(pub.body.snapshots.map((x: { number: number; kind: string }) => [x.number, x.kind])).to.deep.equal([
      [1, "notice"],
      [2, "revision"],
    ]);
    expect(pub.body.snapshotHash).not.to.equal(noticeHash);
    expect(
      pub.body.results.map((r: { code: string; rank: number; prize: string }) => [r.code, r.rank, r.prize]),
    ).to.deep.equal([
      [c.entries[1].code, 1, "first"],
      [c.entries[2].code, 2, "second"],
    ]);
    const owner = await as(c.contestant.token).get(`/api/v1/entries/${c.entries[0].id}`);
    expect(owner.body.entry).to.include({ status: "disqualified" });
  });

  it("a rejected objection gets a reply and changes nothing", async () => {
    const filed = await as(citizen.token).post(`/api/v1/contests/${c.contestId}/objections`, {
      entryId: c.entries[1].id,
      text: "怀疑评分不公。请复核。",
    });
    const hash = (await request(app.server).get(`/api/v1/contests/${c.contestId}/results`)).body.snapshotHash;
    const res = await as(c.admin).post(`/api/v1/objections/${filed.body.objection.id}/resolve`, {
      decision: "rejected",
      reply: "经复核，评分符合规则。",
    });
    expect(res.body.objection).to.include({ status: "rejected", reply: "经复核，评分符合规则。" });
    expect((await request(app.server).get(`/api/v1/contests/${c.contestId}/results`)).body.snapshotHash).to.equal(hash);
    const mine = await as(citizen.token).get(`/api/v1/contests/${c.contestId}/objections`);
    expect(mine.body.objections).to.have.length(2);
    expect(mine.body.objections[0]).not.to.have.property("filedBy");
  });

  it("an objection after the window closes is refused, nothing written", async () => {
    clock.advance(8 * 86_400_000);
    const before = await snapshot(app.db);
    const res = await as(citizen.token).post(`/api/v1/contests/${c.contestId}/objections`, {
      entryId: c.entries[1].id,
      text: "迟到的异议内容。",
    });
    expect(res.status).to.equal(409);
    expect(await snapshot(app.db)).to.deep.equal(before);
  });

  it("final freezes the last snapshot; afterwards every change is refused", async () => {
    const res = await as(c.admin).post(`/api/v1/contests/${c.contestId}/stage`, { to: "final" });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const pub = await request(app.server).get(`/api/v1/contests/${c.contestId}/results`);
    expect(pub.body.snapshots.at(-1).kind).to.equal("final");
    const before = await snapshot(app.db);
    const attempts = [
      await as(c.admin).patch(`/api/v1/contests/${c.contestId}`, { title: "改名" }),
      await as(c.admin).patch(`/api/v1/contests/${c.contestId}`, {
        prizes: { mode: "count", first: 3, second: 0, third: 0 },
      }),
      await as(c.admin).post(`/api/v1/contests/${c.contestId}/stage`, { to: "notice" }),
      await as(c.admin).post(`/api/v1/contests/${c.contestId}/results/compute`),
      await as(c.admin).post(`/api/v1/entries/${c.entries[1].id}/disqualify`, { reason: "晚了" }),
      await as(citizen.token).post(`/api/v1/contests/${c.contestId}/objections`, {
        entryId: c.entries[1].id,
        text: "最终结果后的异议。",
      }),
    ];
    for (const a of attempts) expect(a.status, JSON.stringify(a.body)).to.be.within(400, 499);
    expect(await snapshot(app.db)).to.deep.equal(before);
    expect((await request(app.server).get(`/api/v1/contests/${c.contestId}/results`)).body.snapshotHash).to.equal(
      pub.body.snapshotHash,
    );
  });
});
