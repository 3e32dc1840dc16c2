import { performance } from "node:perf_hooks";
import { expect } from "chai";
import type { Browser, BrowserContext, Page, Response } from "playwright-core";
import { ADMIN, startTestApp, TestClock, type TestApp } from "../helpers/app.js";
import { launchChromium, logInThroughForm, screenshot } from "../helpers/browser.js";
import { as, liveContest, type LiveContest } from "../helpers/live.js";

/*
 * The whole live final in one Chromium (issue 12's main "done when"): the organizer sets up two
 * segments on the setup page and draws the order with a fixed seed, then keeps time on the console
 * (a tablet); seven judges score on their phones; the big screen (anonymous, 1920×1080) follows by
 * SSE. The first finalist drawn does not show up and performs last. Talk times come from the app's
 * TestClock: one under time, one over, one stopped at the cutoff.
 *
 * THE HAND COMPUTATION. Segments: 自主命题 "talk" (weight 0.6, 4:00: under 3:00 −2, over 4:15 −2,
 * stopped at 4:30) with 科学准确 (max 60) + 内容新颖 (max 40), each judge giving 内容新颖 35 and the
 * rest of his total to 科学准确; 评委问答 "qa" (weight 0.4, no limit) with 回答质量 (max 100).
 * A segment's score: 7 totals, drop exactly one highest and one lowest (even when tied), mean of 5.
 * Totals are listed by judge number 评委1…评委7; finalists by the order they take the stage.
 */
const STAGE = [
  {
    // 3:20, no deduction.
    // talk 88 88 80 82 79 75 75: a tie at the top and the bottom, one 88 and one 75 dropped:
    //   75 + 79 + 80 + 82 + 88 = 404 → 404 / 5 = 80.80
    // qa 90 85 80 85 85 70 95: drop 95 and 70: 90 + 85 + 80 + 85 + 85 = 425 → 85.00
    // 0.6 × 80.80 + 0.4 × 85.00 = 48.48 + 34.00 = 82.48
    clockSeconds: 200,
    seconds: 200,
    deduction: "",
    talk: [88, 88, 80, 82, 79, 75, 75],
    qa: [90, 85, 80, 85, 85, 70, 95],
    talkScore: "80.80",
    qaScore: "85.00",
    score: "82.48",
  },
  {
    // 2:50, under 3:00: −2.
    // talk 7 × 85 → 85.00; qa 7 × 80 → 80.00
    // 0.6 × 85.00 + 0.4 × 80.00 − 2 = 51.00 + 32.00 − 2 = 81.00
    clockSeconds: 170,
    seconds: 170,
    deduction: "时间不足 −2",
    talk: [85, 85, 85, 85, 85, 85, 85],
    qa: [80, 80, 80, 80, 80, 80, 80],
    talkScore: "85.00",
    qaScore: "80.00",
    score: "81.00",
  },
  {
    // 4:20, over 4:15: −2.
    // talk 90 92 88 91 89 60 90: drop 92 and 60: 88 + 89 + 90 + 90 + 91 = 448 → 89.60
    // qa 88 90 86 87 89 88 87: drop 90 and 86: 87 + 87 + 88 + 88 + 89 = 439 → 87.80
    // 0.6 × 89.60 + 0.4 × 87.80 − 2 = 53.76 + 35.12 − 2 = 86.88
    clockSeconds: 260,
    seconds: 260,
    deduction: "超时 −2",
    talk: [90, 92, 88, 91, 89, 60, 90],
    qa: [88, 90, 86, 87, 89, 88, 87],
    talkScore: "89.60",
    qaScore: "87.80",
    score: "86.88",
  },
  {
    // Still talking at 5:00: stopped at the cutoff, 4:30 recorded, over 4:15: −2.
    // talk 70 72 71 73 74 70 75: drop 75 and one 70: 70 + 71 + 72 + 73 + 74 = 360 → 72.00
    // qa 75 76 77 78 74 73 72: drop 78 and 72: 73 + 74 + 75 + 76 + 77 = 375 → 75.00
    // 0.6 × 72.00 + 0.4 × 75.00 − 2 = 43.20 + 30.00 − 2 = 71.20
    clockSeconds: 300,
    seconds: 270,
    deduction: "超时 −2",
    talk: [70, 72, 71, 73, 74, 70, 75],
    qa: [75, 76, 77, 78, 74, 73, 72],
    talkScore: "72.00",
    qaScore: "75.00",
    score: "71.20",
  },
  {
    // 4:00 exactly, no deduction.
    // talk 66 … 72: drop 72 and 66: 67 + 68 + 69 + 70 + 71 = 345 → 69.00
    // qa 60 62 … 72: drop 72 and 60: 62 + 64 + 66 + 68 + 70 = 330 → 66.00
    // 0.6 × 69.00 + 0.4 × 66.00 = 41.40 + 26.40 = 67.80
    clockSeconds: 240,
    seconds: 240,
    deduction: "",
    talk: [66, 67, 68, 69, 70, 71, 72],
    qa: [60, 62, 64, 66, 68, 70, 72],
    talkScore: "69.00",
    qaScore: "66.00",
    score: "67.80",
  },
  {
    // The no-show, on stage last. 3:50, no deduction.
    // talk 81 83 82 84 80 86 85: drop 86 and 80: 81 + 82 + 83 + 84 + 85 = 415 → 83.00
    // qa 91 90 92 93 89 94 88: drop 94 and 88: 89 + 90 + 91 + 92 + 93 = 455 → 91.00
    // 0.6 × 83.00 + 0.4 × 91.00 = 49.80 + 36.40 = 86.20
    clockSeconds: 230,
    seconds: 230,
    deduction: "",
    talk: [81, 83, 82, 84, 80, 86, 85],
    qa: [91, 90, 92, 93, 89, 94, 88],
    talkScore: "83.00",
    qaScore: "91.00",
    score: "86.20",
  },
];
/*
 * Ranking by score: 3rd on stage 86.88, 6th 86.20, 1st 82.48, 2nd 81.00, 4th 71.20, 5th 67.80.
 * Prizes, the default ratios 0.1 / 0.2 / 0.3 of 6 ranked, cumulative: round(0.6) = 1 first,
 * round(1.8) = 2 → 1 second, round(3.6) = 4 → 2 third.
 */
const RANKING: [stageIndex: number, score: number, rank: number, prize: string | null][] = [
  [2, 86.88, 1, "first"],
  [5, 86.2, 2, "second"],
  [0, 82.48, 3, "third"],
  [1, 81, 4, "third"],
  [3, 71.2, 5, null],
  [4, 67.8, 6, null],
];
const PRIZE_TEXT: Record<string, string> = { first: "一等奖", second: "二等奖", third: "三等奖" };
/** Who loses his page mid-score: a reload (stage index, segment, judge number), a dropped connection. */
const RELOAD = { stage: 1, segment: "talk", judge: 3 };
const OFFLINE = { stage: 2, segment: "qa", judge: 5 };
const NOVELTY = 35;

type SegmentKey = "talk" | "qa";

const mmss = (s: number) => `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
const exactly = (text: string) => new RegExp(`^\\s*${text.replace(/[.]/g, "\\.")}\\s*$`);

describe("live final: a whole final in one Chromium (7 phones, the timekeeper, the big screen)", () => {
  const clock = new TestClock();
  let app: TestApp;
  let browser: Browser;
  let contest: LiveContest;
  let consolePage: Page;
  let screen: Page;
  /** The judges' phones by judge number − 1. */
  const phones: { context: BrowserContext; page: Page; judgeId: string }[] = [];
  /** Entries by the order they take the stage. */
  let stage: { id: string; code: string }[] = [];
  const latencies: number[] = [];
  const livePath = () => `/contests/${contest.contestId}/live`;

  const newPage = async (viewport: { width: number; height: number }, phone = false) => {
    const context = await browser.newContext({
      locale: "zh-CN",
      viewport,
      ...(phone ? { isMobile: true, hasTouch: true } : {}),
    });
    context.setDefaultTimeout(15_000);
    return { context, page: await context.newPage() };
  };

  before(async function () {
    this.timeout(120_000);
    app = await startTestApp({ clock });
    contest = await liveContest(app, {
      finalists: 6,
      judges: 7,
      undeclared: [0, 1, 2, 3, 4, 5, 6],
      contest: { judgesPerEntry: 7 },
    });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it("the organizer sets up two segments on the setup page and draws the order with a fixed seed", async function () {
    this.timeout(60_000);
    ({ page: consolePage } = await newPage({ width: 1024, height: 768 }));
    const page = consolePage;
    await logInThroughForm(page, app.url, ADMIN, `${livePath()}/setup`);
    // The explainer's four default segments: 随机命题 and 科技常识测试 go, and two of the talk's four criteria.
    const field = (name: string) => page.locator(`[name="${name}"]`);
    await page.getByTestId("live-remove-segment-2").click();
    await page.getByTestId("live-segment-3").waitFor({ state: "detached" });
    await page.getByTestId("live-remove-segment-1").click();
    await page.getByTestId("live-segment-2").waitFor({ state: "detached" });
    for (const row of [3, 2]) {
      await page.locator(`button[value="removeCriterion:0:${row}"]`).click();
      await field(`segments[0][criteria][${row}][key]`).waitFor({ state: "detached" });
    }
    const fill = async (values: Record<string, string>) => {
      for (const [name, value] of Object.entries(values)) await field(name).fill(value);
    };
    await fill({
      "segments[0][key]": "talk",
      "segments[0][label]": "自主命题",
      "segments[0][weight]": "0.6",
      "segments[0][seconds]": "240",
      "segments[0][criteria][0][key]": "accuracy",
      "segments[0][criteria][0][label]": "科学准确",
      "segments[0][criteria][0][max]": "60",
      "segments[0][criteria][0][step]": "1",
      "segments[0][criteria][1][key]": "novelty",
      "segments[0][criteria][1][label]": "内容新颖",
      "segments[0][criteria][1][max]": "40",
      "segments[0][criteria][1][step]": "1",
      "segments[1][key]": "qa",
      "segments[1][label]": "评委问答",
      "segments[1][weight]": "0.4",
      "segments[1][seconds]": "",
      "segments[1][criteria][0][key]": "answer",
      "segments[1][criteria][0][label]": "回答质量",
      "segments[1][criteria][0][max]": "100",
      "segments[1][criteria][0][step]": "1",
    });
    await page.getByTestId("live-seed").fill("2026");
    await page.getByTestId("live-start").click();
    await page.getByTestId("confirm").click();
    await page.getByTestId("live-order").waitFor();

    const live = (await as(app, null).get(`/api/v1${livePath()}`)).body.live;
    expect(live.segments.map((s: { key: string; weight: number }) => [s.key, s.weight])).to.deep.equal([
      ["talk", 0.6],
      ["qa", 0.4],
    ]);
    const order = live.order.map((o: { entryId: string; code: string }) => ({ id: o.entryId, code: o.code }));
    expect(
      await page.locator("[data-testid=live-order] li").evaluateAll((lis) => lis.map((li) => li.dataset.code)),
    ).to.deep.equal(order.map((o: { code: string }) => o.code));
    // The drawn first finalist will not show up: on stage last.
    stage = [...order.slice(1), order[0]];
  });

  it("seven judges log in on their phones and accept the declaration; the big screen opens without login", async function () {
    this.timeout(60_000);
    await Promise.all(
      contest.judges.map(async (judge) => {
        const { context, page } = await newPage({ width: 375, height: 812 }, true);
        await logInThroughForm(page, app.url, judge, `${livePath()}/judge`);
        await page.getByTestId("accept-declaration").click();
        const label = await page.getByTestId("live-judge-label").textContent();
        phones[Number(/评委(\d+)/.exec(label ?? "")![1]) - 1] = { context, page, judgeId: judge.user.id };
      }),
    );
    expect(phones.filter(Boolean)).to.have.length(7);
    ({ page: screen } = await newPage({ width: 1920, height: 1080 }));
    await screen.goto(`${app.url}${livePath()}/screen`);
    await consolePage.goto(`${app.url}${livePath()}/console`);
    for (const page of [screen, consolePage])
      await page.getByTestId("current-code").filter({ hasText: stage[5].code }).waitFor();
  });

  const isSheetPost = (action: string) => (res: Response) =>
    res.request().method() === "POST" &&
    res.url().endsWith(`${livePath()}/judge`) &&
    (res.request().postData() ?? "").includes(`action=${action}`);

  const draftScores = async (judgeId: string, entryId: string, segment: string) =>
    JSON.parse(
      (await app.db("live_sheets").where({ judge_id: judgeId, entry_id: entryId, segment }).first())?.scores ?? "{}",
    ) as Record<string, number>;

  /** Judge n scores the current finalist's segment on his phone; the big screen shows his total. */
  async function scoreOnPhone(n: number, s: number, segment: SegmentKey): Promise<void> {
    const { page, context, judgeId } = phones[n - 1];
    const entry = stage[s];
    const total = STAGE[s][segment][n - 1];
    const form = page.locator(`form[data-draft-key="live:${entry.id}:${segment}"]:not(.locked)`);
    await form.waitFor();
    const first = segment === "talk" ? form.getByTestId("live-score-accuracy") : form.getByTestId("live-score-answer");
    const firstValue = String(segment === "talk" ? total - NOVELTY : total);

    if (RELOAD.stage === s && RELOAD.segment === segment && RELOAD.judge === n) {
      // Mid-score the phone reloads: the draft saved as he typed comes back.
      const saved = page.waitForResponse(isSheetPost("draft"));
      await first.fill(firstValue);
      expect((await saved).status()).to.equal(200);
      await page.reload();
      expect(await first.inputValue()).to.equal(firstValue);
      await screenshot(page, "live-judge-phone");
    } else if (OFFLINE.stage === s && OFFLINE.segment === segment && OFFLINE.judge === n) {
      // The connection drops while he types: the draft stays on the phone and reaches the server once back.
      await context.setOffline(true);
      await first.fill(firstValue);
      await page.getByTestId("live-offline").waitFor({ state: "visible" });
      expect(await draftScores(judgeId, entry.id, segment)).to.deep.equal({});
      const sent = page.waitForResponse(isSheetPost("draft"));
      await context.setOffline(false);
      expect((await sent).status()).to.equal(200);
      await page.getByTestId("live-offline").waitFor({ state: "hidden" });
      expect(await draftScores(judgeId, entry.id, segment)).to.deep.equal({ answer: total });
    } else await first.fill(firstValue);
    if (segment === "talk") await form.getByTestId("live-score-novelty").fill(String(NOVELTY));
    await form
      .getByTestId("live-total")
      .filter({ hasText: exactly(String(total)) })
      .waitFor();

    const submitted = page.waitForResponse(isSheetPost("submit"));
    await form.getByTestId("live-submit").click();
    await form.getByTestId("live-confirm-yes").click();
    expect((await submitted).status()).to.equal(200);
    const sentAt = performance.now();
    await screen
      .getByTestId("slot")
      .nth(n - 1)
      .locator(".slot-total")
      .filter({ hasText: exactly(String(total)) })
      .waitFor();
    latencies.push(performance.now() - sentAt);
  }

  /** After the seventh total: exactly one highest and one lowest struck through, and the segment's score. */
  async function checkSegmentOnScreen(s: number, segment: SegmentKey, score: string): Promise<void> {
    const totals = STAGE[s][segment];
    await screen
      .getByTestId("segment-score")
      .filter({ hasText: exactly(score) })
      .waitFor();
    const struck = await screen.locator("[data-slots] s").allTextContents();
    expect(struck.map(Number).sort((a, b) => a - b)).to.deep.equal([Math.min(...totals), Math.max(...totals)]);
  }

  it("runs the final: a no-show at the end, talks timed, seven phones scoring, the screen following", async function () {
    this.timeout(240_000);
    const consoleText = (id: string) => consolePage.getByTestId(id);
    // 缺席: the first finalist drawn moves to the end of the order.
    await consoleText("no-show").click();
    await consoleText("current-code")
      .filter({ hasText: exactly(stage[0].code) })
      .waitFor();
    const last = consolePage.locator(`[data-testid=order-slot][data-code="${stage[5].code}"]`);
    await last.filter({ hasText: "缺席 1 次" }).waitFor();
    expect(await consolePage.getByTestId("order-slot").last().getAttribute("data-code")).to.equal(stage[5].code);

    for (const [s, entry] of stage.entries()) {
      const plan = STAGE[s];
      await consoleText("current-code")
        .filter({ hasText: exactly(entry.code) })
        .waitFor();
      await consoleText("current-segment").filter({ hasText: "自主命题" }).waitFor();
      await screen
        .getByTestId("current-code")
        .filter({ hasText: exactly(entry.code) })
        .waitFor();

      // The talk, timed by the app's clock.
      await consoleText("timer-start").click();
      await consoleText("timer-stop").waitFor();
      clock.advance(plan.clockSeconds * 1000);
      if (plan.seconds < plan.clockSeconds) {
        // Past the cutoff the talk is over whether or not anyone presses stop: both pages, reloaded, say 04:30.
        await Promise.all([consolePage.reload(), screen.reload()]);
        expect(await consoleText("timer-stop").count()).to.equal(0);
      } else await consoleText("timer-stop").click();
      await consoleText("clock")
        .filter({ hasText: mmss(plan.seconds) })
        .waitFor();
      await screen
        .getByTestId("clock")
        .filter({ hasText: mmss(plan.seconds) })
        .waitFor();
      // Painted with the clock: no deduction is an empty line.
      for (const deduction of [consoleText("deduction"), screen.getByTestId("deduction")])
        if (plan.deduction) await deduction.filter({ hasText: exactly(plan.deduction) }).waitFor();
        else expect((await deduction.textContent())?.trim()).to.equal("");
      if (s === 2) await screenshot(consolePage, "live-console");

      // The seven judges score at once, as they do in the hall.
      await Promise.all(phones.map((_, i) => scoreOnPhone(i + 1, s, "talk")));
      await checkSegmentOnScreen(s, "talk", plan.talkScore);
      if (s === 0) {
        // The tie at the top and at the bottom: one 88 and one 75 struck, the other 88 and 75 counted.
        const kept = await screen.locator("[data-slots] .slot:not(.dropped) .slot-total").allTextContents();
        expect(kept.map(Number).sort((a, b) => a - b)).to.deep.equal([75, 79, 80, 82, 88]);
      }

      await consoleText("advance-next").click();
      await consoleText("current-segment").filter({ hasText: "评委问答" }).waitFor();
      await Promise.all(phones.map((_, i) => scoreOnPhone(i + 1, s, "qa")));
      await checkSegmentOnScreen(s, "qa", plan.qaScore);
      await screen
        .getByTestId("score")
        .filter({ hasText: exactly(plan.score) })
        .waitFor();
      if (s === 5) await screenshot(screen, "live-screen-1920");
      await consoleText("advance-next").click();
    }
    await consoleText("finished").waitFor();
    await screen.getByTestId("finished").waitFor({ state: "visible" });

    const sorted = [...latencies].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)].toFixed(0);
    console.log(
      `      submit → big screen (${sorted.length} submits): p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`,
    );
  });

  it("the ranking and prizes on the big screen and in the computed results equal the hand computation", async function () {
    this.timeout(60_000);
    const rows = await screen
      .locator("[data-ranking] tr")
      .evaluateAll((trs) =>
        trs.map((tr) =>
          ["rank", "rank-code", "total", "prize"].map((c) => tr.querySelector(`.${c}`)!.textContent!.trim()),
        ),
      );
    expect(rows).to.deep.equal(
      RANKING.map(([s, , rank, prize]) => [
        String(rank),
        stage[s].code,
        STAGE[s].score,
        prize ? PRIZE_TEXT[prize] : "",
      ]),
    );
    const computed = await as(app, contest.admin).post(`/api/v1/contests/${contest.contestId}/results/compute`);
    expect(computed.status, JSON.stringify(computed.body)).to.equal(200);
    expect(
      computed.body.results.map((r: { code: string; score: number; rank: number; prize: string | null }) => [
        r.code,
        r.score,
        r.rank,
        r.prize,
      ]),
    ).to.deep.equal(RANKING.map(([s, score, rank, prize]) => [stage[s].code, score, rank, prize]));
  });
});
