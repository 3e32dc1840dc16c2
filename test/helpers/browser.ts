import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";

/** Debian's Chromium (apt-get install chromium); never a browser downloaded by Playwright. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/**
 * The flags SETUP-NOTES gives: without the background-networking ones Chromium keeps dialling
 * hosts that this closed network refuses.
 */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Where screenshots go (ignored by git). */
export const OUTPUT_DIR = path.resolve(process.cwd(), "test-output");

export interface TestBrowser {
  context: BrowserContext;
  /** The first page of the context. */
  page: Page;
  userDataDir: string;
  close(): Promise<void>;
}

/**
 * Headless Chromium with a fresh profile in a temp folder. Pages default to Chinese
 * (`Accept-Language: zh-CN`), as the contestants' browsers do; pass `locale` to change it.
 */
export async function launchBrowser(options: BrowserContextOptions = {}): Promise<TestBrowser> {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), "sw-chromium-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      locale: "zh-CN",
      viewport: { width: 1280, height: 800 },
      timeout: 30_000,
      ...options,
    });
  } catch (err) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw err;
  }
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    userDataDir,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * One headless Chromium for several people at once (the live final's judges, timekeeper and big
 * screen): each gets its own `newContext()`, with its own cookies, viewport and connection.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/** Saves a full-page PNG as test-output/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const file = path.join(OUTPUT_DIR, `${name.replace(/[^\w.-]+/g, "-")}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Logs in through the /login form (optionally with ?next=) and waits for the signed-in header. */
export async function logInThroughForm(
  page: Page,
  baseUrl: string,
  actor: { email: string; password: string },
  next = "",
): Promise<void> {
  await page.goto(`${baseUrl}/login${next ? `?next=${encodeURIComponent(next)}` : ""}`);
  const form = page.locator('form[action="/login"]');
  await form.locator('input[name="email"]').fill(actor.email);
  await form.locator('input[name="password"]').fill(actor.password);
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith("/login")),
    form.locator('button[type="submit"]').click(),
  ]);
  // Attached, not visible: on a phone the logout button sits in the folded header menu.
  await page.locator('header.site-header form[action="/logout"] button').waitFor({ state: "attached" });
}

/** Opens the header menu when it is folded (a phone, ≤ 480 px); nothing on a wider screen. */
export async function openHeaderMenu(page: Page): Promise<void> {
  const button = page.getByTestId("menu-button");
  if ((await button.isVisible()) && !(await page.getByTestId("menu-toggle").isChecked())) await button.click();
}

/** Logs out through the header button, which leads home. */
export async function logOutThroughHeader(page: Page, baseUrl: string): Promise<void> {
  await openHeaderMenu(page);
  await Promise.all([
    page.waitForURL(`${baseUrl}/`),
    page.locator('header.site-header form[action="/logout"] button').click(),
  ]);
}

/**
 * Screenshots the page as test-output/<name>-desktop.png, then on a 375-px phone as <name>-phone.png after
 * checking it fits (no sideways scroll), and sets the desktop width back.
 */
export async function screenshotBothWidths(page: Page, name: string): Promise<void> {
  await screenshot(page, `${name}-desktop`);
  await page.setViewportSize({ width: 375, height: 812 });
  try {
    await page.locator("h1").first().waitFor();
    await expectNoSidewaysScroll(page);
    await screenshot(page, `${name}-phone`);
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 });
  }
}

/** The page fits its viewport's width: nothing to scroll sideways (the 375-px phone test). */
export async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
  expect(overflow, `horizontal overflow in px on ${page.url()}`).to.be.at.most(0);
}
