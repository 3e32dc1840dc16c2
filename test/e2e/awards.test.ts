import { expect } from "chai";
import type { Page } from "playwright-core";
import request from "supertest";
import { verifySnapshot } from "../../scripts/verify.js";
import { ADMIN, startTestApp, type TestApp } from "../helpers/app.js";
import {
  launchBrowser,
  screenshotBothWidths,
  logInThroughForm,
  logOutThroughHeader,
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

/**
 * In headless Chromium, on a judged contest in review (8 entries; prizes 1/1/1): the organizer sets
 * 优秀奖 by ratio (0.25 of 8 → 2 places after the third prize, E and F tied at the boundary) and
 * 最佳创意奖 ×3 on the review page, chooses two creative awards with reasons and sees them in the
 * results table; once the notice is published (through the API), the public page and the CSV show
 * the awards, and the snapshot holds them and verifies.
 */
describe("browser: extra awards on the review page, the public page, the CSV and the snapshot", function () {
  this.timeout(60_000);

  let app: TestApp;
  let browser: TestBrowser;
  let page: Page;
  let c: JudgedContest;
  const code = (letter: string) => c.entries["ABCDEFGH".indexOf(letter)].code;
  const id = (letter: string) => c.entries["ABCDEFGH".indexOf(letter)].id;

  before(async function () {
    this.timeout(180_000);
    app = await startTestApp();
    c = await judgedContest(app, {
      contest: {
        title: "河北省科普微视频大赛",
        rubric,
        aggregation: "mean",
        prizes: { mode: "count", first: 1, second: 1, third: 1 },
      },
      sheets: [90, 85, 80, 75, 70, 70, 60, 55].map((t) => [s(t), s(t), s(t)]),
    });
    const moved = await request(app.server)
      .post(`/api/v1/contests/${c.contestId}/stage`)
      .set("Authorization", `Bearer ${c.admin}`)
      .send({ to: "review" });
    expect(moved.status, JSON.stringify(moved.body)).to.equal(200);
    browser = await launchBrowser();
    page = browser.page;
  });

  after(async function () {
    await browser?.close();
    await app?.close();
  });

  it("the organizer sets 优秀奖 by ratio and 最佳创意奖 ×3 through the review page", async () => {
    await logInThroughForm(page, app.url, ADMIN, `/contests/${c.contestId}/review/results`);
    const rules = page.getByTestId("award-rules-form");
    const rows = rules.getByTestId("award-rule");
    expect(await rows.count()).to.equal(2);
    await rows.nth(0).getByTestId("award-label").fill("优秀奖");
    await rows.nth(0).getByTestId("award-basis").selectOption({ label: "按名次（三等奖之后）" });
    await rows.nth(0).getByTestId("award-ratio").fill("0.25");
    await rows.nth(1).getByTestId("award-label").fill("最佳创意奖");
    await rows.nth(1).getByTestId("award-basis").selectOption({ label: "组织方评选" });
    await rows.nth(1).getByTestId("award-count").fill("3");
    await Promise.all([page.waitForURL(/\/review\/results#awards$/), page.getByTestId("save-awards").click()]);
    expect(await page.locator(".flash-success").innerText()).to.contain("奖项设置已保存");

    const contest = await app.db("contests").where({ id: c.contestId }).first();
    expect(JSON.parse(String(contest.prizes)).extras).to.deep.equal([
      { key: "award1", label: "优秀奖", basis: "ranked", ratio: 0.25 },
      { key: "award2", label: "最佳创意奖", basis: "chosen", count: 3 },
    ]);
    expect(await page.getByTestId("rules").innerText()).to.contain(
      "优秀奖：一、二、三等奖之后按名次评出参与排名作品的 25%",
    );
    const merit = page.getByTestId("results-table").locator("tbody tr").filter({ hasText: "优秀奖" });
    expect((await merit.allInnerTexts()).map((t) => t.match(/SP-\d{4}-\d{4}/)![0]).sort()).to.deep.equal(
      [code("D"), code("E"), code("F")].sort(),
    );
    await screenshotBothWidths(page, "awards-rules-form");
  });

  it("the organizer chooses two creative awards with reasons and sees them in the results table", async () => {
    const form = page.getByTestId("award-choice-form");
    const entries = form.getByTestId("award-entry");
    const reasons = form.getByTestId("award-reason");
    expect(await entries.count()).to.equal(3);
    await entries.nth(0).selectOption({ label: `${code("G")} 作品 7` });
    await reasons.nth(0).fill("以动画讲清了垃圾分类的原理，构思新颖");
    await entries.nth(1).selectOption({ label: `${code("B")} 作品 2` });
    await reasons.nth(1).fill("实验设计巧妙");
    await Promise.all([page.waitForURL(/\/review\/results#awards$/), page.getByTestId("save-award-choice").click()]);
    expect(await page.locator(".flash-success").innerText()).to.contain("“最佳创意奖”已评选 2 件作品");
    const rowOf = (letter: string) =>
      page
        .getByTestId("results-table")
        .locator(`tbody tr[data-entry="${id(letter)}"]`)
        .getByTestId("row-awards");
    expect(await rowOf("G").innerText()).to.contain("最佳创意奖（以动画讲清了垃圾分类的原理，构思新颖）");
    expect(await rowOf("B").innerText()).to.contain("最佳创意奖（实验设计巧妙）");
    expect(await page.getByTestId("award-picked").innerText())
      .to.contain(code("G"))
      .and.contain(code("B"));

    const chosen = await app.db("award_choices").where({ contest_id: c.contestId }).orderBy("reason");
    expect(chosen.map((r: { entry_id: string; award_key: string }) => [r.award_key, r.entry_id])).to.deep.equal([
      ["award2", id("G")],
      ["award2", id("B")],
    ]);
    const audit = await app.db("audit_log").where({ action: "results.awardChoice", target_id: c.contestId });
    expect(audit).to.have.length(1);
    await screenshotBothWidths(page, "awards-choice-form");
  });

  it("after the notice is published, the public page and the CSV show the awards, and the snapshot verifies", async () => {
    const moved = await request(app.server)
      .post(`/api/v1/contests/${c.contestId}/stage`)
      .set("Authorization", `Bearer ${c.admin}`)
      .send({ to: "notice" });
    expect(moved.status, JSON.stringify(moved.body)).to.equal(200);
    await logOutThroughHeader(page, app.url);

    await page.goto(`${app.url}/contests/${c.contestId}/results`);
    const creative = page.locator('[data-testid="award-group"][data-award="award2"]');
    expect(await creative.innerText())
      .to.contain("最佳创意奖")
      .and.contain("作品 7")
      .and.contain("作者 7")
      .and.contain("实验设计巧妙");
    const merit = page.locator('[data-testid="award-group"][data-award="award1"]');
    expect(await merit.locator("tbody tr").count()).to.equal(3);
    expect(await page.getByTestId("rules").innerText()).to.contain(
      "最佳创意奖：由组织方在参与排名的作品中评选，至多 3 件",
    );
    await screenshotBothWidths(page, "awards-public");

    const csv = await page.request.get(`${app.url}/contests/${c.contestId}/results.csv`);
    const lines = (await csv.text()).replace(/^\uFEFF/, "").split(/\r?\n/);
    expect(lines[0]).to.contain("奖项,其他奖项");
    expect(lines.find((l) => l.includes(code("G")))).to.contain("最佳创意奖（以动画讲清了垃圾分类的原理，构思新颖）");
    expect(lines.find((l) => l.includes(code("F")))).to.contain("优秀奖");

    const snapshot = await app.db("result_snapshots").where({ contest_id: c.contestId }).first();
    const body = JSON.parse(String(snapshot.canonical_json)) as {
      results: { code: string; awards: { key: string; reason?: string }[] }[];
    };
    expect(body.results.find((r) => r.code === code("B"))!.awards).to.deep.equal([
      { key: "award2", label: "最佳创意奖", reason: "实验设计巧妙" },
    ]);
    const verified = verifySnapshot(String(snapshot.canonical_json), { sha256: String(snapshot.sha256) });
    expect(verified.differences).to.deep.equal([]);
    expect(verified.ok).to.equal(true);

    // Frozen: the review page no longer offers the award forms.
    await logInThroughForm(page, app.url, ADMIN, `/contests/${c.contestId}/review/results`);
    expect(await page.getByTestId("award-choice-form").count()).to.equal(0);
    expect(await page.getByTestId("award-rules-form").count()).to.equal(0);
    expect(await page.getByTestId("award-picked").innerText()).to.contain(code("G"));
  });
});
