import { expect } from "chai";
import request from "supertest";
import type { Page } from "playwright-core";
import { defaultRubric, type ContestKind } from "../../src/contests/rubric.js";
import { defaultRules } from "../../src/contests/rules.js";
import { ADMIN, createActor, startTestApp, tokenFor, type Actor, type TestApp } from "../helpers/app.js";
import {
  expectNoSidewaysScroll,
  launchBrowser,
  logInThroughForm,
  logOutThroughHeader,
  screenshot,
  type TestBrowser,
} from "../helpers/browser.js";
import { submit, videoSubmission } from "../helpers/entries.js";
import { testMedia, type TestMedia } from "../helpers/media.js";

/**
 * Issue 10 items 1 and 2 in Chromium: the organizer creates each kind of contest through the form and
 * gets its defaults; sets limits, quotas and time rules on the rules editor and sees them enforced.
 */
describe("browser: new contest by kind and the rules editor", function () {
  this.timeout(60_000);

  let app: TestApp;
  let media: TestMedia;
  let browser: TestBrowser;
  let page: Page;
  let admin: string;
  let contestant: Actor;
  let coordinator: Actor;
  const ids: Partial<Record<ContestKind, string>> = {};
  const json = (value: unknown) => (typeof value === "string" ? JSON.parse(value) : value);
  const contestRow = async (id: string) => {
    const row = await app.db("contests").where({ id }).first();
    return { ...row, rules: json(row.rules), rubric: json(row.rubric) };
  };

  before(async function () {
    this.timeout(180_000);
    media = await testMedia();
    app = await startTestApp();
    admin = await tokenFor(app, ADMIN.email, ADMIN.password);
    contestant = await createActor(app, "contestant", { city: "保定" });
    coordinator = await createActor(app, "coordinator", { city: "保定", name: "保定市科技局" });
    browser = await launchBrowser();
    page = browser.page;
  });

  after(async function () {
    await browser?.close();
    await app?.close();
  });

  it("the organizer creates each of the four kinds through the form; changing 赛事类型 refills the rubric", async () => {
    await logInThroughForm(page, app.url, ADMIN, "/contests/new");
    for (const kind of ["explainer", "video", "experiment", "report"] as const) {
      await page.goto(`${app.url}/contests/new`);
      const form = page.getByTestId("contest-form");
      await form.locator('select[name="kind"]').selectOption(kind);
      // The script refills the rows with the kind's first criterion and shows its default requirements.
      const first = defaultRubric(kind).criteria[0].label;
      await page.waitForFunction((label) => {
        const doc = (globalThis as unknown as { document: { querySelector(s: string): { value: string } | null } })
          .document;
        return doc.querySelector('input[name="criteria[0][label]"]')?.value === label;
      }, first);
      await page.getByTestId(`kind-defaults-${kind}`).waitFor({ state: "visible" });
      if (kind === "explainer") {
        await screenshot(page, "contests-new-desktop");
        await page.setViewportSize({ width: 375, height: 812 });
        await expectNoSidewaysScroll(page);
        await screenshot(page, "contests-new-phone");
        await page.setViewportSize({ width: 1280, height: 800 });
      }
      await form.locator('input[name="title"]').fill(`河北 ${kind} 赛`);
      await form.locator('input[name="opensAt"]').fill("2026-12-01T08:00");
      await form.locator('input[name="closesAt"]').fill("2027-01-30T18:00");
      await Promise.all([page.waitForURL(/\/contests\/[^/]+$/), form.locator('button[type="submit"]').click()]);
      const id = page.url().split("/").pop()!;
      ids[kind] = id;
      const labels = await page.getByTestId("rubric").locator("tbody tr td:first-child").allInnerTexts();
      expect(labels).to.deep.equal(defaultRubric(kind).criteria.map((c) => c.label));
      const row = await contestRow(id);
      expect(row.kind).to.equal(kind);
      expect(row.rubric.criteria).to.deep.equal(defaultRubric(kind).criteria);
      expect(row.rules).to.deep.equal(defaultRules(kind));
    }
  });

  it("with an edited rubric, changing 赛事类型 asks first and keeps the edits when declined", async () => {
    await page.goto(`${app.url}/contests/new`);
    const form = page.getByTestId("contest-form");
    await form.locator('input[name="criteria[0][max]"]').fill("35");
    page.once("dialog", (dialog) => void dialog.dismiss());
    await form.locator('select[name="kind"]').selectOption("report");
    await page.getByTestId("kind-defaults-report").waitFor({ state: "visible" });
    expect(await form.locator('input[name="criteria[0][label]"]').inputValue()).to.equal("科学性");
    expect(await form.locator('input[name="criteria[0][max]"]').inputValue()).to.equal("35");
  });

  it("the organizer sets the video limit, entry limits and quotas (保定 2) on the rules editor", async () => {
    const id = ids.video!;
    await page.goto(`${app.url}/contests/${id}`);
    await Promise.all([page.waitForURL(/\/rules$/), page.getByTestId("rules-link").click()]);
    const files = page.getByTestId("rules-files");
    await files.getByTestId("maxSeconds-m-video").fill("5");
    await files.getByTestId("maxSeconds-s-video").fill("0");
    await Promise.all([page.waitForURL(/\/rules$/), files.getByTestId("save-files").click()]);
    await page.locator(".flash-success").waitFor();

    const limits = page.getByTestId("rules-limits");
    await limits.getByTestId("maxEntriesPerAuthor").fill("");
    await Promise.all([page.waitForURL(/\/rules$/), limits.getByTestId("save-limits").click()]);
    await page.locator(".flash-success").waitFor();

    const quotas = page.getByTestId("rules-recommendation");
    await quotas.getByTestId("requiresRecommendation").check();
    await quotas.getByTestId("quota-保定").fill("2");
    await Promise.all([page.waitForURL(/\/rules$/), quotas.getByTestId("save-recommendation").click()]);
    await page.locator(".flash-success").waitFor();
    expect(await page.getByTestId("quota-保定").inputValue()).to.equal("2");

    const row = await contestRow(id);
    expect(row.rules.files.video.maxSeconds).to.equal(300);
    expect(row.rules.maxEntriesPerAuthor).to.equal(null);
    expect(row.rules.requiresRecommendation).to.equal(true);
    expect(row.rules.recommendationQuotas).to.deep.equal({ 保定: 2 });
    const audit = await app.db("audit_log").where({ action: "contest.update", target_id: id });
    expect(audit).to.have.length(2); // the unchanged 5:00 limit wrote nothing

    await screenshot(page, "contests-rules-desktop");
    await page.setViewportSize({ width: 375, height: 812 });
    await expectNoSidewaysScroll(page);
    await screenshot(page, "contests-rules-phone");
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it("a bad value gets the field's message beside it and nothing is saved", async () => {
    const id = ids.video!;
    const before = await contestRow(id);
    const judging = page.getByTestId("rules-judging");
    await judging.getByTestId("votePercent").fill("45");
    await judging.getByTestId("noticeDays").fill("9");
    await Promise.all([page.waitForURL(/\/rules$/), judging.getByTestId("save-judging").click()]);
    expect(await page.getByTestId("rules-judging").locator(".field-error").innerText()).to.contain("0 到 30");
    expect(await page.getByTestId("votePercent").inputValue()).to.equal("45");
    expect((await contestRow(id)).rules).to.deep.equal(before.rules);
  });

  it("the explainer's talk time is set on the page", async () => {
    const id = ids.explainer!;
    await page.goto(`${app.url}/contests/${id}/rules`);
    const time = page.getByTestId("rules-time");
    await time.getByTestId("time-targetSeconds-m").fill("5");
    await time.getByTestId("time-cutoffSeconds-m").fill("5");
    await time.getByTestId("time-cutoffSeconds-s").fill("30");
    await time.getByTestId("time-graceSeconds").fill("20");
    await Promise.all([page.waitForURL(/\/rules$/), time.getByTestId("save-time").click()]);
    await page.locator(".flash-success").waitFor();
    expect((await contestRow(id)).rules.timeRules).to.deep.equal({
      minSeconds: 180,
      underPenalty: 2,
      targetSeconds: 300,
      graceSeconds: 20,
      overPenalty: 2,
      cutoffSeconds: 330,
    });
  });

  it("the rules are enforced: a 6-minute video is refused, and 保定's third recommendation is refused", async function () {
    this.timeout(120_000);
    const id = ids.video!;
    const opened = await request(app.server)
      .post(`/api/v1/contests/${id}/stage`)
      .set("Authorization", `Bearer ${admin}`)
      .send({ to: "open" });
    expect(opened.status).to.equal(200);
    const long = await submit(
      app,
      id,
      contestant.token,
      videoSubmission(media, { files: { video: media.sixMinutes } }),
    );
    expect(long.status, JSON.stringify(long.body)).to.equal(400);
    expect(long.body.error.code).to.equal("file_duration");
    expect(long.body.error.message).to.contain("超过上限 5分钟");
    expect(await app.db("entries").where({ contest_id: id })).to.have.length(0);

    const codes: string[] = [];
    for (const title of ["保定作品一", "保定作品二", "保定作品三"]) {
      const res = await submit(app, id, contestant.token, videoSubmission(media, { fields: { title } }));
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      codes.push(res.body.entry.code as string);
    }

    await logOutThroughHeader(page, app.url);
    await logInThroughForm(page, app.url, coordinator, `/contests/${id}/entries`);
    for (const code of codes.slice(0, 2)) {
      await Promise.all([page.waitForURL(/\/entries/), page.getByTestId(`recommend-${code}`).click()]);
      await page.getByTestId(`unrecommend-${code}`).waitFor();
    }
    await Promise.all([page.waitForURL(/\/entries/), page.getByTestId(`recommend-${codes[2]}`).click()]);
    expect(await page.locator(".flash-error").innerText()).to.match(/名额|2/);
    await page.getByTestId(`recommend-${codes[2]}`).waitFor();
    const recommended = await app.db("entries").where({ contest_id: id }).whereNotNull("recommended_at");
    expect(recommended).to.have.length(2);
  });
});
