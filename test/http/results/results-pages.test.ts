import { expect } from "chai";
import { createHash } from "node:crypto";
import ExcelJS from "exceljs";
import request from "supertest";
import { ADMIN, createActor, snapshot, startTestApp, TestClock, type Actor, type TestApp } from "../../helpers/app.js";
import { judgedContest, type JudgedContest } from "../../helpers/judged.js";
import { testMedia, type TestMedia } from "../../helpers/media.js";
import { csrfFor, csrfOf, pageSession, type PageAgent } from "../../helpers/pages.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

const rubric = {
  criteria: [
    { key: "science", label: "科学性", max: 50, step: 1 },
    { key: "art", label: "艺术性", max: 50, step: 1 },
  ],
};
/** A sheet with this total, split over the two criteria. */
const s = (total: number) => ({ science: Math.ceil(total / 2), art: Math.floor(total / 2) });

/**
 * Six entries of quality q = 90, 86, …, 70; judges 1–4 give q + 1, q − 1, q, q and judge 5 gives
 * q − 12 everywhere (harsh: 12 under the others, while judges differ by about 5.4 on one entry),
 * so each of his sheets is an outlier too. Trimmed mean: drop q + 1 and q − 12, average q − 1, q, q
 * → q − 1/3 (90 → 89.67). A seventh entry is never scored.
 */
const QUALITY = [90, 86, 82, 78, 74, 70];
const SHEETS = [...QUALITY.map((q) => [q + 1, q - 1, q, q, q - 12].map(s)), [null, null, null, null, null]];

const html = (agent: PageAgent, path: string) => agent.get(path).set("Accept", "text/html");
const textOf = (page: string) =>
  page
    .replace(/<[^>]+>/g, " ")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, "=")
    .replace(/\s+/g, " ");

describe("results pages: review, public notice, objections, my results", () => {
  const clock = new TestClock(new Date("2026-12-01T02:00:00Z"));
  let app: TestApp;
  let media: TestMedia;
  let c: JudgedContest;
  let organizer: PageAgent;
  let citizen: Actor;
  let citizenPages: PageAgent;
  let owner: PageAgent;
  let codes: string[];
  const review = () => `/contests/${c.contestId}/review/results`;
  const publicPage = () => `/contests/${c.contestId}/results`;

  before(async function () {
    this.timeout(180_000);
    media = await testMedia();
    app = await startTestApp({ clock });
    c = await judgedContest(app, {
      contest: {
        title: "河北省科普微视频大赛",
        rubric,
        prizes: { mode: "count", first: 1, second: 1, third: 1 },
        opensAt: "2026-01-01T00:00:00Z",
        closesAt: "2099-01-01T00:00:00Z",
      },
      sheets: SHEETS,
    });
    codes = c.entries.map((e) => e.code);
    organizer = await pageSession(app, ADMIN.email, ADMIN.password);
    citizen = await createActor(app, "contestant", { name: "张公示" });
    citizenPages = await pageSession(app, citizen.email, citizen.password);
    owner = await pageSession(app, c.contestant.email, c.contestant.password);
  });
  after(() => app?.close());

  describe("the organizer's review (judging: a preview)", () => {
    it("shows the results with explanations, the chart, judge statistics with the harsh judge, outliers and the unranked entry", async () => {
      const res = await html(organizer, review());
      expect(res.status, res.text.slice(0, 500)).to.equal(200);
      expect(res.text)
        .to.include('<html lang="zh-CN">')
        .and.include("成绩审核")
        .and.include('data-testid="preview-note"');
      const table = res.text.slice(
        res.text.indexOf('data-testid="results-table"'),
        res.text.indexOf("</table>", res.text.indexOf('data-testid="results-table"')),
      );
      // Ranked in order of quality; the never-scored entry is not in the table.
      const order = [...table.matchAll(/<code>([^<]+)<\/code>/g)].map((m) => m[1]);
      expect(order).to.deep.equal(codes.slice(0, 6));
      expect(table).to.include("89.67").and.include("一等奖").and.include("二等奖").and.include("三等奖");
      expect(table).to.include("5 位评委：去掉最高分 91、最低分 78，其余平均 89.67");
      expect(textOf(res.text)).to.include(`${codes[6]} 作品 7 — 没有已提交的评分`);
      // The chart: a server-rendered SVG with the prize bands at the cut scores.
      expect(res.text).to.match(/<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*class="score-chart"/);
      expect(res.text)
        .to.include('class="band" data-prize="first" data-from="89.67"')
        .and.include('class="cut" data-prize="third" data-score="81.67"');
      // Judge statistics: judge 5 is harsh, 12 under the others, and flagged alone.
      const stats = res.text.slice(
        res.text.indexOf('data-testid="judge-stats"'),
        res.text.indexOf("</table>", res.text.indexOf('data-testid="judge-stats"')),
      );
      expect(stats.match(/data-testid="bias-flag"/g)).to.have.length(1);
      const harshRow = stats.slice(stats.indexOf(`data-judge="${c.judges[4].user.id}"`));
      expect(harshRow.slice(0, harshRow.indexOf("</tr>")))
        .to.include("偏严")
        .and.include("-12.00")
        .and.include("1.00");
      // Each of judge 5's six sheets is an outlier, highlighted in the matrix and listed.
      expect(res.text.match(/data-testid="outlier-cell"/g)).to.have.length(6);
      expect(res.text).to.include('data-testid="score-matrix"').and.include("<td>91</td>");
      // The rules of the statistics are printed with this round's yardstick.
      expect(textOf(res.text)).to.include("超过 2.5 个标准差").and.include("至少 5 件作品").and.include("本轮为 5.41");
      // The rules in force and the prize counts.
      expect(textOf(res.text))
        .to.include("去掉一个最高分和一个最低分")
        .and.include("本次 6 件作品参与排名：一等奖 1 名、二等奖 1 名、三等奖 1 名");
    });

    it("in English through the language switch", async () => {
      const res = await html(organizer, `${review()}?lang=en`);
      expect(res.text)
        .to.include("Results review")
        .and.include("Harsh")
        .and.include("5 judges: highest 91 and lowest 78 dropped, the rest average 89.67");
      await html(organizer, `${review()}?lang=zh-CN`);
    });

    it("only organizers see it", async () => {
      expect((await html(citizenPages, review())).status).to.equal(403);
      expect((await html(request.agent(app.server), review())).status).to.equal(401);
    });

    it("the compute button stores the results (CSRF required)", async () => {
      const token = csrfOf((await html(organizer, review())).text);
      const before = await snapshot(app.db);
      expect(
        (await organizer.post(`/contests/${c.contestId}/review/results/compute`).type("form").send({})).status,
      ).to.equal(403);
      expect(await snapshot(app.db)).to.deep.equal(before);
      const res = await organizer
        .post(`/contests/${c.contestId}/review/results/compute`)
        .type("form")
        .send({ _csrf: token });
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(review());
      expect(await app.db("computed_results").where({ contest_id: c.contestId }).first()).to.not.equal(undefined);
      expect((await html(organizer, review())).text).to.include("成绩已计算：6 件作品参与排名");
    });

    it("a prize count change is audited and changes the prizes when the results are computed again", async () => {
      const token = csrfOf((await html(organizer, review())).text);
      const bad = await organizer
        .post(`/contests/${c.contestId}/review/results/prizes`)
        .type("form")
        .send({ _csrf: token, prizeMode: "ratio", prizeFirst: "0.5", prizeSecond: "0.4", prizeThird: "0.3" });
      expect(bad.status).to.equal(303);
      expect((await html(organizer, review())).text).to.include("flash-error");
      expect((await app.db("contests").where({ id: c.contestId }).first()).prizes).to.include('"first":1');

      const res = await organizer
        .post(`/contests/${c.contestId}/review/results/prizes`)
        .type("form")
        .send({ _csrf: token, prizeMode: "count", prizeFirst: "2", prizeSecond: "1", prizeThird: "2" });
      expect(res.status).to.equal(303);
      const audit = await app
        .db("audit_log")
        .where({ action: "contest.update", target_id: c.contestId })
        .orderBy("id", "desc")
        .first();
      // Each changed prize count before → after (issue 10, item 8).
      expect(JSON.parse(audit.details)).to.deep.equal({
        changes: [
          { field: "prizes.first", from: 1, to: 2 },
          { field: "prizes.third", from: 1, to: 2 },
        ],
      });
      const page = await html(organizer, review());
      expect(page.text)
        .to.include("奖项设置已保存，成绩已重新计算")
        .and.include("一等奖 2 名、二等奖 1 名、三等奖 2 名");
      const api = await request(app.server)
        .get(`/api/v1/contests/${c.contestId}/results`)
        .set("Authorization", `Bearer ${c.admin}`);
      expect(api.body.results.map((r: { prize: string | null }) => r.prize)).to.deep.equal([
        "first",
        "first",
        "second",
        "third",
        "third",
        null,
      ]);
    });
  });

  describe("the public notice", () => {
    it("is refused before the notice to everyone but organizers, who see a preview", async () => {
      const anonymous = await html(request.agent(app.server), publicPage());
      expect(anonymous.status).to.equal(409);
      expect(anonymous.text).to.include("成绩尚未公示");
      expect((await html(citizenPages, publicPage())).status).to.equal(409);
      const preview = await html(organizer, publicPage());
      expect(preview.status).to.equal(200);
      expect(preview.text).to.include('data-testid="preview-banner"').and.include("作者 1");
    });

    it("the organizer publishes through the stage buttons; the review then links objections", async () => {
      let page = await html(organizer, review());
      expect(page.text).to.include('name="to" value="review"');
      let res = await organizer
        .post(`/contests/${c.contestId}/stage`)
        .type("form")
        .send({ _csrf: csrfOf(page.text), to: "review" });
      expect(res.status).to.equal(302);
      page = await html(organizer, review());
      expect(page.text)
        .to.include('data-testid="stage-button"')
        .and.include("发布公示")
        .and.include('name="to" value="notice"');
      res = await organizer
        .post(`/contests/${c.contestId}/stage`)
        .type("form")
        .send({ _csrf: csrfOf(page.text), to: "notice" });
      expect(res.status).to.equal(302);
      page = await html(organizer, review());
      expect(page.text).to.include('data-testid="objections-link"').and.include("成绩公示后奖项设置不能再修改");
      const contestPage = await html(request.agent(app.server), `/contests/${c.contestId}`);
      expect(contestPage.text).to.include(`href="/contests/${c.contestId}/results" data-testid="public-results"`);
    });

    it("shows everyone the winners by prize level, the rules, the notice window, the snapshot with its SHA-256 and how to verify it", async () => {
      const res = await html(request.agent(app.server), publicPage());
      expect(res.status).to.equal(200);
      const text = textOf(res.text);
      const groups = [...res.text.matchAll(/data-prize="(first|second|third)"/g)].map((m) => m[1]);
      expect(groups).to.deep.equal(["first", "second", "third"]);
      const first = res.text.slice(res.text.indexOf('data-prize="first"'), res.text.indexOf('data-prize="second"'));
      expect(first)
        .to.include(codes[0])
        .and.include(codes[1])
        .and.include("作者 1")
        .and.include("参赛单位 2")
        .and.include("89.67")
        .and.include("一等奖");
      expect(first).not.to.include(codes[2]);
      expect(text).to.include("公示期至 2026年12月08日 10:00（北京时间）");
      expect(text)
        .to.include("去掉一个最高分和一个最低分")
        .and.include("依次比较 “科学性”、“艺术性” 在全部评委中的平均分")
        .and.include("设奖：一等奖 2 名、二等奖 1 名、三等奖 2 名");
      const api = await request(app.server).get(`/api/v1/contests/${c.contestId}/results`);
      expect(res.text).to.include(`<code class="hash">${api.body.snapshotHash}</code>`);
      expect(res.text).to.include(`href="/api/v1/contests/${c.contestId}/results/snapshots/1"`);
      const json = await request(app.server)
        .get(`/api/v1/contests/${c.contestId}/results/snapshots/1`)
        .buffer(true)
        .parse((r, done) => {
          const chunks: Buffer[] = [];
          r.on("data", (chunk: Buffer) => chunks.push(chunk));
          r.on("end", () => done(null, Buffer.concat(chunks)));
        });
      expect(
        createHash("sha256")
          .update(json.body as Buffer)
          .digest("hex"),
      ).to.equal(api.body.snapshotHash);
      expect(text)
        .to.include("如何验证")
        .and.include("sha256sum snapshot-1.json")
        .and.include("certutil -hashfile snapshot-1.json SHA256");
      // Anonymous visitors are asked to log in to object; the unranked entry is not offered anywhere.
      expect(res.text).to.include("登录后可实名提出异议").and.not.include('data-testid="objection-form"');
      expect(res.text).not.to.include(codes[6]);
    });

    it("in English too", async () => {
      const res = await html(request.agent(app.server), `${publicPage()}?lang=en`);
      expect(res.text)
        .to.include("First prize")
        .and.include("How to verify")
        .and.include("Public notice until 2026-12-08 10:00 (UTC+8)");
    });

    it("exports: CSV for everyone, XLSX with the score matrix for organizers", async () => {
      const csv = await request(app.server).get(`/contests/${c.contestId}/results.csv`);
      expect(csv.status).to.equal(200);
      expect(csv.headers["content-type"]).to.include("text/csv");
      expect(csv.text).to.include(codes[0]).and.include("一等奖").and.include("作者 1");
      const xlsx = await organizer
        .get(`/contests/${c.contestId}/results.xlsx`)
        .buffer(true)
        .parse((r, done) => {
          const chunks: Buffer[] = [];
          r.on("data", (chunk: Buffer) => chunks.push(chunk));
          r.on("end", () => done(null, Buffer.concat(chunks)));
        });
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(xlsx.body);
      expect(book.getWorksheet("成绩")!.getRow(2).getCell(2).value).to.equal(codes[0]);
      expect(book.getWorksheet("评分矩阵")!.rowCount).to.equal(1 + 7);
    });
  });

  describe("objections through the page", () => {
    let objectionId: string;
    let formToken: string;

    it("a signed-in person sees the form with his real name and the published entries", async () => {
      const res = await html(citizenPages, publicPage());
      expect(res.text).to.include('data-testid="objection-form"').and.include('enctype="multipart/form-data"');
      expect(res.text).to.include('<strong data-testid="objection-name">张公示</strong>');
      const options = [...res.text.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]);
      expect(options).to.deep.equal(c.entries.slice(0, 6).map((e) => e.id));
      const action = /action="(\/contests\/[^"]+\/objections\?_csrf=([^"]+))"/.exec(res.text)!;
      expect(action[1]).to.equal(`/contests/${c.contestId}/objections?_csrf=${action[2]}`);
      formToken = action[2]!;
    });

    it("without the token nothing is written; a too-short text comes back with the message and what was typed", async () => {
      const before = await writtenState(app);
      const noToken = await citizenPages
        .post(`/contests/${c.contestId}/objections`)
        .set("Accept", "text/html")
        .field("entryId", c.entries[1].id)
        .field("text", "作品存在抄袭。")
        .attach("evidence", media.formPdf);
      expect(noToken.status).to.equal(403);
      const short = await citizenPages
        .post(`/contests/${c.contestId}/objections?_csrf=${formToken}`)
        .set("Accept", "text/html")
        .field("entryId", c.entries[1].id)
        .field("text", "抄袭");
      expect(short.status).to.equal(400);
      expect(short.text)
        .to.include("flash-error")
        .and.include(">抄袭</textarea>")
        .and.include(`<option value="${c.entries[1].id}" selected>`);
      await expectNothingWritten(app, before); // no row, and no evidence file
    });

    it("inside the window a multipart post with a PDF creates the objection; the person sees it with its evidence", async () => {
      const res = await citizenPages
        .post(`/contests/${c.contestId}/objections?_csrf=${formToken}`)
        .set("Accept", "text/html")
        .field("entryId", c.entries[1].id)
        .field("text", "该作品的动画素材与已发表作品高度雷同，见附件对比。")
        .attach("evidence", media.formPdf, "对比材料.pdf");
      expect(res.status, res.text.slice(0, 300)).to.equal(303);
      expect(res.headers.location).to.equal(`${publicPage()}#my-objections`);
      const row = await app.db("objections").where({ contest_id: c.contestId }).first();
      expect(row).to.include({
        entry_id: c.entries[1].id,
        user_id: citizen.user.id,
        status: "open",
        evidence_type: "pdf",
        evidence_name: "对比材料.pdf",
      });
      objectionId = row.id;
      const page = await html(citizenPages, publicPage());
      expect(page.text)
        .to.include("异议已提交")
        .and.include('data-testid="my-objections"')
        .and.include("待处理")
        .and.include(`href="/objections/${objectionId}/evidence"`);
      const evidence = await citizenPages.get(`/objections/${objectionId}/evidence`);
      expect(evidence.status).to.equal(200);
      expect(evidence.headers["content-type"]).to.equal("application/pdf");
      // Someone else may not read it.
      expect((await html(owner, `/objections/${objectionId}/evidence`)).status).to.equal(403);
    });

    it("the organizer's page lists it with who filed it; a reply is required", async () => {
      const page = await html(organizer, `/contests/${c.contestId}/objections`);
      expect(page.status).to.equal(200);
      const text = textOf(page.text);
      expect(text).to.include("张公示").and.include(codes[1]).and.include("高度雷同").and.include("待处理 1 件");
      expect(page.text)
        .to.include(`href="/objections/${objectionId}/evidence"`)
        .and.include(`action="/objections/${objectionId}/resolve"`);
      expect((await organizer.get(`/objections/${objectionId}/evidence`)).status).to.equal(200);
      const before = await writtenState(app);
      const noReply = await organizer
        .post(`/objections/${objectionId}/resolve`)
        .type("form")
        .send({
          _csrf: csrfOf(page.text),
          decision: "upheld",
          disqualify: "true",
          reply: " ",
          next: `/contests/${c.contestId}/objections`,
        });
      expect(noReply.status).to.equal(303);
      expect((await app.db("objections").where({ id: objectionId }).first()).status).to.equal("open");
      await expectNothingWritten(app, before); // not the disqualification either
      expect((await html(organizer, `/contests/${c.contestId}/objections`)).text).to.include("flash-error");
    });

    it("the organizer upholds it with disqualification: the results are recomputed and the public page lists two snapshots", async () => {
      const page = await html(organizer, `/contests/${c.contestId}/objections`);
      const res = await organizer
        .post(`/objections/${objectionId}/resolve`)
        .type("form")
        .send({
          _csrf: csrfOf(page.text),
          decision: "upheld",
          disqualify: "true",
          reply: "经核实，素材确有雷同，取消该作品资格。",
          next: `/contests/${c.contestId}/objections`,
        });
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(`/contests/${c.contestId}/objections`);
      expect(await app.db("objections").where({ id: objectionId }).first()).to.include({ status: "upheld" });
      expect((await app.db("entries").where({ id: c.entries[1].id }).first()).status).to.equal("disqualified");
      const after = await html(organizer, `/contests/${c.contestId}/objections`);
      expect(after.text)
        .to.include("成绩已重新计算并发布新的快照")
        .and.include("已支持")
        .and.not.include('data-testid="resolve-form"');

      const pub = await html(request.agent(app.server), publicPage());
      const rows = [...pub.text.matchAll(/<tr data-snapshot="(\d)">([\s\S]*?)<\/tr>/g)];
      expect(rows.map((r) => r[1])).to.deep.equal(["1", "2"]);
      expect(textOf(rows[1][2])).to.include("更正");
      const hashes = rows.map((r) => /<code class="hash">([0-9a-f]{64})<\/code>/.exec(r[2])![1]);
      expect(new Set(hashes).size).to.equal(2);
      // The disqualified entry is gone from the winners; the next one moves up.
      const winners = pub.text.slice(
        pub.text.indexOf('data-testid="winners"'),
        pub.text.indexOf("</section>", pub.text.indexOf('data-testid="winners"')),
      );
      expect(winners).not.to.include(codes[1]);
      expect(winners.slice(winners.indexOf('data-prize="first"'), winners.indexOf('data-prize="second"')))
        .to.include(codes[0])
        .and.include(codes[2]);
      // The person who filed it sees the reply.
      const mine = await html(citizenPages, publicPage());
      expect(mine.text).to.include("已支持").and.include("经核实，素材确有雷同");
    });

    it("after the window the form is gone and a late objection is refused", async () => {
      clock.advance(8 * 86_400_000);
      try {
        const page = await html(citizenPages, publicPage());
        expect(page.text)
          .to.include("公示期已于 2026年12月08日 10:00（北京时间）结束")
          .and.include("公示期已结束，不再受理异议")
          .and.not.include('data-testid="objection-form"');
        const before = await snapshot(app.db);
        const late = await citizenPages
          .post(`/contests/${c.contestId}/objections?_csrf=${await csrfFor(citizenPages)}`)
          .set("Accept", "text/html")
          .field("entryId", c.entries[2].id)
          .field("text", "逾期提出的异议内容。");
        expect(late.status, textOf(late.text).slice(0, 600)).to.equal(409);
        expect(late.text, textOf(late.text).slice(0, 1500)).to.include("不在公示期内");
        expect(await snapshot(app.db)).to.deep.equal(before);
      } finally {
        clock.advance(-8 * 86_400_000);
      }
    });
  });

  describe("a contestant's own results", () => {
    it("lists his entries with score, rank and prize, and says which are not ranked", async () => {
      const res = await html(owner, "/my/results");
      expect(res.status).to.equal(200);
      expect(res.text).to.include('href="/my/results" aria-current="page"');
      const rows = [
        ...res.text.matchAll(/<tr>\s*<td data-label="作品编号"><code>([^<]+)<\/code><\/td>([\s\S]*?)<\/tr>/g),
      ].map((m) => [m[1], textOf(m[2]).trim()]);
      expect(rows.map((r) => r[0])).to.deep.equal(codes);
      // After the disqualification five are ranked (89.67, 81.67, 77.67, 73.67, 69.67): 2 first, 1 second, 2 third prizes.
      expect(rows[0][1]).to.include("89.67").and.include("第 1 名（共 5 件）").and.include("一等奖");
      expect(rows[1][1]).to.include("未参与排名");
      expect(rows[2][1]).to.include("81.67").and.include("第 2 名（共 5 件）").and.include("一等奖");
      expect(rows[3][1]).to.include("77.67").and.include("第 3 名（共 5 件）").and.include("二等奖");
      expect(rows[5][1]).to.include("69.67").and.include("第 5 名（共 5 件）").and.include("三等奖");
      expect(rows[6][1]).to.include("未参与排名");
    });

    it("before publication it says the results are not out yet", async () => {
      const other = await createActor(app, "contestant");
      const pages = await pageSession(app, other.email, other.password);
      const res = await html(pages, "/my/results");
      expect(res.text).to.include("你还没有提交作品");
    });
  });
});
