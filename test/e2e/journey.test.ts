import { expect } from "chai";
import type { Locator, Page } from "playwright-core";
import request from "supertest";
import { ADMIN, contestBody, startTestApp, tokenFor, type TestApp } from "../helpers/app.js";
import { launchBrowser, openHeaderMenu, screenshot, type TestBrowser } from "../helpers/browser.js";

/**
 * The foundation journey in headless Chromium: a contest opened through the API is seen on the
 * Chinese home page; a contestant registers through the form, logs out, logs in again, sees the
 * contest, switches to English and back, on a desktop and on a phone; a form POST without its
 * CSRF token is refused.
 */
describe("browser journey: home, register, log out, log in, contests, language, phone", function () {
  this.timeout(30_000);

  let app: TestApp;
  let browser: TestBrowser;
  let page: Page;
  const contestTitle = `2026 科普微视频大赛 E2E ${Date.now()}`;
  let contestId = "";
  const contestant = {
    name: "李小明",
    email: `e2e-${Date.now()}@example.org`,
    password: "Journey-pass-2026",
    unit: "石家庄市第一中学",
  };

  const header = () => page.locator("header.site-header");
  const logoutButton = () => header().locator('form[action="/logout"] button');

  async function expectLoggedIn(logoutText: string): Promise<void> {
    await logoutButton().waitFor({ state: "visible" });
    expect((await logoutButton().innerText()).trim()).to.equal(logoutText);
    expect(await header().locator(".who").innerText()).to.contain(contestant.name);
    expect(await header().locator('a[href="/login"]').count()).to.equal(0);
  }

  async function textsOf(locator: Locator): Promise<string[]> {
    return (await locator.allInnerTexts()).map((s) => s.trim());
  }

  before(async function () {
    app = await startTestApp();
    const token = await tokenFor(app, ADMIN.email, ADMIN.password);
    const created = await request(app.server)
      .post("/api/v1/contests")
      .set("Authorization", `Bearer ${token}`)
      .send(contestBody({ title: contestTitle }));
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    contestId = String(created.body.contest.id);
    expect(created.body.contest.stage).to.equal("draft");
    const opened = await request(app.server)
      .post(`/api/v1/contests/${contestId}/stage`)
      .set("Authorization", `Bearer ${token}`)
      .send({ to: "open" });
    expect(opened.status, JSON.stringify(opened.body)).to.equal(200);
    expect(opened.body.contest.stage).to.equal("open");
    browser = await launchBrowser();
    page = browser.page;
  });

  after(async function () {
    await browser?.close();
    await app?.close();
  });

  it("home page is in Chinese and lists the open contest", async function () {
    const res = await page.goto(`${app.url}/`);
    expect(res?.status()).to.equal(200);
    expect(await page.locator("html").getAttribute("lang")).to.equal("zh-CN");
    const open = page.getByTestId("open-contests");
    expect(await open.innerText()).to.contain(contestTitle);
    expect(await page.locator("h1").first().innerText()).to.equal("科技活动周作品征集与评审");
    expect(await textsOf(header().locator("nav a"))).to.include("赛事");
    expect(await header().locator('a[href="/login"]').innerText()).to.equal("登录");
    await screenshot(page, "01-home-zh");
  });

  it("registers a contestant through the form and lands logged in", async function () {
    await header().locator('a[href="/register"]').click();
    await page.waitForURL(/\/register$/);
    expect(await page.locator("h1").innerText()).to.equal("注册参赛账号");
    const form = page.locator('form[action="/register"]');
    expect(await form.locator('input[name="_csrf"]').inputValue()).to.have.length.greaterThan(10);
    await form.locator('input[name="name"]').fill(contestant.name);
    await form.locator('input[name="email"]').fill(contestant.email);
    await form.locator('input[name="password"]').fill(contestant.password);
    const cities = (
      await form
        .locator('select[name="city"] option')
        .evaluateAll((els) => els.map((e) => e.getAttribute("value") ?? ""))
    ).filter(Boolean);
    expect(cities).to.include("石家庄");
    await form.locator('select[name="city"]').selectOption("石家庄");
    await form.locator('input[name="unit"]').fill(contestant.unit);
    await screenshot(page, "02-register-filled");
    await Promise.all([page.waitForURL(/\/contests$/), form.locator('button[type="submit"]').click()]);
    await expectLoggedIn("退出");
    expect(await page.locator(".flash, [role=status], [role=alert]").first().innerText()).to.contain(contestant.name);
    expect(await page.getByTestId("contests").innerText()).to.contain(contestTitle);
    await screenshot(page, "03-registered-contests");
  });

  it("logs out through the header button", async function () {
    await Promise.all([page.waitForURL(`${app.url}/`), logoutButton().click()]);
    expect(await logoutButton().count()).to.equal(0);
    expect(await header().locator('a[href="/login"]').innerText()).to.equal("登录");
    await screenshot(page, "04-logged-out");
  });

  it("logs in again through /login and sees the contest in the list", async function () {
    await header().locator('a[href="/login"]').click();
    await page.waitForURL(/\/login/);
    const form = page.locator('form[action="/login"]');
    await form.locator('input[name="email"]').fill(contestant.email);
    await form.locator('input[name="password"]').fill(contestant.password);
    await screenshot(page, "05-login-filled");
    await Promise.all([
      page.waitForURL((url) => !url.pathname.startsWith("/login")),
      form.locator('button[type="submit"]').click(),
    ]);
    await expectLoggedIn("退出");
    await page.goto(`${app.url}/contests`);
    const list = page.getByTestId("contests");
    expect(await list.innerText()).to.contain(contestTitle);
    expect(await page.locator("h1").first().innerText()).to.equal("赛事");
    await screenshot(page, "06-contests-zh");
    await Promise.all([
      page.waitForURL(new RegExp(`/contests/${contestId}$`)),
      list.getByRole("link", { name: contestTitle }).click(),
    ]);
    expect(await page.locator("main").innerText()).to.contain(contestTitle);
    await screenshot(page, "07-contest-zh");
    await page.goto(`${app.url}/contests`);
  });

  it("switches to English and back to Chinese, kept across pages", async function () {
    const langSwitch = page.getByTestId("lang-switch");
    expect((await langSwitch.innerText()).trim()).to.equal("English");
    await Promise.all([page.waitForURL(/lang=en/), langSwitch.click()]);
    expect(await page.locator("html").getAttribute("lang")).to.equal("en");
    expect(await textsOf(header().locator("nav a"))).to.include("Contests");
    expect(await page.locator("h1").first().innerText()).to.equal("Contests");
    await expectLoggedIn("Log out");
    expect((await langSwitch.innerText()).trim()).to.equal("中文");
    await screenshot(page, "08-contests-en");

    // the choice is kept in the session: a page without ?lang= stays English
    await page.goto(`${app.url}/`);
    expect(await page.locator("h1").first().innerText()).to.equal("Science and Technology Week contests");
    expect(await page.getByTestId("open-contests").innerText()).to.contain(contestTitle);
    await screenshot(page, "09-home-en");

    await Promise.all([page.waitForURL(/lang=zh-CN/), langSwitch.click()]);
    expect(await page.locator("html").getAttribute("lang")).to.equal("zh-CN");
    expect(await textsOf(header().locator("nav a"))).to.include("赛事");
    await expectLoggedIn("退出");
    await page.goto(`${app.url}/contests`);
    expect(await page.locator("h1").first().innerText()).to.equal("赛事");
    await screenshot(page, "10-contests-zh-again");
  });

  it("works on a 375×812 phone viewport", async function () {
    await page.setViewportSize({ width: 375, height: 812 });
    try {
      await page.goto(`${app.url}/contests`);
      expect(await page.getByTestId("contests").innerText()).to.contain(contestTitle);
      // At 375 px the header's links are folded into a menu; the language switch stays on the header row.
      expect(await page.getByTestId("lang-switch").isVisible()).to.equal(true);
      await openHeaderMenu(page);
      await expectLoggedIn("退出");
      // nothing forces the reader to scroll sideways
      const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
      expect(overflow, "horizontal overflow in px").to.be.at.most(0);
      await screenshot(page, "11-contests-phone-375x812");
      await Promise.all([page.waitForURL(/lang=en/), page.getByTestId("lang-switch").click()]);
      await openHeaderMenu(page);
      await expectLoggedIn("Log out");
      await screenshot(page, "12-contests-phone-en");
      await Promise.all([page.waitForURL(/lang=zh-CN/), page.getByTestId("lang-switch").click()]);
      await openHeaderMenu(page);
      await expectLoggedIn("退出");
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it("refuses a form POST without its CSRF token (403) and keeps the session", async function () {
    await page.goto(`${app.url}/contests`);
    await expectLoggedIn("退出");
    // a refused POST must be answered, not left hanging: give up after 5 s
    const postLogout = (body: string) =>
      page.evaluate(async (formBody) => {
        const ac = new AbortController();
        const timer = setTimeout(() => ac.abort(), 5_000);
        try {
          const res = await fetch("/logout", {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body: formBody,
            redirect: "manual",
            signal: ac.signal,
          });
          return String(res.status);
        } catch (err) {
          return `no answer (${String(err)})`;
        } finally {
          clearTimeout(timer);
        }
      }, body);
    expect(await postLogout(""), "POST /logout without _csrf").to.equal("403");
    expect(await postLogout("_csrf=not-the-token"), "POST /logout with a wrong _csrf").to.equal("403");
    // the browser context's request API carries the session cookie but no token either
    const viaRequest = await page.context().request.post(`${app.url}/login`, {
      form: { email: contestant.email, password: contestant.password },
      maxRedirects: 0,
      timeout: 5_000,
    });
    expect(viaRequest.status()).to.equal(403);
    await page.reload();
    await expectLoggedIn("退出");
    await screenshot(page, "13-still-logged-in-after-csrf");
  });
});
