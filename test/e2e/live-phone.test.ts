import { expect } from "chai";
import { startTestApp, type TestApp } from "../helpers/app.js";
import {
  expectNoSidewaysScroll,
  launchBrowser,
  logInThroughForm,
  screenshot,
  type TestBrowser,
} from "../helpers/browser.js";
import { as, liveContest, type LiveContest } from "../helpers/live.js";

/**
 * A panel judge's phone (375 px) through a live final: steppers and the total, a draft saved as he
 * types, kept on the device while the connection is down and after a reload, sent when it is back;
 * 提交 with a confirmation locks the sheet; the next finalist appears by itself when the organizer moves on.
 */
describe("live final: the judge's phone", () => {
  let app: TestApp;
  let browser: TestBrowser;
  let contest: LiveContest;
  const draftRoute = "**/live/judge";

  before(async () => {
    app = await startTestApp();
    contest = await liveContest(app, { finalists: 2, judges: 1 });
    const segments = [
      {
        key: "talk",
        label: "讲解",
        weight: 1,
        rubric: {
          criteria: [
            { key: "content", label: "内容", max: 60, step: 1 },
            { key: "delivery", label: "表达", max: 40, step: 0.5 },
          ],
        },
      },
    ];
    const started = await as(app, contest.admin).post(`/api/v1/contests/${contest.contestId}/live`, {
      segments,
      seed: 1,
    });
    expect(started.status, JSON.stringify(started.body)).to.equal(201);
    browser = await launchBrowser({ viewport: { width: 375, height: 812 }, hasTouch: true, isMobile: true });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  /** The judge's sheet of the finalist on stage (none given: his first). */
  const sheetScores = async (entryId?: string) =>
    JSON.parse(
      (
        await app
          .db("live_sheets")
          .where({ judge_id: contest.judges[0].user.id, ...(entryId ? { entry_id: entryId } : {}) })
          .first()
      )?.scores ?? "{}",
    ) as Record<string, number>;

  it("scores, survives a lost connection and a reload, submits, and follows the organizer", async () => {
    const { page } = browser;
    const url = `${app.url}/contests/${contest.contestId}/live/judge`;
    await logInThroughForm(page, app.url, contest.judges[0], `/contests/${contest.contestId}/live/judge`);
    const live = (await as(app, null).get(`/api/v1/contests/${contest.contestId}/live`)).body.live;
    const first = contest.entries.find((e) => e.id === live.current.entryId)!;
    const second = contest.entries.find((e) => e.id !== first.id)!;
    await page.getByTestId("live-title").filter({ hasText: first.title }).waitFor();
    expect(await page.content()).not.to.include(first.performer);

    // Steppers honour the step; the total follows; the draft reaches the server.
    const content = page.getByTestId("live-score-content");
    const delivery = page.getByTestId("live-score-delivery");
    await content.fill("50");
    await page.locator('[data-field]:has([data-testid="live-score-delivery"]) button[data-step="1"]').click();
    await page.locator('[data-field]:has([data-testid="live-score-delivery"]) button[data-step="1"]').click();
    expect(await delivery.inputValue()).to.equal("1");
    await page.getByTestId("live-total").filter({ hasText: "51" }).waitFor();
    await page.locator("[data-save-state]").filter({ hasText: "草稿已保存" }).waitFor();
    expect(await sheetScores()).to.deep.equal({ content: 50, delivery: 1 });

    // The connection drops: the draft stays on the phone, a hint says so, and a reload keeps it.
    await page.route(draftRoute, (route) =>
      route.request().method() === "POST" ? route.abort("internetdisconnected") : route.continue(),
    );
    await delivery.fill("30.5");
    await page.getByTestId("live-offline").waitFor({ state: "visible" });
    await page.reload();
    expect(await delivery.inputValue()).to.equal("30.5");
    expect(await sheetScores()).to.deep.equal({ content: 50, delivery: 1 });

    // Back: the kept draft goes to the server.
    await page.unroute(draftRoute);
    await page.evaluate(`window.dispatchEvent(new Event("online"))`);
    await page.locator("[data-save-state]").filter({ hasText: "草稿已保存" }).waitFor();
    expect(await sheetScores()).to.deep.equal({ content: 50, delivery: 30.5 });
    await expectNoSidewaysScroll(page);
    await screenshot(page, "live-judge-phone");

    // 提交, confirmed in the page: locked.
    await page.getByTestId("live-submit").click();
    await page.getByTestId("live-confirm-yes").click();
    await page.getByTestId("live-locked").waitFor();
    await page.getByTestId("live-waiting").waitFor();
    expect(await page.getByTestId("live-score-content").isDisabled()).to.equal(true);

    // The organizer moves on: the next finalist appears by itself.
    const next = await as(app, contest.admin).post(`/api/v1/contests/${contest.contestId}/live/advance`, {
      to: "next",
    });
    expect(next.status).to.equal(200);
    await page.getByTestId("live-title").filter({ hasText: second.title }).waitFor();
    expect(await page.getByTestId("live-score-content").inputValue()).to.equal("");
    expect(page.url()).to.equal(url);
  });

  it("keeps what the judge typed while a new state's page was on its way", async () => {
    const { page } = browser;
    const content = page.getByTestId("live-score-content");
    // The state changes (the timekeeper starts the clock) and the phone fetches its page part again;
    // that answer is held back until the judge has typed and his draft is saved.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let fetched!: () => void;
    const fetching = new Promise<void>((resolve) => (fetched = resolve));
    await page.route(draftRoute, async (route) => {
      if (route.request().method() !== "GET") return route.continue();
      // The server answers now (without his draft); the phone gets that answer only later.
      const response = await route.fetch();
      fetched();
      await held;
      await route.fulfill({ response });
    });
    const timer = await as(app, contest.admin).post(`/api/v1/contests/${contest.contestId}/live/timer`, {
      action: "start",
    });
    expect(timer.status, JSON.stringify(timer.body)).to.equal(200);
    await fetching;
    // He types (and stays in the field); his draft is saved meanwhile.
    const saved = page.waitForResponse((r) => r.url().endsWith("/live/judge") && r.request().method() === "POST");
    await content.fill("42");
    expect((await saved).status()).to.equal(200);
    const onStage = (await as(app, null).get(`/api/v1/contests/${contest.contestId}/live`)).body.live.current.entryId;
    expect((await sheetScores(onStage)).content).to.equal(42);
    // Every part painted from now on is recorded with the value it shows (after drafts are put back).
    await page.evaluate(`
      window.painted = [];
      new MutationObserver(() => {
        const input = document.querySelector('[data-testid="live-score-content"]');
        window.painted.push(input ? input.value : null);
      }).observe(document.querySelector("[data-live-part]"), { childList: true });
    `);
    const delivered = page.waitForResponse((r) => r.url().endsWith("/live/judge") && r.request().method() === "GET");
    release();
    await delivered;
    await page.unroute(draftRoute);
    // He leaves the field: the new state is painted now, with his value; the older part never was.
    await content.blur();
    await page.waitForFunction(() => (globalThis as unknown as { painted: unknown[] }).painted.length > 0);
    const painted = await page.evaluate<string[]>("window.painted");
    expect(
      painted.filter((value) => value !== "42"),
      painted.join(","),
    ).to.deep.equal([]);
    await page.getByTestId("live-total").filter({ hasText: "42" }).waitFor();
  });
});
