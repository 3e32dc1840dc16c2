import { expect } from "chai";
import type { Page } from "playwright-core";
import request from "supertest";
import { ADMIN, contestBody, createActor, startTestApp, TestClock, tokenFor, type TestApp } from "../helpers/app.js";
import {
  expectNoSidewaysScroll,
  launchBrowser,
  logInThroughForm,
  screenshot,
  type TestBrowser,
} from "../helpers/browser.js";
import { submit, videoSubmission } from "../helpers/entries.js";
import { testMedia } from "../helpers/media.js";

/** 2026-12-10 18:00 in Shanghai. */
const CLOSES_AT = "2026-12-10T10:00:00.000Z";
/** The notice opens 2026-12-13 18:00 Shanghai time; its 7 days end 2026-12-20 18:00. */
const NOTICE_AT = "2026-12-13T10:00:00.000Z";

/**
 * In headless Chromium: every irreversible button of the organizer asks first, saying what will
 * happen, and cancelling changes nothing; closing early names the closing time it replaces; the final
 * list waits for the notice window, which can be extended but never shortened.
 */
describe("browser: confirmations for irreversible steps and the notice window", function () {
  this.timeout(60_000);

  const clock = new TestClock(new Date("2026-12-01T02:00:00Z"));
  let app: TestApp;
  let browser: TestBrowser;
  let page: Page;
  let contestId: string;
  let entry: { id: string; code: string };
  let admin: string;

  const contestRow = async () => app.db("contests").where({ id: contestId }).first();
  const contestUrl = () => `${app.url}/contests/${contestId}`;
  const moveByApi = async (to: string) => {
    const res = await request(app.server)
      .post(`/api/v1/contests/${contestId}/stage`)
      .set("Authorization", `Bearer ${admin}`)
      .send({ to });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
  };

  /** The confirmation page, on a desktop and on a 375-px phone, with its consequences' text. */
  const confirmationShown = async (name: string): Promise<string> => {
    const box = page.getByTestId("confirmation");
    await box.waitFor();
    await screenshot(page, `confirmations-${name}-desktop`);
    await page.setViewportSize({ width: 375, height: 812 });
    await expectNoSidewaysScroll(page);
    const confirm = (await page.getByTestId("confirm").boundingBox())!;
    expect(confirm.height).to.be.at.least(44);
    await screenshot(page, `confirmations-${name}-phone`);
    await page.setViewportSize({ width: 1280, height: 800 });
    return box.innerText();
  };
  const pressStageButton = () => Promise.all([page.waitForURL(/\/stage$/), page.getByTestId("next-stage").click()]);
  const cancel = (back: RegExp) => Promise.all([page.waitForURL(back), page.getByTestId("cancel").click()]);
  const confirm = (back: RegExp) => Promise.all([page.waitForURL(back), page.getByTestId("confirm").click()]);
  const onContestPage = new RegExp(`/contests/[^/]+$`);

  before(async function () {
    this.timeout(120_000);
    const media = await testMedia();
    app = await startTestApp({ clock });
    admin = await tokenFor(app, ADMIN.email, ADMIN.password);
    const created = await request(app.server)
      .post("/api/v1/contests")
      .set("Authorization", `Bearer ${admin}`)
      .send(contestBody({ title: "确认测试赛", opensAt: "2026-11-20T00:00:00Z", closesAt: CLOSES_AT }));
    contestId = created.body.contest.id;
    await moveByApi("open");
    const contestant = await createActor(app, "contestant", { city: "保定" });
    const submitted = await submit(app, contestId, contestant.token, videoSubmission(media));
    expect(submitted.status, JSON.stringify(submitted.body)).to.equal(201);
    entry = submitted.body.entry;
    browser = await launchBrowser();
    page = browser.page;
  });

  after(async function () {
    await browser?.close();
    await app?.close();
  });

  it("disqualifying asks first with the reason; cancelling keeps the entry; confirming disqualifies it", async () => {
    await logInThroughForm(page, app.url, ADMIN, `/contests/${contestId}/review`);
    const row = page.locator(`tr[data-code="${entry.code}"]`);
    await row.locator('input[name="reason"]').fill("推荐表未盖章");
    await Promise.all([page.waitForURL(/\/disqualify$/), page.getByTestId(`disqualify-${entry.code}`).click()]);
    const text = await confirmationShown("disqualify");
    expect(text).to.contain("不参加排名，理由将告知参赛者").and.contain("理由：推荐表未盖章");
    await cancel(/\/review$/);
    expect((await app.db("entries").where({ id: entry.id }).first()).status).to.equal("submitted");

    await row.locator('input[name="reason"]').fill("推荐表未盖章");
    await Promise.all([page.waitForURL(/\/disqualify$/), page.getByTestId(`disqualify-${entry.code}`).click()]);
    await confirm(/\/review$/);
    expect(await page.locator(".flash-success").innerText()).to.contain(entry.code);
    expect(await app.db("entries").where({ id: entry.id }).first()).to.include({
      status: "disqualified",
      status_reason: "推荐表未盖章",
    });
  });

  it("closing early shows the closing time it replaces; cancelling keeps it; confirming moves closesAt to now", async () => {
    await page.goto(contestUrl());
    await pressStageButton();
    const text = await confirmationShown("close-early");
    expect(text).to.contain("截止时间将从 2026年12月10日 18:00 改为现在，参赛者不能再提交或修改作品");
    await cancel(onContestPage);
    expect(await contestRow()).to.include({ stage: "open", closes_at: CLOSES_AT });

    await pressStageButton();
    await confirm(onContestPage);
    expect(await page.locator(".flash-success").innerText()).to.contain("已截止");
    expect(await contestRow()).to.include({ stage: "closed", closes_at: clock.now().toISOString() });
    expect(await page.locator("dl.facts").innerText()).to.contain("2026年12月01日 10:00");
  });

  it("发布公示 says the scores freeze and the window's end; cancelling publishes nothing; confirming opens the window", async () => {
    await moveByApi("judging");
    await moveByApi("review");
    clock.set(NOTICE_AT);
    await page.goto(contestUrl());
    await pressStageButton();
    const text = await confirmationShown("notice");
    expect(text)
      .to.contain("发布公示")
      .and.contain("公示后成绩冻结，公示期 7 天（至 2026年12月20日 18:00），期间可提异议");
    await cancel(onContestPage);
    expect((await contestRow()).stage).to.equal("review");
    expect(await app.db("result_snapshots").where({ contest_id: contestId })).to.have.length(0);

    await pressStageButton();
    await confirm(onContestPage);
    expect(await contestRow()).to.include({ stage: "notice", notice_ends_at: "2026-12-20T10:00:00.000Z" });
    expect(await app.db("result_snapshots").where({ contest_id: contestId, kind: "notice" })).to.have.length(1);
    expect(await page.getByTestId("notice-window").innerText()).to.equal(
      "公示期：2026年12月13日 18:00 至 2026年12月20日 18:00",
    );
  });

  it("finalizing before the window ends is refused with the end time, and nothing changes", async () => {
    clock.set("2026-12-15T02:00:00Z");
    await page.goto(contestUrl());
    expect(await page.getByTestId("final-after").innerText()).to.contain("2026年12月20日 18:00");
    await pressStageButton();
    expect(await page.locator("main").innerText()).to.contain(
      "公示期至 2026年12月20日 18:00 结束，结束后才能发布最终结果",
    );
    expect(await page.getByTestId("confirmation").count()).to.equal(0);
    await screenshot(page, "confirmations-final-refused-desktop");
    expect((await contestRow()).stage).to.equal("notice");
    expect(await app.db("result_snapshots").where({ contest_id: contestId, kind: "final" })).to.have.length(0);
  });

  it("shortening the window is refused; extending it asks first, works and is shown", async () => {
    await page.goto(contestUrl());
    await screenshot(page, "confirmations-contest-in-notice-desktop");
    const form = page.getByTestId("extend-notice-form");
    await form.locator('input[name="noticeEndsAt"]').fill("2026-12-19T18:00");
    await Promise.all([page.waitForURL(onContestPage), page.getByTestId("extend-notice").click()]);
    expect(await page.locator(".flash-error").innerText()).to.contain("公示期只能延长，不能缩短");
    expect((await contestRow()).notice_ends_at).to.equal("2026-12-20T10:00:00.000Z");

    await form.locator('input[name="noticeEndsAt"]').fill("2026-12-22T18:00");
    await Promise.all([page.waitForURL(/\/notice$/), page.getByTestId("extend-notice").click()]);
    const text = await confirmationShown("extend-notice");
    expect(text).to.contain("公示期将从 2026年12月20日 18:00 延长至 2026年12月22日 18:00");
    await confirm(onContestPage);
    expect(await page.locator(".flash-success").innerText()).to.contain("公示期已延长至 2026年12月22日 18:00");
    expect((await contestRow()).notice_ends_at).to.equal("2026-12-22T10:00:00.000Z");
    expect(await page.getByTestId("notice-window").innerText()).to.equal(
      "公示期：2026年12月13日 18:00 至 2026年12月22日 18:00",
    );
    await page.goto(`${contestUrl()}/results`);
    expect(await page.getByTestId("notice-range").innerText()).to.equal(
      "公示期：2026年12月13日 18:00 至 2026年12月22日 18:00",
    );
  });

  it("after the window, 发布最终结果 says it is for good; cancelling keeps the notice; confirming freezes the final list", async () => {
    clock.set("2026-12-22T11:00:00Z");
    await page.goto(contestUrl());
    await pressStageButton();
    const text = await confirmationShown("final");
    expect(text).to.contain("发布最终结果").and.contain("最终结果永久冻结，不能撤回");
    await cancel(onContestPage);
    expect((await contestRow()).stage).to.equal("notice");

    await pressStageButton();
    await confirm(onContestPage);
    expect((await contestRow()).stage).to.equal("final");
    expect(await app.db("result_snapshots").where({ contest_id: contestId, kind: "final" })).to.have.length(1);
  });
});
