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

  const sheetScores = async () =>
    JSON.parse(
      (await app.db("live_sheets").where({ judge_id: contest.judges[0].user.id }).first())?.scores ?? "{}",
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
});
