import { expect } from "chai";
import ExcelJS from "exceljs";
import type { Browser, Page } from "playwright-core";
import request from "supertest";
import { ADMIN, as, createActor, startTestApp, TestClock, tokenFor, type Actor, type TestApp } from "../helpers/app.js";
import { expectNoSidewaysScroll, launchChromium, logInThroughForm, screenshot } from "../helpers/browser.js";
import { check } from "../helpers/entries.js";
import { testMedia } from "../helpers/media.js";

/*
 * The week's reporting duty end to end (issue 13's first "done when"), in one Chromium: the organizer
 * opens the week and imports 40 activities over 3 cities (one bad row); reporters file on time, late
 * (decided across midnight Asia/Shanghai) and not at all, one of them on his phone; 保定's coordinator
 * sees who owes what and submits the package, which locks it; the dashboard's numbers equal the hand
 * count below; the evaluation made from the packages publishes its 优秀组织单位 list.
 *
 * Activity i: unit UNITS[i % 7], Shanghai day 05-16 + (i % 5); news missing when i % 4 = 3, filed late
 * (2026-05-23 16:01 UTC = 05-24 00:01 Shanghai) when i % 4 = 2, else on time (an hour after it ends).
 * The midnight pair both end on 05-20, due 05-23 23:59:59.999 Shanghai = 15:59:59.999Z: activity 4 is
 * filed at 15:59Z (on time), activity 14 at 16:01Z (late) — the latter by 保定市科技局's reporter on his phone.
 */
const UNITS: { name: string; city: string; kind: string | null }[] = [
  { name: "保定市科技局", city: "保定", kind: "市科技局" },
  { name: "河北农业大学", city: "保定", kind: "高校" },
  { name: "石家庄市科技局", city: "石家庄", kind: "市科技局" },
  // kind null: not in the registry before the import, which makes it (其他).
  { name: "河北科技大学", city: "石家庄", kind: null },
  { name: "唐山市科学技术协会", city: "唐山", kind: null },
  { name: "华北理工大学", city: "唐山", kind: "高校" },
  { name: "保定市第一中学", city: "保定", kind: null },
];
const THEMES = ["科学防控", "科普行动", "科技扶贫", "科创惠民"];
const FORMS = ["线上直播", "网络展厅", "短视频", "现场活动"];
// Start, end (Shanghai); 07:00 Shanghai is the day before in UTC, counted on its Shanghai day.
const HOURS: [string, string][] = [
  ["", ""],
  [" 07:00", " 09:00"],
  [" 14:00", " 16:00"],
];
const SHANGHAI = "+08:00";
const LATE_AT = "2026-05-23T16:01:00.000Z";
const ON_TIME_AT_MIDNIGHT = "2026-05-23T15:59:00.000Z";
const PHONE_ACTIVITY = 14;

interface Row {
  i: number;
  unit: (typeof UNITS)[number];
  title: string;
  theme: string;
  form: string;
  day: string;
  start: string;
  end: string;
  fate: "onTime" | "late" | null;
}

const ROWS: Row[] = Array.from({ length: 40 }, (_, i) => {
  const day = `2026-05-${16 + (i % 5)}`;
  const [from, to] = HOURS[i % 3];
  return {
    i,
    unit: UNITS[i % 7],
    title: `科技周活动 ${i + 1}`,
    theme: THEMES[Math.floor(i / 3) % 4],
    form: FORMS[(i * 3 + (i >> 4)) % 4],
    day,
    start: `${day}${from}`,
    end: `${day}${to}`,
    fate: i % 4 === 3 ? null : i % 4 === 2 ? "late" : "onTime",
  };
});
/** Spreadsheet row 13 (header = 1): a start date in a wrong format. */
const BAD_AFTER = 11;

/** When a news report is filed: late ones after the midnight, on-time ones an hour after the activity ends. */
function filedAt(r: Row): string {
  if (r.fate === "late") return LATE_AT;
  if (r.i === 4) return ON_TIME_AT_MIDNIGHT;
  const end = r.end.length === 10 ? `${r.end}T23:59` : r.end.replace(" ", "T");
  return new Date(Date.parse(`${end}:00${SHANGHAI}`) + 3_600_000).toISOString();
}

function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of items) out[key(t)] = (out[key(t)] ?? 0) + 1;
  return out;
}

async function activitiesXlsx(): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("活动");
  sheet.addRow(["单位", "城市", "活动名称", "主题", "形式", "开始", "结束", "地点或链接"]);
  for (const r of ROWS) {
    if (r.i === BAD_AFTER)
      sheet.addRow([
        "保定市科技局",
        "保定",
        "日期有误的活动",
        "科普行动",
        "现场活动",
        "2026/05/20",
        "2026-05-20",
        "科技馆",
      ]);
    sheet.addRow([r.unit.name, r.unit.city, r.title, r.theme, r.form, r.start, r.end, "科技馆"]);
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** A table's rows on the page as {data-key or first cell: the other cells' numbers}. */
const tableOf = (page: Page, testId: string) =>
  page
    .getByTestId(testId)
    .locator("tbody tr")
    .evaluateAll((rows) =>
      Object.fromEntries(
        rows.map((tr) => [
          tr.getAttribute("data-key"),
          [...tr.querySelectorAll("td")].slice(1).map((td) => Number(td.textContent)),
        ]),
      ),
    );

describe("browser: the week's reporting duty, city by city, to the commendation list", function () {
  this.timeout(120_000);

  const clock = new TestClock(new Date("2026-05-15T02:00:00.000Z"));
  let app: TestApp;
  let chromium: Browser;
  let admin: string;
  let weekId: string;
  const reporters = new Map<string, Actor>();
  const ids = new Map<number, string>();
  let coordinator: Actor;

  const newPage = async (options: Parameters<Browser["newContext"]>[0] = {}) =>
    (await chromium.newContext({ locale: "zh-CN", viewport: { width: 1280, height: 800 }, ...options })).newPage();

  before(async () => {
    app = await startTestApp({ clock });
    admin = await tokenFor(app, ADMIN.email, ADMIN.password);
    chromium = await launchChromium();
  });
  after(async () => {
    await chromium?.close();
    await app?.close();
  });

  it("the organizer opens the week and imports 40 activities over 3 cities; the bad row is reported", async () => {
    for (const u of UNITS.filter((u) => u.kind))
      check(await as(app, admin).post("/api/v1/units", { name: u.name, city: u.city, kind: u.kind }), "unit");
    const page = await newPage();
    await logInThroughForm(page, app.url, ADMIN, "/reports/weeks");
    await page.goto(`${app.url}/reports/weeks`);
    const form = page.getByTestId("week-form");
    await form.locator('input[name="title"]').fill("2026 科技活动周");
    await form.locator('input[name="summaryDueAt"]').fill("2026-05-25T18:00");
    await Promise.all([page.waitForURL(`${app.url}/reports/weeks`), form.locator('button[type="submit"]').click()]);
    await page.getByTestId("current-week").waitFor();
    const weeks = check(await as(app, admin).get("/api/v1/report-weeks"), "weeks").body.weeks;
    expect(weeks[0]).to.include({ title: "2026 科技活动周", summaryDueAt: "2026-05-25T10:00:00.000Z" });
    weekId = weeks[0].id as string;

    await page.goto(`${app.url}/reports/activities`);
    await page.locator('[data-testid="import-form"] input[name="file"]').setInputFiles({
      name: "科技周活动.xlsx",
      mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      buffer: await activitiesXlsx(),
    });
    await page.locator("[data-upload-submit]").click();
    const summary = page.getByTestId("import-summary");
    await summary.waitFor();
    expect(await summary.getAttribute("data-imported")).to.equal("40");
    expect(await summary.getAttribute("data-errors")).to.equal("1");
    const bad = page.locator('[data-testid="import-errors"] tbody tr');
    expect(await bad.count()).to.equal(1);
    expect(await bad.getAttribute("data-row")).to.equal(String(BAD_AFTER + 2));
    expect(await bad.locator("td").nth(1).textContent())
      .to.contain("2026/05/20")
      .and.contain("格式不对");
    expect(await page.getByTestId("activities-count").textContent()).to.contain("40");
    await page.context().close();

    const list = check(await as(app, admin).get("/api/v1/activities"), "activities").body.activities as {
      id: string;
      title: string;
      unitId: string;
      unit: string;
    }[];
    expect(list).to.have.length(40);
    for (const r of ROWS) ids.set(r.i, list.find((a) => a.title === r.title)!.id);
    const units = check(await as(app, admin).get("/api/v1/units"), "units").body.units as {
      id: string;
      name: string;
      kind: string;
    }[];
    expect(Object.fromEntries(units.map((u) => [u.name, u.kind]))).to.deep.equal(
      Object.fromEntries(UNITS.map((u) => [u.name, u.kind ?? "其他"])),
    );
    for (const u of units) reporters.set(u.name, await createActor(app, "reporter", { unitId: u.id }));
  });

  it("reporters file on time, late across midnight Shanghai (one on his phone) and not at all", async () => {
    const media = await testMedia();
    const filings = ROWS.filter((r) => r.fate && r.i !== PHONE_ACTIVITY).sort((a, b) =>
      filedAt(a).localeCompare(filedAt(b)),
    );
    for (const r of filings) {
      clock.set(filedAt(r));
      const res = await request(app.server)
        .post(`/api/v1/activities/${ids.get(r.i)}/news`)
        .set("Authorization", `Bearer ${reporters.get(r.unit.name)!.token}`)
        .field("text", `${r.unit.name}举办${r.title}，市民踊跃参加。`);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.news.late, r.title).to.equal(r.fate === "late");
    }
    const midnight = (await as(app, admin).get(`/api/v1/activities/${ids.get(4)}/news`)).body.news;
    expect(midnight).to.include({ dueAt: "2026-05-23T15:59:59.999Z", filedAt: ON_TIME_AT_MIDNIGHT, late: false });

    // The summary of 保定市科技局, on time; 保定's other two units owe theirs.
    const summary = await request(app.server)
      .post(`/api/v1/units/${reporters.get("保定市科技局")!.user.unitId}/summary`)
      .set("Authorization", `Bearer ${reporters.get("保定市科技局")!.token}`)
      .attach("document", media.formPdf, "总结.pdf")
      .attach("video", media.valid1080, "总结视频.mp4");
    expect(summary.status, JSON.stringify(summary.body)).to.equal(201);

    // Two minutes past the midnight pair's due time: the phone's report is accepted and marked late.
    const phone = await newPage({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
    const reporter = reporters.get("保定市科技局")!;
    await logInThroughForm(phone, app.url, reporter, "/reports/mine");
    await phone.goto(`${app.url}/reports/mine`);
    const item = phone.locator(`[data-activity="${ids.get(PHONE_ACTIVITY)}"]`);
    expect(await item.getByTestId("news-status").textContent()).to.equal("逾期未报");
    expect(await item.getByTestId("news-due").textContent()).to.contain("23:59");
    await item.locator("a.button").click();
    await phone.getByTestId("news-form").waitFor();
    await phone.locator('textarea[name="text"]').fill("保定市科技局走进社区，开展科普讲座和实验展示，发放科普读物。");
    await phone.locator("input[data-images]").setInputFiles([media.coverJpeg, media.coverPng]);
    await phone.locator("[data-previews] img[src^='data:image/']").nth(1).waitFor();
    await Promise.all([phone.waitForURL(`${app.url}/reports/mine`), phone.locator("[data-upload-submit]").click()]);
    await item.getByTestId("news-status").filter({ hasText: "逾期报送" }).waitFor();
    await expectNoSidewaysScroll(phone);
    await screenshot(phone, "reports-reporter-phone");
    const filed = (await as(app, admin).get(`/api/v1/activities/${ids.get(PHONE_ACTIVITY)}/news`)).body.news;
    expect(filed).to.include({ dueAt: "2026-05-23T15:59:59.999Z", filedAt: LATE_AT, late: true });
    expect(filed.images).to.have.length(2);
    await phone.context().close();
  });

  it("保定's coordinator sees exactly who owes what, submits the package; it locks the reports", async () => {
    coordinator = await createActor(app, "coordinator", { city: "保定" });
    const page = await newPage();
    await logInThroughForm(page, app.url, coordinator, "/reports/cities/保定/status");
    await page.goto(`${app.url}/reports/cities/${encodeURIComponent("保定")}/status`);
    const units = check(await as(app, admin).get("/api/v1/units?city=保定"), "units").body.units as {
      id: string;
      name: string;
    }[];
    const owed = await page.getByTestId("owing").evaluateAll((blocks) =>
      blocks.map((b) => ({
        unit: b.getAttribute("data-unit"),
        news: [...b.querySelectorAll('[data-testid="owed-news"]')].map((li) => li.getAttribute("data-activity")).sort(),
        summary: b.querySelector('[data-testid="owed-summary"]') !== null,
      })),
    );
    // The hand count: 保定's activities without a report, per unit; units other than 保定市科技局 owe their summary.
    const expected = units
      .map((u) => ({
        unit: u.id,
        news: ROWS.filter((r) => r.unit.name === u.name && !r.fate)
          .map((r) => ids.get(r.i)!)
          .sort(),
        summary: u.name !== "保定市科技局",
      }))
      .filter((o) => o.news.length > 0 || o.summary);
    const byUnit = (a: { unit: string | null }, b: { unit: string | null }) =>
      String(a.unit).localeCompare(String(b.unit));
    expect(owed.sort(byUnit)).to.deep.equal(expected.sort(byUnit));
    expect(expected.reduce((n, o) => n + o.news.length, 0)).to.equal(
      ROWS.filter((r) => r.unit.city === "保定" && !r.fate).length,
    );
    await screenshot(page, "reports-coordinator-city");

    await page.getByTestId("submit-package").click();
    await page.getByTestId("confirmation").waitFor();
    await Promise.all([page.waitForURL(/\/status$/), page.getByTestId("confirm").click()]);
    await page.getByTestId("package-submitted").waitFor();
    expect(await page.getByTestId("submit-package").count()).to.equal(0);
    await page.context().close();

    const reporter = reporters.get("保定市科技局")!;
    const before = await as(app, admin).get(`/api/v1/activities/${ids.get(0)}/news`);
    const edit = await as(app, reporter.token).put(`/api/v1/activities/${ids.get(0)}/news`, { text: "改写" });
    expect(edit.status).to.equal(409);
    expect(edit.body.error.code).to.equal("package_submitted");
    expect((await as(app, admin).get(`/api/v1/activities/${ids.get(0)}/news`)).body).to.deep.equal(before.body);
    for (const city of ["石家庄", "唐山"])
      check(await as(app, admin).post(`/api/v1/cities/${encodeURIComponent(city)}/package`, {}), `package ${city}`);
  });

  it("the dashboard's numbers equal the hand count, on the page and through the API", async () => {
    // Hand count from the generated rows: every activity ended by 05-20, so every missing one is past due.
    const byCity = Object.fromEntries(
      ["保定", "石家庄", "唐山"].map((city) => {
        const rows = ROWS.filter((r) => r.unit.city === city);
        const onTime = rows.filter((r) => r.fate === "onTime").length;
        const late = rows.filter((r) => r.fate === "late").length;
        const missing = rows.filter((r) => !r.fate).length;
        const rate = onTime / (onTime + late + missing);
        return [city, { activities: rows.length, onTime, late, missing, missingPastDue: missing, rate }];
      }),
    );
    const byTheme = countBy(ROWS, (r) => r.theme);
    const byForm = countBy(ROWS, (r) => r.form);
    const byDay = countBy(ROWS, (r) => r.day);
    const kinds = Object.fromEntries(
      [...new Set(UNITS.map((u) => u.kind ?? "其他"))].map((kind) => {
        const names = UNITS.filter((u) => (u.kind ?? "其他") === kind).map((u) => u.name);
        return [kind, [names.length, ROWS.filter((r) => names.includes(r.unit.name)).length]];
      }),
    );

    const page = await newPage();
    await logInThroughForm(page, app.url, ADMIN, "/reports/dashboard");
    await page.goto(`${app.url}/reports/dashboard`);
    await page.getByTestId("city-figures").waitFor();
    const counts = (table: Record<string, number[]>) =>
      Object.fromEntries(Object.entries(table).map(([k, v]) => [k, v[0]]));
    expect(counts(await tableOf(page, "table-byTheme"))).to.deep.equal(byTheme);
    expect(counts(await tableOf(page, "table-byForm"))).to.deep.equal(byForm);
    expect(counts(await tableOf(page, "table-byDay"))).to.deep.equal(byDay);
    expect(await tableOf(page, "table-kinds")).to.deep.equal(kinds);
    const cityRows = await page
      .locator('[data-testid="city-row"]')
      .evaluateAll((rows) =>
        Object.fromEntries(
          rows.map((tr) => [
            tr.getAttribute("data-city"),
            Object.fromEntries(
              [...tr.querySelectorAll("[data-col]")].map((td) => [td.getAttribute("data-col"), td.textContent!.trim()]),
            ),
          ]),
        ),
      );
    for (const [city, c] of Object.entries(byCity)) {
      expect(cityRows[city], city).to.include({
        activities: String(c.activities),
        onTime: String(c.onTime),
        late: String(c.late),
        missing: String(c.missing),
        missingPastDue: String(c.missingPastDue),
        rate: `${Math.round(c.rate * 1000) / 10}%`,
      });
      expect(cityRows[city].package, city).to.not.equal("");
    }
    await screenshot(page, "reports-dashboard");
    await page.context().close();

    const d = check(await as(app, admin).get("/api/v1/reports/dashboard"), "dashboard").body.dashboard;
    const keyed = (rows: { key: string; count: number }[]) => Object.fromEntries(rows.map((r) => [r.key, r.count]));
    expect(keyed(d.byTheme)).to.deep.equal(byTheme);
    expect(keyed(d.byForm)).to.deep.equal(byForm);
    expect(keyed(d.byDay)).to.deep.equal(byDay);
    expect(
      Object.fromEntries(
        d.kinds.map((k: { kind: string; units: number; activities: number }) => [k.kind, [k.units, k.activities]]),
      ),
    ).to.deep.equal(kinds);
    for (const c of d.cities as { city: string; rate: number }[]) {
      const { rate, ...figures } = byCity[c.city];
      expect(c, c.city).to.deep.include(figures);
      expect(c.rate, c.city).to.be.closeTo(rate, 1e-9);
    }
  });

  it("the evaluation made from the packages is judged and publishes its 优秀组织单位 list; the public city page shows the news", async () => {
    // The organizer's button on the weeks page: no city ticked, so every city's package must be in (it is).
    const organizerPage = await newPage();
    await logInThroughForm(organizerPage, app.url, ADMIN, "/reports/weeks");
    await organizerPage.goto(`${app.url}/reports/weeks`);
    const row = organizerPage.locator(`[data-testid="week-row"][data-week="${weekId}"]`);
    expect(await row.getByTestId("evaluation-city").count()).to.equal(3);
    await Promise.all([
      organizerPage.waitForURL(`${app.url}/reports/weeks`),
      row.getByTestId("create-evaluation").click(),
    ]);
    const href = await row.getByTestId("evaluation-link").getAttribute("href");
    await organizerPage.context().close();
    const contestId = /^\/contests\/([^/]+)$/.exec(href!)![1];
    const contest = check(await as(app, admin).get(`/api/v1/contests/${contestId}`), "contest").body.contest;
    expect(contest).to.include({ kind: "report", stage: "closed" });
    const judges = [
      await createActor(app, "judge", { unit: "评审单位 甲" }),
      await createActor(app, "judge", { unit: "评审单位 乙" }),
    ];
    check(
      await request(app.server)
        .patch(`/api/v1/contests/${contestId}`)
        .set("Authorization", `Bearer ${admin}`)
        .send({ judgesPerEntry: 2 }),
      "judges per entry",
    );
    const organizer = as(app, admin);
    check(
      await organizer.put(`/api/v1/contests/${contestId}/judges`, { judgeIds: judges.map((j) => j.user.id) }),
      "pool",
    );
    check(await organizer.post(`/api/v1/contests/${contestId}/assignments/auto`, { seed: 1 }), "assign");
    check(await organizer.post(`/api/v1/contests/${contestId}/stage`, { to: "judging" }), "judging");
    // Unit k of UNITS gets 38 − 3k, 28 − 2k, 25 − k: ranked in that order; 30 % of 7 units, half up → 2 commended.
    const rank = new Map(UNITS.map((u, k) => [u.name, k]));
    for (const judge of judges) {
      check(await as(app, judge.token).post(`/api/v1/contests/${contestId}/declaration`, { accept: true }), "decl");
      const queue = check(await as(app, judge.token).get("/api/v1/me/assignments"), "queue").body.assignments as {
        id: string;
        title: string;
      }[];
      expect(queue).to.have.length(UNITS.length);
      for (const a of queue) {
        const k = rank.get(a.title)!;
        const scores = { effect: 38 - 3 * k, publicity: 28 - 2 * k, summary: 25 - k };
        check(await as(app, judge.token).put(`/api/v1/assignments/${a.id}/score`, { scores, submit: true }), "score");
      }
    }
    for (const to of ["review", "notice"])
      check(await organizer.post(`/api/v1/contests/${contestId}/stage`, { to }), to);
    clock.advance(8 * 86_400_000);
    check(await organizer.post(`/api/v1/contests/${contestId}/stage`, { to: "final" }), "final");

    const page = await newPage();
    await page.goto(`${app.url}/contests/${contestId}/results`);
    const group = page.locator('[data-testid="winners"] .prize-group[data-prize="first"]');
    await group.waitFor();
    expect(await group.locator(".badge").textContent()).to.equal("优秀组织单位");
    expect(await group.locator("tbody tr strong").allTextContents()).to.deep.equal(["保定市科技局", "河北农业大学"]);
    expect(await page.locator('[data-testid="winners"] .prize-group').count()).to.equal(1);

    await page.goto(`${app.url}/reports/cities/${encodeURIComponent("保定")}`);
    const published = ROWS.filter((r) => r.unit.city === "保定" && r.fate);
    await page.getByTestId("public-news").waitFor();
    expect(await page.getByTestId("public-report").count()).to.equal(published.length);
    const phoneReport = page.getByTestId("public-report").filter({ hasText: ROWS[PHONE_ACTIVITY].title });
    const images = phoneReport.locator(".report-images img");
    expect(await images.count()).to.equal(2);
    // Served by id through the public file route, stripped images as they were filed.
    for (const src of await images.evaluateAll((imgs) => imgs.map((img) => img.getAttribute("src")!))) {
      const file = await page.request.get(`${app.url}${src}`);
      expect(file.status(), src).to.equal(200);
      expect(file.headers()["content-type"]).to.match(/^image\//);
    }
    const text = await page.locator("main").textContent();
    for (const r of reporters.values()) expect(text).to.not.contain(r.email).and.not.contain(r.user.name);
    await screenshot(page, "reports-public-city");
    await page.context().close();
  });
});
