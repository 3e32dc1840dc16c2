import { expect } from "chai";
import type { Page } from "playwright-core";
import { createActor, startTestApp, type Actor, type TestApp } from "../helpers/app.js";
import { launchBrowser, logInThroughForm, type TestBrowser } from "../helpers/browser.js";
import { openContest, submit, videoSubmission } from "../helpers/entries.js";
import { testMedia, type TestMedia } from "../helpers/media.js";

/**
 * Trust item 7 in the browser: a contestant whose first author is already at the contest's limit
 * sees the refusal as soon as he presses "submit", and no file is sent.
 */
describe("browser: a refusal decided by the text fields shows before any file is sent", function () {
  this.timeout(60_000);

  let app: TestApp;
  let media: TestMedia;
  let browser: TestBrowser;
  let page: Page;
  let contestId = "";
  let contestant: Actor;

  before(async function () {
    this.timeout(120_000);
    media = await testMedia();
    app = await startTestApp();
    ({ id: contestId } = await openContest(app, { rules: { maxEntriesPerAuthor: 1 } }));
    contestant = await createActor(app, "contestant", { name: "李明", city: "保定", unit: "保定市科技馆" });
    const first = await submit(
      app,
      contestId,
      contestant.token,
      videoSubmission(media, { fields: { authors: JSON.stringify([{ name: "李明" }]) } }),
    );
    expect(first.status).to.equal(201);
    browser = await launchBrowser();
    page = browser.page;
  });

  after(async function () {
    await browser?.close();
    await app?.close();
  });

  it("the error shows above the form, the button is usable again, and the upload was never sent", async function () {
    await logInThroughForm(page, app.url, contestant);
    await page.goto(`${app.url}/contests/${contestId}/submit`);
    const posts: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST") posts.push(new URL(r.url()).pathname);
    });
    const form = page.getByTestId("submit-form");
    await form.locator('input[name="title"]').fill("第二件作品");
    await form.locator('input[name="category"]').fill("科学防控");
    await form.locator('input[name="authorName"]').first().fill("李明");
    await form.locator('input[name="video"]').setInputFiles(media.valid1080);
    await form.locator('input[name="form"]').setInputFiles(media.formPdf);
    await form.locator('input[name="declaration"]').check();
    await form.locator("[data-upload-submit]").click();
    const error = page.locator("[data-upload-error]");
    await error.waitFor({ state: "visible" });
    expect(await error.innerText()).to.include("每位第一作者在本赛事最多提交 1 件作品");
    expect(await form.locator("[data-upload-submit]").isDisabled()).to.equal(false);
    expect(posts).to.deep.equal([`/contests/${contestId}/entries/check`]);
    const [{ n }] = await app.db("entries").where({ contest_id: contestId }).count({ n: "*" });
    expect(Number(n)).to.equal(1);
  });
});
