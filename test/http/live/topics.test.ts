import { expect } from "chai";
import ExcelJS from "exceljs";
import request from "supertest";
import { createActor, startTestApp, type TestApp } from "../../helpers/app.js";
import { filesUnder, openContest } from "../../helpers/entries.js";

/** The live final's topic bank (随机命题): imported from CSV or XLSX, a template to fill, bad files refused whole. */

function csvOf(rows: string[][]): Buffer {
  const cell = (c: string) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  return Buffer.from(`\uFEFF${rows.map((r) => r.map(cell).join(",")).join("\r\n")}\r\n`, "utf8");
}

async function xlsxOf(rows: string[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("题库");
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await book.xlsx.writeBuffer());
}

async function rowsOfXlsx(buffer: Buffer): Promise<string[][]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(buffer as unknown as ArrayBuffer);
  const rows: string[][] = [];
  book.worksheets[0].eachRow((row) => rows.push((row.values as unknown[]).slice(1).map(String)));
  return rows;
}

describe("live final topic bank (POST /api/v1/contests/:id/live/topics)", () => {
  let app: TestApp;
  let admin: string;
  let contestId: string;

  const upload = (file: Buffer, name: string, token = admin) =>
    request(app.server)
      .post(`/api/v1/contests/${contestId}/live/topics`)
      .set("Authorization", `Bearer ${token}`)
      .attach("file", file, name);
  const bank = async () =>
    (await app.db("live_topics").where({ contest_id: contestId }).orderBy("position").select("text")).map(
      (r: { text: string }) => r.text,
    );
  /** What an import could write: the bank, the audit log and the stored files. */
  const written = async () => ({
    topics: await app.db("live_topics").select("*").orderBy("id"),
    audit: await app.db("audit_log").select("*").orderBy("id"),
    uploads: filesUnder(app.ctx.config.uploadDir),
  });

  before(async () => {
    app = await startTestApp();
    ({ id: contestId, admin } = await openContest(app, { kind: "explainer", title: "科普讲解大赛" }));
  });
  after(() => app.close());

  it("imports a CSV one topic a row, skipping blank rows and repeated topics, and audits it", async () => {
    const res = await upload(
      csvOf([
        ["序号", "题目"],
        ["1", "为什么天空是蓝色的？"],
        ["", ""],
        ["3", " 为什么天空是蓝色的？ "],
        ["4", "黑洞是什么"],
      ]),
      "题库.csv",
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body).to.deep.equal({ imported: 2, topics: 2 });
    expect(await bank()).to.deep.equal(["为什么天空是蓝色的？", "黑洞是什么"]);
    const audit = await app.db("audit_log").where({ action: "live.topics", target_id: contestId });
    expect(audit).to.have.length(1);
  });

  it("an XLSX with the English header replaces the topics not drawn yet and keeps a drawn one", async () => {
    const drawn = await app.db("live_topics").where({ contest_id: contestId, text: "黑洞是什么" }).first();
    // As the live final marks a topic it drew for a finalist.
    await app.db("live_topics").where({ id: drawn.id }).update({ drawn_entry_id: "some-entry", drawn_round_id: "r" });
    const res = await upload(await xlsxOf([["Topic"], ["量子纠缠"], ["黑洞是什么"], ["北斗导航"]]), "topics.xlsx");
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body).to.deep.equal({ imported: 2, topics: 2 });
    expect(await bank()).to.deep.equal(["黑洞是什么", "量子纠缠", "北斗导航"]);
    const list = await request(app.server)
      .get(`/api/v1/contests/${contestId}/live/topics`)
      .set("Authorization", `Bearer ${admin}`);
    expect(list.body.available).to.equal(2);
    expect(list.body.topics.map((t: { drawn: boolean }) => t.drawn)).to.deep.equal([true, false, false]);
  });

  it("the template downloads as an XLSX that imports as it is and after filling in", async () => {
    const res = await request(app.server)
      .get(`/api/v1/contests/${contestId}/live/topics/template`)
      .set("Authorization", `Bearer ${admin}`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).to.equal(200);
    expect(res.headers["content-type"]).to.include("spreadsheetml");
    const rows = await rowsOfXlsx(res.body as Buffer);
    expect(rows[0]).to.deep.equal(["题目"]);
    const filled = await xlsxOf([...rows, ["月球为什么有阴晴圆缺"]]);
    const imported = await upload(filled, "模板.xlsx");
    expect(imported.status, JSON.stringify(imported.body)).to.equal(201);
    expect(imported.body.imported).to.equal(rows.length);
    expect((await bank()).slice(-1)).to.deep.equal(["月球为什么有阴晴圆缺"]);
  });

  describe("a bad file is refused with its reason and nothing is written", () => {
    const PNG = Buffer.from(
      "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
      "hex",
    );
    const cases: { what: string; file: () => Promise<Buffer> | Buffer; name: string; status: number; code: string }[] =
      [
        { what: "an image named .csv", file: () => PNG, name: "题库.csv", status: 415, code: "file_type_not_allowed" },
        {
          what: "a header without 题目",
          file: () => csvOf([["问题"], ["x"]]),
          name: "a.csv",
          status: 400,
          code: "topics_header",
        },
        {
          what: "a header and no topic",
          file: () => csvOf([["题目"], [""]]),
          name: "a.csv",
          status: 400,
          code: "topics_empty",
        },
        {
          what: "2,001 topics",
          file: () => csvOf([["题目"], ...Array.from({ length: 2001 }, (_, i) => [`题目 ${i}`])]),
          name: "a.csv",
          status: 400,
          code: "topics_too_many_rows",
        },
        {
          what: "2,001 topics in an XLSX",
          file: () => xlsxOf([["题目"], ...Array.from({ length: 2001 }, (_, i) => [`题目 ${i}`])]),
          name: "a.xlsx",
          status: 400,
          code: "topics_too_many_rows",
        },
        {
          what: "a topic of 501 characters",
          file: () => csvOf([["题目"], ["短题"], ["讲".repeat(501)]]),
          name: "a.csv",
          status: 400,
          code: "topic_too_long",
        },
        {
          what: "a CSV not in UTF-8",
          file: () => Buffer.from([0xcc, 0xe2, 0xc4, 0xbf, 0x0a, 0xba, 0xda, 0xb6, 0xb4]),
          name: "gbk.csv",
          status: 415,
          code: "topics_not_utf8",
        },
      ];
    for (const c of cases)
      it(c.what, async () => {
        const before = await written();
        const res = await upload(await c.file(), c.name);
        expect(res.status, JSON.stringify(res.body)).to.equal(c.status);
        expect(res.body.error.code).to.equal(c.code);
        expect(res.body.error.message).to.be.a("string").and.not.equal("");
        expect(await written()).to.deep.equal(before);
      });

    it("in English when asked, naming the row of a topic too long", async () => {
      const res = await upload(csvOf([["topic"], ["ok"], ["x".repeat(501)]]), "a.csv").set("Accept-Language", "en");
      expect(res.status).to.equal(400);
      expect(res.body.error.message).to.equal("The topic on row 3 is longer than 500 characters");
    });

    it("from a judge, 403 before the file is read", async () => {
      const judge = await createActor(app, "judge");
      const before = await written();
      const res = await upload(csvOf([["题目"], ["x"]]), "a.csv", judge.token);
      expect(res.status).to.equal(403);
      expect(await written()).to.deep.equal(before);
    });
  });
});
