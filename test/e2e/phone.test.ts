import { expect } from "chai";
import type { Page } from "playwright-core";
import { ADMIN, startTestApp, TestClock, tokenFor, type TestApp } from "../helpers/app.js";
import {
  expectNoSidewaysScroll,
  launchBrowser,
  logInThroughForm,
  logOutThroughHeader,
  screenshot,
  type TestBrowser,
} from "../helpers/browser.js";
import { openContest, submit, videoSubmission } from "../helpers/entries.js";
import { judgedContest, type JudgedContest } from "../helpers/judged.js";
import { testMedia } from "../helpers/media.js";
import request from "supertest";

/**
 * On a 375×812 phone: every link, button, field and checkbox (with its label) the judge and the
 * contestant can tap is at least 44×44 px, the header folds into a menu on one row, and nothing
 * scrolls sideways. The public notice and final pages are photographed on a desktop and a phone.
 */

const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 800 };
const MIN = 44;

const rubric = {
  criteria: [
    { key: "science", label: "科学性", max: 50, step: 1 },
    { key: "art", label: "艺术性", max: 50, step: 1 },
  ],
};

/**
 * Every visible tap target under 44 px on the page, described: links, buttons, fields, selects,
 * summaries, and checkboxes and radios measured together with their label (the label is the target).
 */
const SMALL_TARGETS = `(() => {
  const min = ${MIN};
  const out = [];
  const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, label[for]';
  for (const el of document.querySelectorAll(selector)) {
    if (!el.checkVisibility({ visibilityProperty: true })) continue;
    let r = el.getBoundingClientRect();
    let left = r.left, top = r.top, right = r.right, bottom = r.bottom;
    if (el.matches('input[type="checkbox"], input[type="radio"]')) {
      const label = el.closest("label") || (el.id ? document.querySelector('label[for="' + el.id + '"]') : null);
      if (label) {
        const l = label.getBoundingClientRect();
        left = Math.min(left, l.left); top = Math.min(top, l.top);
        right = Math.max(right, l.right); bottom = Math.max(bottom, l.bottom);
      }
    }
    const w = right - left, h = bottom - top;
    if (w < min - 0.5 || h < min - 0.5) {
      const text = (el.innerText || el.value || el.getAttribute("aria-label") || el.name || "").trim().slice(0, 30);
      out.push(el.tagName.toLowerCase() + (el.type ? "[" + el.type + "]" : "") + ' "' + text + '" ' +
        Math.round(w) + "×" + Math.round(h));
    }
  }
  return out;
})()`;

async function expectBigTargets(page: Page): Promise<void> {
  const small = await page.evaluate<string[]>(SMALL_TARGETS);
  expect(
    small,
    `tap targets under ${MIN} px on ${new URL(page.url()).pathname}:\n  ${small.join("\n  ")}`,
  ).to.deep.equal([]);
  await expectNoSidewaysScroll(page);
}

describe("browser: a phone at 375 px (tap targets, header menu) and the public pages", function () {
  this.timeout(60_000);

  const clock = new TestClock();
  let app: TestApp;
  let browser: TestBrowser;
  let page: Page;
  let c: JudgedContest;
  let openId: string;
  let ownEntryId: string;

  before(async function () {
    this.timeout(180_000);
    const media = await testMedia();
    app = await startTestApp({ clock });
    // Two judges; judge 1 has left the second entry unscored, so his sheet is still a form to fill in.
    c = await judgedContest(app, {
      contest: { title: "河北省科普微视频大赛", rubric, prizes: { mode: "count", first: 1, second: 1, third: 0 } },
      sheets: [
        [
          { science: 45, art: 44 },
          { science: 44, art: 43 },
        ],
        [null, { science: 40, art: 38 }],
      ],
    });
    // An open contest where the same contestant has an entry he may still edit, and a form to submit another.
    openId = (await openContest(app, { title: "科普讲解大赛（手机）" })).id;
    const res = await submit(
      app,
      openId,
      c.contestant.token,
      videoSubmission(media, { fields: { title: "手机上的作品", unit: "保定一中" } }),
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    ownEntryId = String(res.body.entry.id);
    browser = await launchBrowser({ viewport: PHONE });
    page = browser.page;
  });

  after(async function () {
    await browser?.close();
    await app?.close();
  });

  it("the header is one row with a menu button; the menu opens without JavaScript and lists the links", async () => {
    // A second browser with JavaScript off: the menu is a checkbox and its label, nothing more.
    const noScript = await launchBrowser({ viewport: PHONE, javaScriptEnabled: false });
    const p = noScript.page;
    try {
      await p.goto(`${app.url}/contests`);
      const button = p.getByTestId("menu-button");
      await button.waitFor();
      const row = await p.locator(".header-row").boundingBox();
      expect(row!.height, "the collapsed header is one row").to.be.at.most(60);
      expect(await p.locator('header nav a[href="/contests"]').isVisible()).to.equal(false);
      await screenshot(p, "phone-header-menu-closed");
      await button.click();
      await p.locator('header nav a[href="/contests"]').waitFor();
      expect(await p.locator('header a[href="/login"]').isVisible()).to.equal(true);
      await expectBigTargets(p);
      await screenshot(p, "phone-header-menu-open");
    } finally {
      await noScript.close();
    }
  });

  it("the contestant's pages: my entries, the submit form, his entry, my results", async () => {
    await page.context().clearCookies();
    await logInThroughForm(page, app.url, c.contestant);
    for (const [path, name] of [
      ["/my/entries", "my-entries"],
      [`/contests/${openId}/submit`, "submit"],
      [`/entries/${ownEntryId}`, "entry"],
      ["/my/results", "my-results"],
    ]) {
      await page.goto(`${app.url}${path}`);
      await page.locator("main h1").first().waitFor();
      await expectBigTargets(page);
      await screenshot(page, `phone-contestant-${name}`);
    }
    // The header menu open on a signed-in page: every link in it is a big target too.
    await page.getByTestId("menu-button").click();
    await page.getByTestId("password-link").waitFor();
    await expectBigTargets(page);
    await screenshot(page, "phone-header-menu-open-contestant");
    await logOutThroughHeader(page, app.url);
  });

  it("the judge's pages: his queue and a score sheet, which he fills in and submits on the phone", async () => {
    const judge = c.judges[0];
    await page.context().clearCookies();
    await logInThroughForm(page, app.url, judge);
    await page.goto(`${app.url}/judge`);
    await page.locator("main h1").first().waitFor();
    await expectBigTargets(page);
    await screenshot(page, "phone-judge-queue");
    const open = await app.db("assignments").where({ judge_id: judge.user.id, entry_id: c.entries[1].id }).first();
    expect(open.status).to.not.equal("submitted");
    await page.goto(`${app.url}/judge/assignments/${open.id}`);
    await page.getByTestId("score-form").waitFor();
    await expectBigTargets(page);
    await screenshot(page, "phone-judge-sheet");
    await page.getByTestId("score-science").fill("41");
    await page.getByTestId("score-art").fill("39");
    await Promise.all([page.waitForURL(/\/judge\/assignments\/[^/]+$/), page.getByTestId("submit-score").click()]);
    await page.getByTestId("sheet-status").waitFor();
    expect(await page.getByTestId("sheet-status").innerText()).to.contain("已提交");
    const saved = await app.db("assignments").where({ id: open.id }).first();
    expect(saved.status).to.equal("submitted");
    await expectBigTargets(page);
    await logOutThroughHeader(page, app.url);
  });

  it("an entry's score history (the organizer's, read on a phone)", async () => {
    await page.context().clearCookies();
    await logInThroughForm(page, app.url, ADMIN);
    await page.goto(`${app.url}/entries/${c.entries[1].id}/history`);
    await page.getByTestId("history").waitFor();
    await expectBigTargets(page);
    await screenshot(page, "phone-score-history");
    await logOutThroughHeader(page, app.url);
  });

  it("the public notice and the final results, on a desktop and a phone", async () => {
    const admin = await tokenFor(app, ADMIN.email, ADMIN.password);
    const stage = async (to: string) => {
      const res = await request(app.server)
        .post(`/api/v1/contests/${c.contestId}/stage`)
        .set("Authorization", `Bearer ${admin}`)
        .send({ to });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
    };
    await stage("review");
    await stage("notice");
    const shoot = async (name: string, heading: string) => {
      for (const [size, viewport] of [
        ["desktop", DESKTOP],
        ["phone", PHONE],
      ] as const) {
        await page.setViewportSize(viewport);
        await page.goto(`${app.url}/contests/${c.contestId}/results`);
        expect(await page.locator("main h1").innerText()).to.equal(`河北省科普微视频大赛 · ${heading}`);
        expect(await page.getByTestId("verification").getAttribute("open")).to.equal(null);
        if (size === "phone") await expectBigTargets(page);
        await screenshot(page, `phone-public-${name}-${size}`);
      }
    };
    await shoot("notice", "成绩公示");
    expect(await page.getByTestId("notice-intro").innerText())
      .to.contain("公示期至")
      .and.contain("如何提出异议");
    // The verification opens on a tap, with the fingerprint inside.
    await page.locator("details.verify > summary").click();
    expect(await page.getByTestId("snapshots").locator("code.hash").innerText()).to.match(/^[0-9a-f]{64}$/);
    await screenshot(page, "phone-public-notice-verification-open-phone");
    clock.advance(8 * 86_400_000);
    await stage("final");
    expect((await app.db("contests").where({ id: c.contestId }).first()).stage).to.equal("final");
    await shoot("final", "最终结果");
    expect(await page.title())
      .to.contain("最终结果")
      .and.not.contain("成绩公示");
    await page.setViewportSize(PHONE);
  });
});
