import { expect } from "chai";
import type { Page } from "playwright-core";
import { ADMIN, createActor, startTestApp, type Actor, type TestApp } from "../helpers/app.js";
import {
  expectNoSidewaysScroll,
  launchBrowser,
  logInThroughForm,
  screenshot,
  type TestBrowser,
} from "../helpers/browser.js";
import { openContest, submit, videoSubmission } from "../helpers/entries.js";
import { testMedia } from "../helpers/media.js";

/**
 * In headless Chromium: the organizer ticks the judge pool (filter, select all) and assigns in one
 * step; a pool that cannot give two entries their 3 judges is explained entry by entry and nothing is
 * saved; he assigns the rest, the two flagged short; then adds judges and assigns everything.
 */
describe("browser: assignment that explains itself", function () {
  this.timeout(60_000);

  let app: TestApp;
  let browser: TestBrowser;
  let page: Page;
  let contestId: string;
  let judges: Record<string, Actor>;
  const entries: { id: string; code: string; title: string }[] = [];

  const poolRow = (name: string) => page.locator("tr[data-pool-row]", { hasText: name });
  const savedPool = async () => (await app.db("round_judges").pluck("judge_id")) as string[];
  const assignmentRows = () =>
    app.db<{ entry_id: string; judge_id: string }>("assignments").select("entry_id", "judge_id");

  before(async function () {
    this.timeout(120_000);
    const media = await testMedia();
    app = await startTestApp();
    ({ id: contestId } = await openContest(app, {
      title: "河北省科普微视频大赛（分配）",
      judgesPerEntry: 3,
      rules: { sameCityConflict: true, maxEntriesPerAuthor: null },
    }));
    judges = {
      hebei: await createActor(app, "judge", {
        name: "河大评委",
        unit: "河北大学",
        city: "石家庄",
        expertise: ["科学防控"],
      }),
      baoding: await createActor(app, "judge", { name: "保定评委", unit: "保定学院", city: "保定", expertise: [] }),
      tangshan: await createActor(app, "judge", { name: "唐山评委", unit: "唐山学院", city: "唐山", expertise: [] }),
      author: await createActor(app, "judge", { name: "赵作者", unit: "邢台学院", city: "邢台", expertise: [] }),
      chengde: await createActor(app, "judge", { name: "承德评委", unit: "承德学院", city: "承德", expertise: [] }),
    };
    const contestant = await createActor(app, "contestant", { city: "保定" });
    for (const m of [
      { title: "保定的河大作品", unit: "河北大学", city: "保定", author: "钱一" },
      { title: "唐山的赵作者作品", unit: "唐山科技馆", city: "唐山", author: "赵作者" },
      { title: "廊坊作品", unit: "廊坊科技馆", city: "廊坊", author: "孙三" },
      { title: "沧州作品", unit: "沧州科技馆", city: "沧州", author: "李四" },
    ]) {
      const res = await submit(
        app,
        contestId,
        contestant.token,
        videoSubmission(media, {
          fields: { title: m.title, unit: m.unit, city: m.city, authors: JSON.stringify([{ name: m.author }]) },
        }),
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      entries.push({ id: res.body.entry.id, code: res.body.entry.code, title: m.title });
    }
    browser = await launchBrowser();
    page = browser.page;
  });

  after(async function () {
    await browser?.close();
    await app?.close();
  });

  it("a pool that leaves two entries short is explained entry by entry, and nothing is saved", async () => {
    await logInThroughForm(page, app.url, ADMIN, `/contests/${contestId}/judging`);
    expect(await page.locator("h2", { hasText: "评委库与自动分配" }).count()).to.equal(1);
    // Tick one judge by hand, one through the filter and 全选, one more by hand.
    await poolRow("河大评委").locator('input[type="checkbox"]').check();
    await page.getByTestId("pool-filter").fill("唐山学院");
    await poolRow("保定评委").waitFor({ state: "hidden" });
    await page.getByTestId("pool-all").click();
    await page.getByTestId("pool-filter").fill("");
    await poolRow("保定评委").locator('input[type="checkbox"]').check();
    expect(await page.locator("[data-pool-count]").innerText()).to.equal("已选 3 位");
    await page.getByTestId("seed").fill("5");
    await Promise.all([page.waitForURL(/\/judging\/auto$/), page.getByTestId("auto-assign").click()]);

    const explanation = page.getByTestId("assign-explanation");
    await explanation.waitFor();
    expect(await page.locator(".flash-error").innerText()).to.contain("2 件作品可选的评委不足 3 位");
    expect(await explanation.locator("h3").innerText()).to.equal("2 件作品无法分到足额评委");
    const first = explanation.locator(`tr[data-code="${entries[0].code}"]`);
    expect(await first.innerText())
      .to.contain(entries[0].title)
      .and.contain("可选 1 位，需要 3 位，缺 2 位")
      .and.contain("同单位 1 位")
      .and.contain("同城市 1 位")
      .and.contain("2 位可增选");
    expect(await explanation.locator(`tr[data-code="${entries[1].code}"]`).innerText())
      .to.contain("可选 2 位，需要 3 位，缺 1 位")
      .and.contain("同城市 1 位");
    // What was ticked is still ticked; nothing was saved.
    for (const name of ["河大评委", "唐山评委", "保定评委"])
      expect(await poolRow(name).locator('input[type="checkbox"]').isChecked(), name).to.equal(true);
    expect(await poolRow("赵作者").locator('input[type="checkbox"]').isChecked()).to.equal(false);
    expect(await savedPool()).to.deep.equal([]);
    expect(await assignmentRows()).to.deep.equal([]);
    await screenshot(page, "assignment-explained-desktop");
    await page.setViewportSize({ width: 375, height: 812 });
    try {
      await explanation.waitFor();
      await expectNoSidewaysScroll(page);
      await screenshot(page, "assignment-explained-phone");
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it("assigning the rest gives every other entry 3 judges and flags the two short ones", async () => {
    await Promise.all([
      page.waitForURL(new RegExp(`/contests/${contestId}/judging#matrix$`)),
      page.getByTestId("assign-partial").click(),
    ]);
    const flash = await page.locator(".flash-info").innerText();
    expect(flash)
      .to.contain("已自动分配 9 条评审任务")
      .and.contain("2 件作品评委不足")
      .and.contain(`${entries[0].code}（1/3 位）`)
      .and.contain(`${entries[1].code}（2/3 位）`);
    const shortRows = page.locator("tr[data-entry]", { has: page.getByTestId("short-entry") });
    expect(await shortRows.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-code")))).to.have.members([
      entries[0].code,
      entries[1].code,
    ]);
    expect(await page.getByTestId("pool-size").innerText()).to.equal("3");

    const chosen = [judges.hebei, judges.baoding, judges.tangshan].map((j) => j.user.id);
    expect(await savedPool()).to.have.members(chosen);
    const rows = await assignmentRows();
    const of = (e: number) => rows.filter((r) => r.entry_id === entries[e].id).map((r) => r.judge_id);
    expect(of(0)).to.deep.equal([judges.tangshan.user.id]);
    expect(of(1)).to.have.members([judges.hebei.user.id, judges.baoding.user.id]);
    expect(of(2)).to.have.members(chosen);
    expect(of(3)).to.have.members(chosen);
    await screenshot(page, "assignment-short-desktop");
  });

  it("with two more judges ticked, one press saves the pool and assigns every entry its 3 judges", async () => {
    await poolRow("赵作者").locator('input[type="checkbox"]').check();
    await poolRow("承德评委").locator('input[type="checkbox"]').check();
    await Promise.all([page.waitForURL(/#matrix$/), page.getByTestId("auto-assign").click()]);
    expect(await page.locator(".flash-success").innerText()).to.match(/已自动分配 12 条评审任务；专业不匹配 \d+ 条/);
    expect(await page.getByTestId("short-entry").count()).to.equal(0);
    expect(await page.getByTestId("pool-size").innerText()).to.equal("5");
    expect(await savedPool()).to.have.length(5);
    const rows = await assignmentRows();
    expect(rows).to.have.length(12);
    for (const entry of entries) expect(rows.filter((r) => r.entry_id === entry.id)).to.have.length(3);
    await screenshot(page, "assignment-page-desktop");
    await page.setViewportSize({ width: 375, height: 812 });
    try {
      await page.reload();
      await expectNoSidewaysScroll(page);
      await screenshot(page, "assignment-page-phone");
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });
});
