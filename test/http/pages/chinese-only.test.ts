import { expect } from "chai";
import request from "supertest";
import { newId } from "../../../src/lib/ids.js";
import { ADMIN, createActor, startTestApp, TestClock, type Actor, type TestApp } from "../../helpers/app.js";
import { openContest, submit, videoSubmission } from "../../helpers/entries.js";
import { judgedContest, type JudgedContest } from "../../helpers/judged.js";
import { testMedia } from "../../helpers/media.js";
import { pageSession, type PageAgent } from "../../helpers/pages.js";

/**
 * No English words in the Chinese UI: the main pages of every role, rendered in zh-CN, have no
 * Latin word in their visible text (text, titles, placeholders, labels for screen readers) beyond
 * a short list of proper terms. Codes, file names, e-mail addresses and anything with a digit are
 * not words; code and command blocks (<code>, <pre>) are not prose.
 */

/** Formats and names that are written in Latin letters in Chinese text too. */
const PROPER_TERMS = new Set([
  "SHA", // SHA-256
  "PDF",
  "CSV",
  "XLSX",
  "Excel",
  "JPEG",
  "JPG",
  "PNG",
  "WEBP",
  "MP4",
  "MOV",
  "DOCX",
  "PPTX",
  "JSON",
  "ID",
  "English", // the language switch names the language in itself
  "Linux",
  "macOS",
  "Windows",
  "Node.js",
  "KB", // file sizes, as Chinese file managers write them
  "MB",
  "GB",
]);

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'" };

/** The page's visible text, with the attributes a reader sees or hears. */
function visibleText(html: string): string {
  const attrs = [...html.matchAll(/\s(?:placeholder|title|aria-label|alt)="([^"]*)"/g)].map((m) => m[1]);
  const title = /<title>([\s\S]*?)<\/title>/.exec(html)?.[1] ?? "";
  const body = (/<body[^>]*>([\s\S]*)<\/body>/.exec(html)?.[1] ?? html)
    .replace(/<(script|style|pre|code|svg)\b[\s\S]*?<\/\1>/g, " ")
    .replace(/<[^>]+>/g, " ");
  return [title, ...attrs, body]
    .join(" ")
    .replace(/&(amp|lt|gt|quot|#x27);/g, (e) => ENTITIES[e])
    .replace(/&#x[0-9A-F]+;/gi, (e) => String.fromCodePoint(parseInt(e.slice(3, -1), 16)));
}

/** The Latin words of a text that are neither proper terms nor technical tokens (codes, files, addresses). */
function latinWords(text: string): string[] {
  const tokens = text.match(/[A-Za-z][A-Za-z0-9._@/+'’-]*/g) ?? [];
  return tokens
    .map((t) => t.replace(/[.'’-]+$/, ""))
    .filter((t) => t.length >= 2)
    .filter((t) => !/\d|@|\/|\.[a-z]{2,4}$/i.test(t) || t === "Node.js")
    .filter((t) => !PROPER_TERMS.has(t) && !PROPER_TERMS.has(t.toUpperCase()));
}

/** A sheet of the video contest's default rubric (DESIGN §3), every criterion at `scientific`'s share. */
const sheet = (scientific: number) => ({ scientific, knowledge: 15, accessible: 15, artistic: 12, interest: 12 });

describe("no English words in the Chinese pages of any role", () => {
  const clock = new TestClock();
  let app: TestApp;
  let c: JudgedContest;
  let openId: string;
  let ownEntryId: string;
  let coordinator: Actor;
  let reporter: Actor;
  let reportActivityId: string;
  const agents: Record<string, PageAgent> = {};

  /** Renders each page in Chinese and fails listing every page with its English words. */
  async function expectChinese(...pages: [role: string, path: string][]): Promise<void> {
    const found: string[] = [];
    for (const [role, path] of pages) {
      const agent = role === "anonymous" ? request.agent(app.server) : agents[role];
      const res = await agent.get(path).set("Accept", "text/html").set("Accept-Language", "zh-CN");
      expect(res.status, `${role} ${path}: ${res.status}`).to.equal(200);
      expect(res.text).to.include('<html lang="zh-CN">');
      const words = latinWords(visibleText(res.text));
      if (words.length > 0) found.push(`${role} ${path}: ${[...new Set(words)].join(" ")}`);
    }
    expect(found, `English words in the Chinese UI:\n  ${found.join("\n  ")}\n`).to.deep.equal([]);
  }

  before(async function () {
    this.timeout(180_000);
    const media = await testMedia();
    app = await startTestApp({ clock });
    c = await judgedContest(app, {
      contest: { title: "河北省科普微视频大赛", prizes: { mode: "count", first: 1, second: 1, third: 0 } },
      sheets: [
        [sheet(28), sheet(27)],
        [null, sheet(20)],
      ],
    });
    openId = (await openContest(app, { title: "科普讲解大赛" })).id;
    const res = await submit(app, openId, c.contestant.token, videoSubmission(media, { fields: { unit: "保定一中" } }));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    ownEntryId = String(res.body.entry.id);
    coordinator = await createActor(app, "coordinator", { city: "保定", name: "保定协调员" });
    reporter = await createActor(app, "reporter", { city: "保定", unit: "保定市科学技术馆" });
    // A week and one activity of the reporter's unit, for his pages (the activity as the import leaves it).
    const week = await request(app.server)
      .post("/api/v1/report-weeks")
      .set("Authorization", `Bearer ${c.admin}`)
      .send({ title: "科技活动周", summaryDueAt: new Date(clock.now().getTime() + 10 * 86_400_000).toISOString() });
    reportActivityId = newId();
    const at = clock.now().toISOString();
    await app.db("activities").insert({
      ...{ id: reportActivityId, week_id: week.body.week.id, unit_id: reporter.user.unitId, city: "保定" },
      ...{ title: "科普进社区", theme: "科普行动", form: "现场活动", starts_at: at, ends_at: at, place: "科技馆" },
      ...{ import_key: "科普进社区", created_at: at, updated_at: at },
    });
    // The helpers name people in English ("judge 3"); people's names are data, not the UI's words.
    const users = await app.db("users").select("id").orderBy("created_at");
    for (const [i, u] of users.entries())
      await app
        .db("users")
        .where({ id: u.id })
        .update({ name: `用户${i + 1}` });
    agents.organizer = await pageSession(app, ADMIN.email, ADMIN.password);
    agents.contestant = await pageSession(app, c.contestant.email, c.contestant.password);
    agents.judge = await pageSession(app, c.judges[0].email, c.judges[0].password);
    agents.coordinator = await pageSession(app, coordinator.email, coordinator.password);
    agents.reporter = await pageSession(app, reporter.email, reporter.password);
  });
  after(() => app?.close());

  it("finds the words it must (the check itself works)", () => {
    expect(latinWords(visibleText("<p>评分 Score 已提交 SP-2026-0001 form.pdf a@b.cn PDF</p>"))).to.deep.equal([
      "Score",
    ]);
    expect(latinWords(visibleText('<input placeholder="Search"><pre>npm run verify</pre>'))).to.deep.equal(["Search"]);
  });

  describe("in judging", () => {
    const pages = (): [role: string, path: string][] => [
      ["anonymous", "/"],
      ["anonymous", "/contests"],
      ["anonymous", "/login"],
      ["anonymous", "/register"],
      ["anonymous", `/contests/${openId}`],
      ["contestant", "/my/entries"],
      ["contestant", `/contests/${openId}/submit`],
      ["contestant", `/entries/${ownEntryId}`],
      ["contestant", "/my/results"],
      ["contestant", "/me/password"],
      ["judge", "/judge"],
      ["judge", "/me/profile"],
      ["coordinator", "/contests"],
      ["coordinator", `/contests/${openId}/entries`],
      ["organizer", "/contests"],
      ["organizer", "/contests/new"],
      ["organizer", "/admin/users"],
      ["organizer", "/admin/users/import"],
      ["organizer", "/admin/audit"],
      ["organizer", `/contests/${c.contestId}/statistics`],
      ["organizer", "/statistics"],
      ["organizer", `/contests/${c.contestId}/rounds`],
      ["organizer", `/contests/${c.contestId}/rules`],
      ["organizer", `/contests/${c.contestId}`],
      ["organizer", `/contests/${c.contestId}/judging`],
      ["organizer", `/contests/${c.contestId}/progress`],
      ["organizer", `/contests/${c.contestId}/review/results`],
      ["organizer", `/contests/${openId}/entries`],
      ["organizer", `/entries/${c.entries[0].id}/history`],
      ["organizer", "/units"],
      ["coordinator", "/units"],
      ["organizer", "/reports/weeks"],
      ["reporter", "/reports/mine"],
      ["reporter", `/reports/mine/${reportActivityId}`],
    ];
    it("every main page of every role", async () => {
      await expectChinese(...pages());
    });

    it("the judge's score sheet", async () => {
      const a = await app.db("assignments").where({ judge_id: c.judges[0].user.id, entry_id: c.entries[1].id }).first();
      await expectChinese(["judge", `/judge/assignments/${a.id}`]);
    });
  });

  describe("in notice and final", () => {
    const stage = async (to: string) => {
      const res = await request(app.server)
        .post(`/api/v1/contests/${c.contestId}/stage`)
        .set("Authorization", `Bearer ${c.admin}`)
        .send({ to });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
    };

    it("the public notice, the objections and my results", async () => {
      await stage("review");
      // The seeded panel leaves some entries short: accepted with a reason, which the rules then print.
      const computed = await request(app.server)
        .get(`/api/v1/contests/${c.contestId}/results`)
        .set("Authorization", `Bearer ${c.admin}`);
      const short = (computed.body.results as { entryId: string; short?: object }[]).filter((r) => r.short);
      for (const { entryId } of short) {
        const accepted = await request(app.server)
          .post(`/api/v1/contests/${c.contestId}/short-panels`)
          .set("Authorization", `Bearer ${c.admin}`)
          .send({ entryId, reason: "一位评委回避，无人可替" });
        expect(accepted.status, JSON.stringify(accepted.body)).to.equal(201);
      }
      await stage("notice");
      await expectChinese(
        ["anonymous", `/contests/${c.contestId}/results`],
        ["contestant", `/contests/${c.contestId}/results`],
        ["organizer", `/contests/${c.contestId}/results`],
        ["organizer", `/contests/${c.contestId}/objections`],
        ["contestant", "/my/results"],
      );
    });

    it("the final results", async () => {
      clock.advance(8 * 86_400_000);
      await stage("final");
      await expectChinese(["anonymous", `/contests/${c.contestId}/results`], ["anonymous", `/contests/${c.contestId}`]);
    });
  });
});
