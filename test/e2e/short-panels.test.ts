import { expect } from "chai";
import path from "node:path";
import type { Page } from "playwright-core";
import request from "supertest";
import { ADMIN, createActor, startTestApp, type TestApp } from "../helpers/app.js";
import {
  expectNoSidewaysScroll,
  launchBrowser,
  logInThroughForm,
  OUTPUT_DIR,
  screenshot,
  type TestBrowser,
} from "../helpers/browser.js";
import { judgedContest, type JudgedContest } from "../helpers/judged.js";

const rubric = {
  criteria: [
    { key: "science", label: "科学性", max: 50, step: 1 },
    { key: "art", label: "艺术性", max: 50, step: 1 },
  ],
};
const s = (total: number) => ({ science: Math.ceil(total / 2), art: Math.floor(total / 2) });
// The first entry's fifth judge declares a conflict (回避) before scoring it: 4 of 5 sheets, one of them an outlier 95.
const SHEETS = [
  [95, 80, 79, 78, null],
  [85, 84, 83, 82, 81],
  [75, 74, 73, 72, 71],
].map((row) => row.map((t) => (t === null ? null : s(t))));

/**
 * In headless Chromium (DESIGN §3 "Short panels"): the organizer's review page flags an entry that kept
 * 4 of 5 judges and publishing it is refused; the organizer accepts it with a reason through the form
 * (asked first); the notice then publishes and the public page prints the reason in the rules. In a
 * second contest a replacement judge scores the entry and the notice publishes without an acceptance.
 */
describe("browser: short panels", function () {
  this.timeout(60_000);

  let app: TestApp;
  let browser: TestBrowser;
  let page: Page;

  const as = (token: string) => ({
    get: (p: string) => request(app.server).get(p).set("Authorization", `Bearer ${token}`),
    post: (p: string, body?: object) => request(app.server).post(p).set("Authorization", `Bearer ${token}`).send(body),
    put: (p: string, body?: object) => request(app.server).put(p).set("Authorization", `Bearer ${token}`).send(body),
  });

  /** A judged contest in review whose first entry lost its fifth judge to a declared conflict. */
  async function shortContest(title: string): Promise<JudgedContest> {
    const c = await judgedContest(app, { contest: { title, rubric }, sheets: SHEETS });
    const judge = c.judges[4];
    const queue = await as(judge.token).get("/api/v1/me/assignments");
    const mine = queue.body.assignments.find((a: { entryId: string }) => a.entryId === c.entries[0].id);
    const declared = await as(judge.token).post(`/api/v1/assignments/${mine.id}/conflict`, {
      reason: "作者是我的学生",
    });
    expect(declared.body.replaced).to.equal(false);
    return c;
  }

  const stage = (c: JudgedContest, to: string) => as(c.admin).post(`/api/v1/contests/${c.contestId}/stage`, { to });
  const stageOf = async (c: JudgedContest) => (await app.db("contests").where({ id: c.contestId }).first()).stage;

  before(async function () {
    this.timeout(120_000);
    app = await startTestApp();
    browser = await launchBrowser();
    page = browser.page;
    await logInThroughForm(page, app.url, ADMIN);
  });

  after(async function () {
    await browser?.close();
    await app?.close();
  });

  describe("accepted with a reason", () => {
    let c: JudgedContest;
    const reason = "该评委申报回避后评委库中无其他可替补评委，按 4 位评委的评分计";

    before(async function () {
      this.timeout(120_000);
      c = await shortContest("河北省科普微视频大赛（评委不足）");
      expect((await stage(c, "review")).status).to.equal(200);
    });

    it("flags the short entry on the review page, which says publishing is blocked, and publishing is refused", async () => {
      await page.goto(`${app.url}/contests/${c.contestId}/review/results`);
      const panel = page.getByTestId("short-panels");
      await panel.waitFor();
      expect(await panel.innerText()).to.contain(`${c.entries[0].code}：4 位评委评分（应为 5 位）`);
      const row = page.locator(`[data-testid="results-table"] tr[data-entry="${c.entries[0].id}"]`);
      expect(await row.getByTestId("short-badge").innerText()).to.equal("评委不足 4/5");
      expect(await page.getByTestId("short-blocking").innerText())
        .to.contain("暂不能发布公示")
        .and.contain(c.entries[0].code);
      await screenshot(page, "short-panels-review-desktop");
      await panel.screenshot({ path: path.join(OUTPUT_DIR, "short-panels-accept-form-desktop.png") });

      const refused = await stage(c, "notice");
      expect(refused.status).to.equal(409);
      expect(refused.body.error.message).to.contain(`${c.entries[0].code} 4/5`);
      expect(await stageOf(c)).to.equal("review");
      expect(await app.db("result_snapshots").where({ contest_id: c.contestId })).to.have.length(0);
    });

    it("on a phone the flagged review page and the form fit the screen", async () => {
      await page.setViewportSize({ width: 375, height: 812 });
      try {
        await page.reload();
        await page.getByTestId("short-panels").waitFor();
        await expectNoSidewaysScroll(page);
        const button = (await page.getByTestId("accept-short").boundingBox())!;
        expect(button.height).to.be.at.least(44);
        await screenshot(page, "short-panels-review-phone");
        await page.getByTestId("short-panels").screenshot({
          path: path.join(OUTPUT_DIR, "short-panels-accept-form-phone.png"),
        });
      } finally {
        await page.setViewportSize({ width: 1280, height: 800 });
      }
    });

    it("the organizer accepts it with a reason through the form, asked first", async () => {
      await page.goto(`${app.url}/contests/${c.contestId}/review/results`);
      const form = page.getByTestId("short-form");
      await form.getByTestId("short-reason").fill(reason);
      await form.getByTestId("accept-short").click();
      const confirmation = page.getByTestId("confirmation");
      await confirmation.waitFor();
      expect(await confirmation.innerText())
        .to.contain(`作品 ${c.entries[0].code} 将按现有评委的评分参与排名`)
        .and.contain("将印在公示和最终结果的评审规则中");
      expect(await app.db("short_panel_acceptances").where({ contest_id: c.contestId })).to.have.length(0);
      await screenshot(page, "short-panels-accept-confirm-desktop");
      await Promise.all([page.waitForURL(/\/review\/results#short-panels$/), page.getByTestId("confirm").click()]);
      expect(await page.locator(".flash-success").innerText()).to.contain(`已接受 ${c.entries[0].code} 的现有评分`);
      expect(await page.getByTestId("short-accepted").innerText()).to.contain(reason);
      expect(await page.getByTestId("short-blocking").count()).to.equal(0);

      const stored = await app.db("short_panel_acceptances").where({ contest_id: c.contestId });
      expect(stored.map((r) => [r.entry_id, Number(r.sheets), Number(r.required), r.reason])).to.deep.equal([
        [c.entries[0].id, 4, 5, reason],
      ]);
      expect(
        await app.db("audit_log").where({ action: "results.acceptShortPanel", target_id: c.entries[0].id }),
      ).to.have.length(1);
    });

    it("publishing then works and the public page prints the reason in the rules", async () => {
      const published = await stage(c, "notice");
      expect(published.status, JSON.stringify(published.body)).to.equal(200);
      expect(await stageOf(c)).to.equal("notice");
      const snapshot = await app.db("result_snapshots").where({ contest_id: c.contestId }).first();
      const body = JSON.parse(String(snapshot.canonical_json)) as { rules: { shortPanels: unknown[] } };
      expect(body.rules.shortPanels).to.deep.equal([
        { entryId: c.entries[0].id, code: c.entries[0].code, sheets: 4, required: 5, reason },
      ]);

      await page.goto(`${app.url}/contests/${c.contestId}/results`);
      const rules = page.getByTestId("rules");
      await rules.waitFor();
      expect(await rules.innerText()).to.contain(
        `评审人数不足：${c.entries[0].code} 由 4 位评委评分（应为 5 位），理由：${reason}`,
      );
      await screenshot(page, "short-panels-public-desktop");
    });
  });

  describe("scored by a replacement judge", () => {
    it("the progress page flags the entry until a replacement judge scores it; publishing then needs no acceptance", async function () {
      this.timeout(120_000);
      const c = await shortContest("河北省科学实验展演（替补评委）");
      await page.goto(`${app.url}/contests/${c.contestId}/progress`);
      expect(await page.getByTestId("short-entries").innerText()).to.contain("1 件作品评委人数不足");

      const fresh = await createActor(app, "judge", { name: "替补评委", unit: "替补单位", city: "石家庄" });
      const pool = [...c.judges.map((j) => j.user.id), fresh.user.id];
      expect((await as(c.admin).put(`/api/v1/contests/${c.contestId}/judges`, { judgeIds: pool })).status).to.equal(
        200,
      );
      const added = await as(c.admin).post(`/api/v1/contests/${c.contestId}/assignments`, {
        entryId: c.entries[0].id,
        judgeId: fresh.user.id,
      });
      expect(added.status).to.equal(201);
      expect(
        (await as(fresh.token).post(`/api/v1/contests/${c.contestId}/declaration`, { accept: true })).status,
      ).to.equal(200);
      const saved = await as(fresh.token).put(`/api/v1/assignments/${added.body.assignment.id}/score`, {
        scores: s(80),
        submit: true,
      });
      expect(saved.status, JSON.stringify(saved.body)).to.equal(200);

      await page.reload();
      await page.getByTestId("entry-progress").waitFor();
      expect(await page.getByTestId("short-entries").count()).to.equal(0);

      expect((await stage(c, "review")).status).to.equal(200);
      await page.goto(`${app.url}/contests/${c.contestId}/review/results`);
      await page.getByTestId("results-table").waitFor();
      expect(await page.getByTestId("short-panels").count()).to.equal(0);
      const published = await stage(c, "notice");
      expect(published.status, JSON.stringify(published.body)).to.equal(200);
      expect(await app.db("short_panel_acceptances").where({ contest_id: c.contestId })).to.have.length(0);
      const snapshot = await app.db("result_snapshots").where({ contest_id: c.contestId }).first();
      const body = JSON.parse(String(snapshot.canonical_json)) as {
        rules: { shortPanels: unknown[] };
        results: { code: string; judges: number }[];
      };
      expect(body.rules.shortPanels).to.deep.equal([]);
      expect(body.results.find((r) => r.code === c.entries[0].code)!.judges).to.equal(5);
    });
  });
});
