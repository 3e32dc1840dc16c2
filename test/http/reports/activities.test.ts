import { expect } from "chai";
import ExcelJS from "exceljs";
import request from "supertest";
import { ADMIN, as, createActor, startTestApp, tokenFor, type Actor, type TestApp } from "../../helpers/app.js";
import { csrfOf, pageSession } from "../../helpers/pages.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

/** The activity registry (DESIGN §3 "Activity import"): the organizer's spreadsheet in, the role-scoped list out. */
const ZH = ["单位", "城市", "活动名称", "主题", "形式", "开始", "结束", "地点或链接"];
const EN = ["unit", "city", "title", "theme", "form", "start", "end", "place"];
const UNITS: [string, string][] = [
  ["保定市科技局", "保定"],
  ["河北农业大学", "保定"],
  ["石家庄市科技局", "石家庄"],
  ["河北科技大学", "石家庄"],
  ["唐山市科技局", "唐山"],
  ["华北理工大学", "唐山"],
];
const THEMES = ["科学防控", "科普行动", "科技扶贫", "科创惠民"];
const FORMS = ["线上直播", "网络展厅", "短视频", "现场活动"];

/** 40 activities over 3 cities; the 9th (spreadsheet row 10) has a date in a wrong format. */
function activityRows(place = "现场"): string[][] {
  return Array.from({ length: 40 }, (_, i) => {
    const [unit, city] = UNITS[i % UNITS.length];
    const day = `2026-05-${String(18 + (i % 7)).padStart(2, "0")}`;
    return [
      // Full-width spaces inside a name: still the same unit.
      i === 9 ? unit.replace("科技", "科技\u3000") : unit,
      city,
      `活动 ${i + 1}`,
      THEMES[i % 4],
      FORMS[(i >> 2) % 4],
      i === 8 ? "2026/05/20" : i % 2 ? `${day} 09:00` : day,
      i % 2 ? `${day} 23:30` : day,
      place,
    ];
  });
}

async function xlsx(rows: string[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("活动");
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await book.xlsx.writeBuffer());
}

const csv = (rows: string[][]) =>
  Buffer.from(rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(",")).join("\r\n"));

describe("activity import and list", () => {
  let app: TestApp;
  let admin: string;

  before(async () => {
    app = await startTestApp();
    admin = await tokenFor(app, ADMIN.email, ADMIN.password);
  });
  after(() => app.close());

  const upload = (token: string, body: Buffer, name: string) =>
    request(app.server)
      .post("/api/v1/activities/import")
      .set("Authorization", `Bearer ${token}`)
      .attach("file", body, name);

  it("with no report week the import is 409 no_report_week and writes nothing", async () => {
    const before = await writtenState(app);
    const res = await upload(admin, await xlsx([ZH, ...activityRows()]), "活动.xlsx");
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal("no_report_week");
    await expectNothingWritten(app, before);
  });

  it("imports an XLSX of 40 activities over 3 cities: 39 in, the bad row reported by number and reason", async () => {
    const week = await as(app, admin).post("/api/v1/report-weeks", {
      title: "2026 科技活动周",
      summaryDueAt: "2026-06-10T23:59:59+08:00",
    });
    expect(week.status).to.equal(201);
    const res = await upload(admin, await xlsx([ZH, ...activityRows()]), "活动.xlsx");
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ imported: 39, updated: 0 });
    expect(res.body.errors).to.have.length(1);
    expect(res.body.errors[0].row).to.equal(10);
    expect(res.body.errors[0].message).to.include("2026/05/20").and.include("YYYY-MM-DD");
    expect(await app.db("activities").count({ n: "*" }).first()).to.satisfy((r: { n: unknown }) => Number(r.n) === 39);
    // Six units, the full-width-spaced name folded into its unit.
    expect((await app.db("units").select("name")).map((u: { name: string }) => u.name).sort()).to.deep.equal(
      UNITS.map(([u]) => u).sort(),
    );
    const list = (await as(app, admin).get("/api/v1/activities")).body.activities;
    expect(list).to.have.length(39);
    const first = list.find((a: { title: string }) => a.title === "活动 1");
    // A date alone: 00:00 to 23:59 Shanghai time.
    expect(first).to.deep.include({
      unit: "保定市科技局",
      city: "保定",
      theme: "科学防控",
      form: "线上直播",
      startsAt: "2026-05-17T16:00:00.000Z",
      endsAt: "2026-05-18T15:59:00.000Z",
      place: "现场",
      news: null,
    });
    const audit = await app.db("audit_log").where({ action: "activities.import" });
    expect(audit).to.have.length(1);
    expect(JSON.parse(String(audit[0].details))).to.include({ imported: 39, updated: 0, errors: 1, format: "xlsx" });
  });

  it("re-importing as CSV (English headers) updates the same activities instead of adding them", async () => {
    const rows = activityRows("线上").map((r, i) => (i === 8 ? [...r.slice(0, 5), "2026-05-19", ...r.slice(6)] : r));
    const res = await upload(admin, csv([EN, ...rows]), "activities.csv");
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.deep.equal({ imported: 1, updated: 39, errors: [] });
    const list = (await as(app, admin).get("/api/v1/activities")).body.activities;
    expect(list).to.have.length(40);
    expect(list.every((a: { place: string }) => a.place === "线上")).to.equal(true);
  });

  it("a unit known under another city is that row's error; the other rows import", async () => {
    const res = await upload(
      admin,
      csv([
        ZH,
        ["保定市科技局", "石家庄", "错城市", "科普行动", "短视频", "2026-05-20", "2026-05-20", ""],
        ["新单位", "唐山", "新活动", "科普行动", "短视频", "2026-05-21 10:00", "2026-05-21 09:00", ""],
        [
          "新单位",
          "唐山",
          "新活动",
          "science popularization",
          "short video",
          "2026-05-21 10:00",
          "2026-05-21 12:00",
          "",
        ],
      ]),
      "more.csv",
    );
    expect(res.status).to.equal(200);
    expect(res.body.imported).to.equal(1);
    expect(res.body.errors.map((e: { row: number }) => e.row)).to.deep.equal([2, 3]);
    expect(res.body.errors[0].message).to.include("保定");
    expect(res.body.errors[1].message).to.include("结束时间早于开始时间");
  });

  it("wrong columns, a text file named .xlsx, a PDF, another role: refused, nothing written", async () => {
    const coordinator = await createActor(app, "coordinator", { city: "保定" });
    const cases: [string, () => Promise<request.Response>, number, string][] = [
      [
        "wrong columns",
        async () =>
          upload(
            admin,
            await xlsx([
              ["名称", "日期"],
              ["x", "2026-05-20"],
            ]),
            "a.xlsx",
          ),
        400,
        "activities_header",
      ],
      [
        "text named .xlsx",
        async () => upload(admin, Buffer.from("这不是表格\n只是文字"), "a.xlsx"),
        400,
        "activities_header",
      ],
      [
        "a PDF",
        async () => upload(admin, Buffer.from("%PDF-1.4\n%âãÏÓ\n1 0 obj\n"), "a.xlsx"),
        415,
        "file_type_not_allowed",
      ],
      ["no file", async () => as(app, admin).post("/api/v1/activities/import"), 415, "multipart_required"],
      ["a coordinator", async () => upload(coordinator.token, csv([ZH]), "a.csv"), 403, "forbidden"],
    ];
    for (const [what, send, status, code] of cases) {
      const before = await writtenState(app);
      const res = await send();
      expect(res.status, what).to.equal(status);
      expect(res.body.error.code, what).to.equal(code);
      await expectNothingWritten(app, before, what);
    }
    const en = await upload(admin, await xlsx([["名称"]]), "a.xlsx").set("Accept-Language", "en");
    expect(en.body.error.message).to.include("Wrong header");
  });

  it("the reasons, in zh-CN by default and English on request: wrong columns, a text file named .xlsx, a date in the wrong format", async () => {
    const before = await writtenState(app);
    const wrong = await upload(admin, await xlsx([["名称", "日期"]]), "a.xlsx");
    expect(wrong.status).to.equal(400);
    expect(wrong.body.error.message).to.include("表头不对").and.include("名称").and.include("地点或链接");
    const text = await upload(admin, Buffer.from("这不是表格\n只是文字"), "活动.xlsx").set("Accept-Language", "en");
    expect(text.status).to.equal(400);
    expect(text.body.error.message).to.include("Wrong header").and.include("这不是表格");
    await expectNothingWritten(app, before, "a refused file");

    // One row, a new unit, a date as 20.05.2026: the row is reported and writes nothing, not even its unit.
    const row = [
      "新建的科普单位",
      "保定",
      "日期写错的活动",
      "科普行动",
      "现场活动",
      "20.05.2026",
      "2026-05-20",
      "现场",
    ];
    const tables = async () => ({
      activities: await app.db("activities").select("*").orderBy("id"),
      units: await app.db("units").select("*").orderBy("id"),
      uploads: (await writtenState(app)).uploads,
    });
    const rowsBefore = await tables();
    const zh = await upload(admin, csv([ZH, row]), "活动.csv");
    expect(zh.status, JSON.stringify(zh.body)).to.equal(200);
    expect(zh.body).to.deep.include({ imported: 0, updated: 0 });
    expect(zh.body.errors).to.have.length(1);
    expect(zh.body.errors[0].row).to.equal(2);
    expect(zh.body.errors[0].message).to.include("“20.05.2026”格式不对");
    const en = await upload(admin, csv([EN, row]), "activities.csv").set("Accept-Language", "en");
    expect(en.body.errors[0].message).to.include("20.05.2026").and.include("YYYY-MM-DD");
    expect(en.body.errors[0].message).not.to.include("格式");
    expect(await tables()).to.deep.equal(rowsBefore);
  });

  describe("the list is scoped by role", () => {
    let coordinator: Actor;
    let reporter: Actor;
    before(async () => {
      coordinator = await createActor(app, "coordinator", { city: "石家庄" });
      reporter = await createActor(app, "reporter", { unit: "华北理工大学", city: "唐山" });
    });

    it("the organizer filters by city, unit (id or name) and theme", async () => {
      const byCity = (await as(app, admin).get("/api/v1/activities?city=保定市")).body.activities;
      expect(byCity.map((a: { city: string }) => a.city)).to.satisfy(
        (c: string[]) => c.length > 0 && c.every((x) => x === "保定"),
      );
      const byName = (await as(app, admin).get(`/api/v1/activities?unit=${encodeURIComponent("河北 科技大学")}`)).body
        .activities;
      expect(byName.length).to.be.greaterThan(0);
      const byId = (await as(app, admin).get(`/api/v1/activities?unit=${byName[0].unitId}&theme=科普行动`)).body
        .activities;
      expect(
        byId.every((a: { theme: string; unit: string }) => a.theme === "科普行动" && a.unit === "河北科技大学"),
      ).to.equal(true);
      expect((await as(app, admin).get("/api/v1/activities?theme=天文")).status).to.equal(400);
      expect((await as(app, admin).get("/api/v1/activities?city=北京")).status).to.equal(400);
    });

    it("a coordinator sees his city only; another city → 403", async () => {
      const mine = (await as(app, coordinator.token).get("/api/v1/activities")).body.activities;
      expect(mine.length).to.be.greaterThan(0);
      expect(mine.every((a: { city: string }) => a.city === "石家庄")).to.equal(true);
      const other = await as(app, coordinator.token).get("/api/v1/activities?city=保定");
      expect(other.status).to.equal(403);
      expect(other.body.error.code).to.equal("forbidden");
    });

    it("a reporter sees his unit only; a contestant or judge → 403", async () => {
      const mine = (await as(app, reporter.token).get("/api/v1/activities")).body.activities;
      expect(mine.length).to.be.greaterThan(0);
      expect(mine.every((a: { unit: string }) => a.unit === "华北理工大学")).to.equal(true);
      const units = (await as(app, admin).get("/api/v1/activities?city=石家庄")).body.activities;
      expect((await as(app, reporter.token).get(`/api/v1/activities?unit=${units[0].unitId}`)).status).to.equal(403);
      for (const role of ["contestant", "judge"] as const) {
        const other = await createActor(app, role);
        expect((await as(app, other.token).get("/api/v1/activities")).status, role).to.equal(403);
      }
      expect((await request(app.server).get("/api/v1/activities")).status).to.equal(401);
    });
  });

  it("the template downloads as XLSX and imports as it is (its one example row)", async () => {
    const res = await as(app, admin)
      .get("/api/v1/activities/template")
      .buffer(true)
      .parse((r, done) => {
        const chunks: Uint8Array[] = [];
        r.on("data", (chunk: Uint8Array) => chunks.push(chunk));
        r.on("end", () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).to.equal(200);
    expect(res.headers["content-type"]).to.include("spreadsheetml");
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.body);
    const header = (book.worksheets[0].getRow(1).values as unknown[]).slice(1);
    expect(header).to.deep.equal(ZH);
    const imported = await upload(admin, res.body as Buffer, "template.xlsx");
    expect(imported.body).to.deep.equal({ imported: 1, updated: 0, errors: [] });
  });

  it("the page: the organizer imports through the form and sees each bad row; a coordinator reads his city's", async () => {
    const page = await pageSession(app, ADMIN.email, ADMIN.password);
    const form = await page.get("/reports/activities").set("Accept", "text/html");
    expect(form.status).to.equal(200);
    expect(form.text).to.include('data-testid="import-form"').and.include('href="/reports/activities/template"');
    const posted = await page
      .post(`/reports/activities/import?_csrf=${encodeURIComponent(csrfOf(form.text))}`)
      .set("Accept", "text/html")
      .attach("file", await xlsx([ZH, ...activityRows()]), "活动.xlsx");
    expect(posted.status).to.equal(200);
    expect(posted.text).to.include('data-imported="0"').and.include('data-updated="39"');
    expect(posted.text).to.match(/<tr data-row="10"><td[^>]*>10<\/td><td[^>]*>[^<]*2026\/05\/20/);
    const coordinator = await createActor(app, "coordinator", { city: "唐山" });
    const theirs = await pageSession(app, coordinator.email, coordinator.password);
    const list = await theirs.get("/reports/activities?page=1").set("Accept", "text/html");
    expect(list.status).to.equal(200);
    expect(list.text).not.to.include('data-testid="import-form"');
    const cities = [...list.text.matchAll(/data-testid="activity-row" data-activity="[^"]+" data-city="([^"]+)"/g)];
    expect(cities.length).to.be.greaterThan(0);
    expect(cities.every((m) => m[1] === "唐山")).to.equal(true);
    expect((await theirs.get("/reports/activities/template")).status).to.equal(403);
  });
});
