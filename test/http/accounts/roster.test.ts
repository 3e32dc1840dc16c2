import { Writable } from "node:stream";
import path from "node:path";
import { expect } from "chai";
import ExcelJS from "exceljs";
import pino from "pino";
import request from "supertest";
import { ADMIN, createActor, snapshot, startTestApp, tokenFor, type Actor, type TestApp } from "../../helpers/app.js";
import { filesUnder } from "../../helpers/entries.js";
import { csrfOf, pageSession } from "../../helpers/pages.js";

/**
 * The acceptance item: a roster with good rows, a duplicate e-mail, a missing field and a bad city
 * imports the good rows and reports each bad one, from a CSV and from an XLSX alike.
 */

const HEADER = ["姓名", "邮箱", "单位", "城市", "专业领域", "回避单位"];
const HEADER_EN = ["Name", "E-mail", "Unit", "City", "Expertise", "Avoid units"];

/** The same roster for each format; `tag` keeps the addresses of the two formats apart. */
function rosterRows(tag: string): string[][] {
  return [
    ["张伟", `zhang.wei.${tag}@example.org`, "河北大学", "保定市", "科学防控、科普行动", "保定学院;河北农业大学"],
    [" 李娜 ", ` LI.NA.${tag}@Example.org `, " 唐山市科学技术协会 ", "Tangshan", "科技扶贫", ""],
    ["张伟（重复）", `zhang.wei.${tag}@example.org`, "某单位", "保定", "科普行动", ""],
    ["", `nameless.${tag}@example.org`, "某单位", "保定", "", ""],
    ["王强", `wang.qiang.${tag}@example.org`, "北京某所", "北京", "", ""],
    ["赵敏", "taken@example.org", "石家庄某校", "石家庄", "", ""],
    ["陈静", "not-an-email", "", "", "", ""],
  ];
}

/** What the report must say of each row (header = row 1), by format-free e-mail template. */
function expectedRows(tag: string) {
  return [
    { row: 2, email: `zhang.wei.${tag}@example.org`, status: "imported" },
    { row: 3, email: `li.na.${tag}@example.org`, status: "imported" },
    { row: 4, email: `zhang.wei.${tag}@example.org`, status: "refused", reasonCode: "duplicate_in_file" },
    { row: 5, email: `nameless.${tag}@example.org`, status: "refused", reasonCode: "name_missing" },
    { row: 6, email: `wang.qiang.${tag}@example.org`, status: "refused", reasonCode: "city_unknown" },
    { row: 7, email: "taken@example.org", status: "refused", reasonCode: "email_taken" },
    { row: 8, email: "not-an-email", status: "refused", reasonCode: "email_invalid" },
  ];
}

const REASONS_ZH: Record<number, string> = {
  4: "邮箱与第 2 行重复",
  5: "缺少姓名",
  6: "未知的城市“北京”",
  7: "邮箱 taken@example.org 已被注册",
  8: "邮箱格式不正确：not-an-email",
};

const REASONS_EN: Record<number, string> = {
  4: "Same e-mail as row 2",
  5: "Name missing",
  6: "Unknown city “北京”",
  7: "The e-mail taken@example.org is already registered",
  8: "Not a valid e-mail address: not-an-email",
};

function csvOf(rows: string[][], bom = true): Buffer {
  const cell = (c: string) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  return Buffer.from(`${bom ? "\uFEFF" : ""}${rows.map((r) => r.map(cell).join(",")).join("\r\n")}\r\n`, "utf8");
}

/** An XLSX as Excel users make it: an instructions sheet first, then the roster with a hyperlinked e-mail and rich text. */
async function xlsxOf(rows: string[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.addWorksheet("填写说明").addRow(["请在“名单”工作表中填写专家信息"]);
  const sheet = book.addWorksheet("名单");
  rows.forEach((r, i) => {
    const values: ExcelJS.CellValue[] = [...r];
    if (i === 1) values[1] = { text: r[1], hyperlink: `mailto:${r[1].trim()}` };
    if (i === 1) values[2] = { richText: [{ text: r[2].slice(0, 4) }, { text: r[2].slice(4), font: { bold: true } }] };
    sheet.addRow(values);
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}

// A 1×1 PNG: the signature is what file-type reads.
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex",
);

describe("roster import (POST /api/v1/users/import)", () => {
  let app: TestApp;
  let admin: string;
  const logLines: string[] = [];

  const importAs = (token: string, file: Buffer, name: string, lang?: string) => {
    const req = request(app.server).post("/api/v1/users/import").set("Authorization", `Bearer ${token}`);
    if (lang) req.set("Accept-Language", lang);
    return req.attach("file", file, name);
  };

  /** Every row of every table, as text: to look for a password anywhere in the database. */
  async function everything(): Promise<string> {
    const tables = ["users", "audit_log", "api_tokens", "sessions", "login_limits"];
    const dump: Record<string, unknown> = {};
    for (const t of tables) dump[t] = await app.db(t).select("*");
    return JSON.stringify(dump);
  }

  before(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    app = await startTestApp({ logger: pino({ level: "trace" }, sink) });
    admin = await tokenFor(app, ADMIN.email, ADMIN.password);
    await createActor(app, "contestant", { email: "taken@example.org" });
  });
  after(() => app.close());

  for (const format of ["csv", "xlsx"] as const) {
    describe(`from ${format.toUpperCase()}`, () => {
      const tag = format;
      let report: { imported: number; refused: number; rows: Record<string, unknown>[] };
      let initial: Record<string, unknown[]>;

      before(async () => {
        initial = await snapshot(app.db);
        const rows = [format === "csv" ? HEADER : HEADER_EN, ...rosterRows(tag)];
        const file = format === "csv" ? csvOf(rows) : await xlsxOf(rows);
        const res = await importAs(admin, file, `专家名单.${format}`, format === "xlsx" ? "en" : undefined);
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        expect(res.headers["cache-control"]).to.equal("no-store");
        report = res.body;
      });

      it("a file with good rows, a duplicate e-mail, a missing field and a bad city imports the good rows and reports each bad one", () => {
        expect(report.imported).to.equal(2);
        expect(report.refused).to.equal(5);
        const reasons = format === "xlsx" ? REASONS_EN : REASONS_ZH;
        const expected = expectedRows(tag);
        expect(report.rows).to.have.length(expected.length);
        report.rows.forEach((row, i) => {
          expect(row).to.include(expected[i]);
          if (row.status === "imported") {
            expect(row).to.have.all.keys("row", "email", "status", "userId", "initialPassword");
            expect(row.initialPassword).to.match(/^[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}$/);
          } else {
            expect(row).to.have.all.keys("row", "email", "status", "reasonCode", "reason");
            expect(row.reason).to.equal(reasons[row.row as number]);
          }
        });
      });

      it("the database holds exactly the good judges, with unit, city, expertise and avoid units", async () => {
        const after = await snapshot(app.db);
        const known = new Set((initial.users as { id: string }[]).map((u) => u.id));
        const added = (after.users as Record<string, unknown>[]).filter((u) => !known.has(String(u.id)));
        expect(added.map((u) => u.email).sort()).to.deep.equal([
          `li.na.${tag}@example.org`,
          `zhang.wei.${tag}@example.org`,
        ]);
        const byEmail = new Map(added.map((u) => [u.email, u]));
        const zhang = byEmail.get(`zhang.wei.${tag}@example.org`)!;
        expect(zhang).to.include({ name: "张伟", role: "judge", unit: "河北大学", city: "保定" });
        expect(JSON.parse(String(zhang.expertise))).to.deep.equal(["科学防控", "科普行动"]);
        expect(JSON.parse(String(zhang.avoid_units))).to.deep.equal(["保定学院", "河北农业大学"]);
        const li = byEmail.get(`li.na.${tag}@example.org`)!;
        expect(li).to.include({ name: "李娜", role: "judge", unit: "唐山市科学技术协会", city: "唐山" });
        expect(JSON.parse(String(li.expertise))).to.deep.equal(["科技扶贫"]);
        expect(JSON.parse(String(li.avoid_units))).to.deep.equal([]);
        for (const u of added) expect(String(u.password_hash)).to.match(/^\$argon2id\$/);
        const ids = report.rows.filter((r) => r.status === "imported").map((r) => r.userId);
        expect([...ids].sort()).to.deep.equal(added.map((u) => u.id).sort());
        // Nothing but the users and one audit record changed.
        expect(after.audit_log).to.have.length(initial.audit_log.length + 1);
        for (const table of Object.keys(after).filter((t) => t !== "users" && t !== "audit_log"))
          expect(after[table], table).to.deep.equal(initial[table]);
      });

      it("audits one user.import record with counts only", async () => {
        const records = await app.db("audit_log").where({ action: "user.import" }).orderBy("id");
        const last = records[records.length - 1];
        const details = JSON.parse(last.details);
        expect(details).to.include({ format, rows: 7, imported: 2, refused: 5 });
        expect(last.details).not.to.match(/password/i);
      });

      it("each initial password works for POST /api/v1/auth/token, and is stored, logged and audited nowhere", async () => {
        const dump = await everything();
        const log = logLines.join("");
        for (const row of report.rows.filter((r) => r.status === "imported")) {
          const password = String(row.initialPassword);
          const res = await request(app.server).post("/api/v1/auth/token").send({ email: row.email, password });
          expect(res.status, JSON.stringify(res.body)).to.equal(200);
          expect(res.body.user).to.include({ id: row.userId, role: "judge" });
          expect(dump).not.to.include(password);
          expect(log).not.to.include(password);
        }
      });
    });
  }

  it("reads English headers from a CSV without a BOM too", async () => {
    const res = await importAs(
      admin,
      csvOf(
        [
          ["email", "name", "city"],
          ["plain.csv@example.org", "孙丽", "邯郸"],
        ],
        false,
      ),
      "roster.csv",
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ imported: 1, refused: 0 });
    expect((await app.db("users").where({ email: "plain.csv@example.org" }).first()).city).to.equal("邯郸");
  });

  it("reads the roster from the first sheet of several, and takes numbers and formulas as shown", async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("专家");
    sheet.addRow(["序号", "姓名", "邮箱", "单位", "城市"]);
    sheet.addRow([1, "钱多", "qian.duo@example.org", { formula: '"衡水"&"学院"', result: "衡水学院" }, "衡水"]);
    book.addWorksheet("备注").addRow(["姓名", "邮箱"]);
    const res = await importAs(admin, Buffer.from(await book.xlsx.writeBuffer()), "roster.xlsx");
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ imported: 1, refused: 0 });
    expect(await app.db("users").where({ email: "qian.duo@example.org" }).first()).to.include({
      unit: "衡水学院",
      city: "衡水",
      name: "钱多",
    });
  });

  describe("refused as a whole, writing nothing", () => {
    let judge: Actor;
    let contestant: Actor;
    let coordinator: Actor;

    before(async () => {
      judge = await createActor(app, "judge");
      contestant = await createActor(app, "contestant");
      coordinator = await createActor(app, "coordinator");
    });

    const good = () => csvOf([HEADER, ["周杰", "zhou.jie@example.org", "河北师范大学", "石家庄", "科普行动", ""]]);

    async function expectNothingWritten(run: () => Promise<request.Response>, status: number, code: string) {
      const before = await snapshot(app.db);
      const res = await run();
      expect(res.status, JSON.stringify(res.body)).to.equal(status);
      expect(res.body.error.code).to.equal(code);
      expect(await snapshot(app.db)).to.deep.equal(before);
      expect(filesUnder(path.join(app.ctx.config.uploadDir, ".incoming")), "an upload was left behind").to.deep.equal(
        [],
      );
      return res;
    }

    it("a judge, a contestant or a coordinator gets 403; anonymous gets 401", async () => {
      for (const who of [judge, contestant, coordinator])
        await expectNothingWritten(() => importAs(who.token, good(), "roster.csv"), 403, "forbidden");
      await expectNothingWritten(
        () => request(app.server).post("/api/v1/users/import").attach("file", good(), "roster.csv"),
        401,
        "unauthenticated",
      );
    });

    it("a PNG named .csv is refused as 415", async () => {
      const res = await expectNothingWritten(() => importAs(admin, PNG, "roster.csv"), 415, "file_type_not_allowed");
      expect(res.body.error.message).to.include("png");
    });

    it("a CSV that is not UTF-8 (GBK, as older Excel saves it) is refused as 415 with how to save it", async () => {
      // 姓名,邮箱 in GBK.
      const gbk = Buffer.concat([
        Buffer.from([0xd0, 0xd5, 0xc3, 0xfb, 0x2c, 0xd3, 0xca, 0xcf, 0xe4, 0x0d, 0x0a]),
        Buffer.from("x,x@example.org\r\n"),
      ]);
      const res = await expectNothingWritten(() => importAs(admin, gbk, "roster.csv"), 415, "roster_not_utf8");
      expect(res.body.error.message).to.include("CSV UTF-8");
    });

    it("a file without the name or e-mail column is refused as 400, naming what is missing", async () => {
      const res = await expectNothingWritten(
        () =>
          importAs(
            admin,
            csvOf([
              ["单位", "城市"],
              ["河北大学", "保定"],
            ]),
            "roster.csv",
          ),
        400,
        "roster_header",
      );
      expect(res.body.error.message).to.include("姓名").and.include("邮箱");
    });

    it("an empty file, a damaged XLSX, no file, or a JSON body are refused", async () => {
      await expectNothingWritten(
        () => importAs(admin, Buffer.from("\uFEFF\r\n\r\n"), "roster.csv"),
        400,
        "roster_empty",
      );
      const xlsx = await xlsxOf([
        HEADER,
        ["周杰", "zhou.jie@example.org", "", "", "", ""],
        ["吴迪", "wu.di@example.org", "河北大学", "保定", "", ""],
      ]);
      await expectNothingWritten(
        () => importAs(admin, xlsx.subarray(0, Math.floor(xlsx.length * 0.6)), "roster.xlsx"),
        400,
        "roster_unreadable",
      );
      await expectNothingWritten(
        () =>
          request(app.server).post("/api/v1/users/import").set("Authorization", `Bearer ${admin}`).field("note", "x"),
        400,
        "roster_file_missing",
      );
      await expectNothingWritten(
        () =>
          request(app.server).post("/api/v1/users/import").set("Authorization", `Bearer ${admin}`).send({ file: "x" }),
        415,
        "multipart_required",
      );
    });

    it("a file over 5 MB is refused while streaming, leaving nothing behind", async () => {
      const big = Buffer.concat([good(), Buffer.alloc(5 * 1024 * 1024, "#")]);
      const before = await snapshot(app.db);
      const res = await importAs(admin, big, "roster.csv");
      // The roster is the only (so the largest) file role: its own limit, not multer's, answers.
      expect(res.status, JSON.stringify(res.body)).to.equal(413);
      expect(res.body.error.code).to.equal("file_too_large");
      expect(await snapshot(app.db)).to.deep.equal(before);
      expect(filesUnder(path.join(app.ctx.config.uploadDir, ".incoming"))).to.deep.equal([]);
    });
  });

  describe("the page /admin/users/import", () => {
    it("shows the report with the passwords once, kept out of caches, and no download", async () => {
      const agent = await pageSession(app, ADMIN.email, ADMIN.password);
      const form = await agent.get("/admin/users/import").set("Accept", "text/html");
      expect(form.status).to.equal(200);
      const action = /action="(\/admin\/users\/import\?_csrf=[^"]+)"/.exec(form.text)?.[1];
      expect(action, "the form posts with its CSRF token in the query").to.be.a("string");
      const res = await agent
        .post(action!.replace(/&amp;/g, "&"))
        .set("Accept", "text/html")
        .attach(
          "file",
          csvOf([
            HEADER,
            ["吴芳", "wu.fang@example.org", "河北工业大学", "天津", "", ""],
            ["郑浩", "zheng.hao@example.org", "河北工业大学", "廊坊", "科创惠民", "廊坊师范学院"],
          ]),
          "名单.csv",
        );
      expect(res.status).to.equal(200);
      expect(res.headers["cache-control"]).to.equal("no-store");
      expect(res.text).to.include('data-testid="roster-report"').and.include("初始密码只在此页显示这一次");
      expect(res.text)
        .to.include('data-row="2" data-status="refused" data-reason="city_unknown"')
        .and.include("未知的城市“天津”");
      const password = /<code class="password">([^<]+)<\/code>/.exec(res.text)?.[1];
      expect(password).to.be.a("string");
      expect(
        (await request(app.server).post("/api/v1/auth/token").send({ email: "zheng.hao@example.org", password }))
          .status,
      ).to.equal(200);
      expect(res.text).not.to.match(/<a[^>]+(download|\.csv)/i);
    });

    it("a bad file is re-rendered on the form with the message, writing nothing", async () => {
      const agent = await pageSession(app, ADMIN.email, ADMIN.password);
      const form = await agent.get("/admin/users/import").set("Accept", "text/html");
      const before = await snapshot(app.db);
      const res = await agent
        .post(`/admin/users/import?_csrf=${encodeURIComponent(csrfOf(form.text))}`)
        .set("Accept", "text/html")
        .attach("file", PNG, "roster.csv");
      expect(res.status).to.equal(415);
      expect(res.text).to.include('data-code="file_type_not_allowed"').and.include('data-testid="roster-form"');
      expect(await snapshot(app.db)).to.deep.equal(before);
    });

    it("without the CSRF token the upload is refused before it is read", async () => {
      const agent = await pageSession(app, ADMIN.email, ADMIN.password);
      const before = await snapshot(app.db);
      const res = await agent
        .post("/admin/users/import")
        .set("Accept", "text/html")
        .attach("file", csvOf([HEADER, ["某人", "csrf.less@example.org"]]), "roster.csv");
      expect(res.status).to.equal(403);
      expect(await snapshot(app.db)).to.deep.equal(before);
    });
  });
});
