import { expect } from "chai";
import type { Page } from "playwright-core";
import request from "supertest";
import { ADMIN, createActor, startTestApp, type Actor, type TestApp } from "../helpers/app.js";
import {
  expectNoSidewaysScroll,
  launchBrowser,
  screenshotBothWidths,
  logInThroughForm,
  screenshot,
  type TestBrowser,
} from "../helpers/browser.js";
import { judgedContest, type JudgedContest } from "../helpers/judged.js";

const rubric = { criteria: [{ key: "content", label: "内容", max: 100, step: 1 }] };
const one = (n: number) => ({ content: n });
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 800 };

/**
 * In headless Chromium, the organizer's steps through pages: a two-round contest whose first round
 * is scored; the top 3 advance with a tie at the cut (4 advance), previewed and confirmed; the first
 * round's finalists list is published and seen by the public; the final is scored and computed into
 * prizes; round 1's results and its list stay viewable.
 */
describe("browser: rounds — advancement with a tie at the cut, the finalists list, the final and its prizes", function () {
  this.timeout(60_000);

  let app: TestApp;
  let browser: TestBrowser;
  let page: Page;
  let c: JudgedContest;
  let panel: Actor[];

  const round = (number: number) => app.db("rounds").where({ contest_id: c.contestId, number }).first();
  const api = (token: string) => ({
    post: (path: string, body?: object) =>
      request(app.server).post(path).set("Authorization", `Bearer ${token}`).send(body),
    put: (path: string, body?: object) =>
      request(app.server).put(path).set("Authorization", `Bearer ${token}`).send(body),
    get: (path: string) => request(app.server).get(path).set("Authorization", `Bearer ${token}`),
  });

  before(async function () {
    this.timeout(120_000);
    app = await startTestApp();
    // Round 1 means 90, 80, 70, 70, 60: two entries share third place.
    c = await judgedContest(app, {
      contest: {
        title: "河北省科普讲解大赛（两轮）",
        rubric,
        aggregation: "mean",
        prizes: { mode: "count", first: 1, second: 1, third: 2 },
      },
      sheets: [90, 80, 70, 70, 60].map((n) => [one(n), one(n), one(n)]),
    });
    panel = [
      await createActor(app, "judge", { unit: "决赛评委单位一", city: "石家庄" }),
      await createActor(app, "judge", { unit: "决赛评委单位二", city: "石家庄" }),
    ];
    browser = await launchBrowser();
    page = browser.page;
  });

  after(async function () {
    await browser?.close();
    await app?.close();
  });

  it("the rounds page, reached from the contest page, lists round 1 with its rubric and judges", async () => {
    await logInThroughForm(page, app.url, ADMIN, `/contests/${c.contestId}`);
    await Promise.all([page.waitForURL(/\/rounds$/), page.getByTestId("rounds-link").first().click()]);
    const rows = page.getByTestId("round-row");
    expect(await rows.count()).to.equal(1);
    expect(await rows.first().innerText())
      .to.contain("初评")
      .and.contain("内容 100")
      .and.contain("5 件");
    await screenshotBothWidths(page, "rounds-list");
  });

  it("the preview shows the top 3 with the tie at the cut: 4 advance, and nothing is opened yet", async () => {
    await Promise.all([page.waitForURL(/\/rounds\/next/), page.getByTestId("open-next").click()]);
    await page.getByTestId("rule-value").fill("3");
    await page.getByTestId("round-criteria").fill("现场表现 60\n答辩 40");
    await Promise.all([page.waitForURL(/value=3/), page.getByTestId("preview").click()]);
    expect(await page.getByTestId("tie-at-cut").innerText()).to.equal("第3名有2件并列，共4件入围");
    const listed = await page.getByTestId("preview-table").locator("tbody tr").allInnerTexts();
    expect(listed).to.have.length(4);
    const codes = listed.map((row) => /SP-\d+-\d+/.exec(row)?.[0]).sort();
    expect(codes).to.deep.equal(c.entries.slice(0, 4).map((e) => e.code));
    expect(await round(2)).to.equal(undefined);
    await screenshotBothWidths(page, "rounds-preview");
  });

  it("opening asks first, then the final holds the 4 finalists with its own rubric", async () => {
    await page.getByTestId("open-round").click();
    const confirmation = page.getByTestId("confirmation");
    await confirmation.waitFor();
    expect(await confirmation.innerText()).to.contain("共 4 件进入决赛");
    expect(await round(2)).to.equal(undefined);
    await Promise.all([page.waitForURL(/\/rounds$/), page.getByTestId("confirm").click()]);
    expect(await page.locator(".flash-success").innerText()).to.contain("已开设决赛：4 件作品入围");
    const final = await round(2);
    expect(final.name).to.equal("决赛");
    expect(JSON.parse(final.rubric).criteria.map((k: { label: string }) => k.label)).to.deep.equal([
      "现场表现",
      "答辩",
    ]);
    const finalists = (await app.db("round_entries").where({ round_id: final.id }).pluck("entry_id")) as string[];
    expect(finalists.sort()).to.deep.equal(
      c.entries
        .slice(0, 4)
        .map((e) => e.id)
        .sort(),
    );
    expect((await round(1)).status).to.equal("closed");
  });

  it("the first round's finalists list is published after a confirmation and seen without logging in", async () => {
    await page.getByTestId("publish-finalists").click();
    await page.getByTestId("confirmation").waitFor();
    await Promise.all([page.waitForURL(/\/rounds$/), page.getByTestId("confirm").click()]);
    await page.getByTestId("finalists-published").waitFor();
    expect((await round(1)).finalists_published_at).to.be.a("string");

    // A visitor: the same browser signed out.
    await browser.context.clearCookies();
    const publicPage = await browser.context.newPage();
    await publicPage.goto(`${app.url}/contests/${c.contestId}`);
    await Promise.all([
      publicPage.waitForURL(/\/rounds\/1\/finalists$/),
      publicPage.getByTestId("finalists-public-link").click(),
    ]);
    expect(await publicPage.locator("h1").innerText()).to.contain("初评入围名单");
    expect(await publicPage.locator('header.site-header form[action="/logout"]').count()).to.equal(0);
    expect(await publicPage.getByTestId("finalists").locator("tbody tr").count()).to.equal(4);
    expect(await publicPage.getByTestId("finalists-intro").innerText()).to.contain("前 3 名晋级");
    await publicPage.setViewportSize(PHONE);
    await expectNoSidewaysScroll(publicPage);
    await screenshot(publicPage, "rounds-finalists-phone");
    await publicPage.setViewportSize(DESKTOP);
    await screenshot(publicPage, "rounds-finalists-desktop");
    await publicPage.close();
    await logInThroughForm(page, app.url, ADMIN, `/contests/${c.contestId}/rounds`);
  });

  it("the final is scored by the whole panel, computed in review, and gives prizes", async () => {
    const admin = c.admin;
    expect(
      (await api(admin).put(`/api/v1/contests/${c.contestId}/judges`, { judgeIds: panel.map((j) => j.user.id) }))
        .status,
    ).to.equal(200);
    expect((await api(admin).post(`/api/v1/contests/${c.contestId}/assignments/auto`, {})).body.assignments).to.equal(
      8,
    );
    // The final reorders: entry 4 (70 in round 1) wins it.
    const finalScores = [
      { c1: 40, c2: 20 },
      { c1: 50, c2: 30 },
      { c1: 45, c2: 30 },
      { c1: 55, c2: 38 },
    ];
    for (const judge of panel) {
      await api(judge.token).post(`/api/v1/contests/${c.contestId}/declaration`, { accept: true });
      const queue = (await api(judge.token).get("/api/v1/me/assignments")).body.assignments as {
        id: string;
        entryId: string;
      }[];
      for (const item of queue) {
        const scores = finalScores[c.entries.findIndex((e) => e.id === item.entryId)];
        const sent = await api(judge.token).put(`/api/v1/assignments/${item.id}/score`, { scores, submit: true });
        expect(sent.status, JSON.stringify(sent.body)).to.equal(200);
      }
    }
    await page.goto(`${app.url}/contests/${c.contestId}`);
    await Promise.all([page.waitForLoadState("load"), page.getByTestId("next-stage").click()]);
    if (await page.getByTestId("confirmation").count()) {
      await Promise.all([page.waitForLoadState("load"), page.getByTestId("confirm").click()]);
    }
    await page.getByText("结果审核").first().waitFor();
    expect((await app.db("contests").where({ id: c.contestId }).first()).stage).to.equal("review");
    await page.goto(`${app.url}/contests/${c.contestId}/review/results`);
    const rows = await page.getByTestId("results-table").locator("tbody tr").allInnerTexts();
    expect(rows).to.have.length(4);
    expect(rows[0]).to.contain(c.entries[3].code).and.contain("一等奖");
    expect(rows[1]).to.contain(c.entries[1].code).and.contain("二等奖");
    const stored = await app.db("computed_results").where({ contest_id: c.contestId });
    expect(stored).to.have.length(2);
  });

  it("in the final's review the organizer adds an extra award and chooses its winner with a reason", async () => {
    await page.goto(`${app.url}/contests/${c.contestId}/review/results`);
    const rule = page.getByTestId("award-rules-form").getByTestId("award-rule").first();
    await rule.getByTestId("award-label").fill("最佳表演奖");
    await rule.getByTestId("award-basis").selectOption({ label: "组织方评选" });
    await rule.getByTestId("award-count").fill("1");
    await Promise.all([page.waitForURL(/\/review\/results#awards$/), page.getByTestId("save-awards").click()]);
    const form = page.getByTestId("award-choice-form");
    await form.getByTestId("award-entry").first().selectOption({ value: c.entries[2].id });
    await form.getByTestId("award-reason").first().fill("台风自然，互动精彩");
    await Promise.all([page.waitForURL(/\/review\/results#awards$/), page.getByTestId("save-award-choice").click()]);
    const row = page.getByTestId("results-table").locator(`tbody tr[data-entry="${c.entries[2].id}"]`);
    expect(await row.getByTestId("row-awards").innerText()).to.contain("最佳表演奖（台风自然，互动精彩）");
    const chosen = await app.db("award_choices").where({ contest_id: c.contestId });
    expect(chosen.map((r: { entry_id: string; reason: string }) => [r.entry_id, r.reason])).to.deep.equal([
      [c.entries[2].id, "台风自然，互动精彩"],
    ]);
  });

  it("round 1's results and its published list stay viewable", async () => {
    await page.goto(`${app.url}/contests/${c.contestId}/rounds`);
    await Promise.all([
      page.waitForURL(/\/rounds\/1\/results$/),
      page.getByTestId("round-results-link").first().click(),
    ]);
    expect(await page.locator("h1").innerText()).to.equal("初评成绩");
    expect(await page.getByTestId("round-results").locator("tbody tr").count()).to.equal(5);
    expect(await page.getByTestId("advanced").count()).to.equal(4);
    await screenshotBothWidths(page, "rounds-round-results");
    const list = await request(app.server).get(`/contests/${c.contestId}/rounds/1/finalists`);
    expect(list.status).to.equal(200);
    for (const e of c.entries.slice(0, 4)) expect(list.text).to.contain(e.code);
  });
});
