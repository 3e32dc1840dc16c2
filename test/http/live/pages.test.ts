import { expect } from "chai";
import request from "supertest";
import { ADMIN, createActor, startTestApp, type TestApp } from "../../helpers/app.js";
import { as, liveContest, type LiveContest } from "../../helpers/live.js";
import { csrfOf, pageSession, type PageAgent } from "../../helpers/pages.js";

/** The live final's pages: the organizer's setup (segments, the draw) and a panel judge's phone. */

/** The live tables and the audit log: what a refused post must leave as it was. */
async function liveRows(app: TestApp) {
  const out: Record<string, unknown[]> = {};
  for (const table of ["live_finals", "live_slots", "live_sheets", "live_topics", "audit_log"])
    out[table] = await app.db(table).select("*");
  return out;
}

const SEGMENTS = {
  "segments[0][key]": "talk",
  "segments[0][label]": "讲解",
  "segments[0][weight]": "0.6",
  "segments[0][seconds]": "240",
  "segments[0][criteria][0][key]": "content",
  "segments[0][criteria][0][label]": "内容",
  "segments[0][criteria][0][max]": "60",
  "segments[0][criteria][0][step]": "1",
  "segments[0][criteria][1][key]": "delivery",
  "segments[0][criteria][1][label]": "表达",
  "segments[0][criteria][1][max]": "40",
  "segments[0][criteria][1][step]": "0.5",
  "segments[1][key]": "qa",
  "segments[1][label]": "问答",
  "segments[1][weight]": "0.4",
  "segments[1][seconds]": "",
  "segments[1][criteria][0][key]": "answer",
  "segments[1][criteria][0][label]": "回答",
  "segments[1][criteria][0][max]": "100",
  "segments[1][criteria][0][step]": "1",
};

describe("live final pages", () => {
  let app: TestApp;
  let contest: LiveContest;
  let organizer: PageAgent;
  let setupUrl: string;
  let judgeUrl: string;

  const judgePage = async (agent: PageAgent) => agent.get(judgeUrl).set("Accept", "text/html");

  before(async () => {
    app = await startTestApp();
    // Judge 2 (index 1) has not accepted the declaration yet.
    contest = await liveContest(app, { finalists: 3, judges: 3, undeclared: [1] });
    organizer = await pageSession(app, ADMIN.email, ADMIN.password);
    setupUrl = `/contests/${contest.contestId}/live/setup`;
    judgeUrl = `/contests/${contest.contestId}/live/judge`;
  });
  after(() => app.close());

  describe("setup (/contests/:id/live/setup)", () => {
    it("is the organizer's only: a judge gets 403", async () => {
      const judge = await pageSession(app, contest.judges[0].email, contest.judges[0].password);
      expect((await judge.get(setupUrl).set("Accept", "text/html")).status).to.equal(403);
    });

    it("before the start, a panel judge's phone says the final has not begun", async () => {
      const judge = await pageSession(app, contest.judges[0].email, contest.judges[0].password);
      const res = await judgePage(judge);
      expect(res.status).to.equal(200);
      expect(res.text).to.include('data-testid="live-not-started"').and.include("/static/js/live-judge.js");
    });

    it("is linked from the contest page while judging", async () => {
      const res = await organizer.get(`/contests/${contest.contestId}`).set("Accept", "text/html");
      expect(res.text).to.include(`href="${setupUrl}" data-testid="live-setup-link"`);
    });

    it("offers the default segments with their rubric rows, the topic bank and the seed", async () => {
      const res = await organizer.get(setupUrl).set("Accept", "text/html");
      expect(res.status).to.equal(200);
      expect(res.text).to.include('name="segments[0][key]" value="selfTopic"');
      expect(res.text).to.include('name="segments[1][key]" value="randomTopic"');
      expect(res.text).to.include('name="segments[0][criteria][0][key]" value="accuracy"');
      // No topic imported yet: the random-topic segment would have none.
      expect(res.text).to.include('data-testid="live-topics-warning"');
      expect(res.text).to.include('data-testid="live-topics-form"').and.include('name="seed"');
    });

    it("adding a segment shows the form again with one more, writing nothing", async () => {
      const page = await organizer.get(setupUrl).set("Accept", "text/html");
      const before = await liveRows(app);
      const res = await organizer
        .post(setupUrl)
        .type("form")
        .set("Accept", "text/html")
        .send({ _csrf: csrfOf(page.text), ...SEGMENTS, seed: "7", action: "addSegment" });
      expect(res.status).to.equal(200);
      expect(res.text).to.include('name="segments[1][key]" value="qa"').and.include('name="segments[2][key]" value=""');
      expect(res.text).to.include('name="seed" value="7"');
      expect(await liveRows(app)).to.deep.equal(before);
    });

    it("weights not summing to 1 are refused on the page with the segments kept, and nothing is written", async () => {
      const page = await organizer.get(setupUrl).set("Accept", "text/html");
      const before = await liveRows(app);
      const res = await organizer
        .post(setupUrl)
        .type("form")
        .set("Accept", "text/html")
        .send({ _csrf: csrfOf(page.text), ...SEGMENTS, "segments[1][weight]": "0.5", action: "start", confirmed: "1" });
      expect(res.status).to.equal(400);
      expect(res.text).to.include('class="flash flash-error"').and.include('name="segments[1][weight]" value="0.5"');
      expect(await liveRows(app)).to.deep.equal(before);
    });

    it("抽签并开始 asks first, then draws the order from the seed and links the console, the screen and the phones", async () => {
      const page = await organizer.get(setupUrl).set("Accept", "text/html");
      const before = await liveRows(app);
      const asked = await organizer
        .post(setupUrl)
        .type("form")
        .set("Accept", "text/html")
        .send({ _csrf: csrfOf(page.text), ...SEGMENTS, seed: "2026", action: "start" });
      expect(asked.status).to.equal(200);
      // The confirmation posts the same segments again under their form names.
      expect(asked.text).to.include('name="segments[0][criteria][1][step]" value="0.5"');
      expect(await liveRows(app)).to.deep.equal(before);

      const started = await organizer
        .post(setupUrl)
        .type("form")
        .set("Accept", "text/html")
        .send({ _csrf: csrfOf(page.text), ...SEGMENTS, seed: "2026", action: "start", confirmed: "1" });
      expect(started.status, started.text.slice(0, 500)).to.equal(303);
      const final = await app.db("live_finals").first();
      expect(final.seed).to.equal("2026");
      const segments = JSON.parse(final.segments);
      expect(segments.map((s: { key: string; weight: number }) => [s.key, s.weight])).to.deep.equal([
        ["talk", 0.6],
        ["qa", 0.4],
      ]);
      expect(segments[0].seconds).to.equal(240);
      expect(segments[1]).not.to.have.property("seconds");

      const shown = await organizer.get(setupUrl).set("Accept", "text/html");
      const codes = [...shown.text.matchAll(/<li data-code="([^"]+)"/g)].map((m) => m[1]);
      const slots = await app.db("live_slots").orderBy("position").select("entry_id");
      const codeOf = new Map(contest.entries.map((e) => [e.id, e.code]));
      expect(codes).to.deep.equal(slots.map((s: { entry_id: string }) => codeOf.get(s.entry_id)));
      expect(shown.text)
        .to.include(`/contests/${contest.contestId}/live/console`)
        .and.include(`/contests/${contest.contestId}/live/screen`)
        .and.include(judgeUrl);
      expect(shown.text).not.to.include('data-testid="live-setup-form"');
    });
  });

  describe("the judge's phone (/contests/:id/live/judge)", () => {
    let judge: PageAgent;
    let current: { id: string; code: string };

    before(async () => {
      judge = await pageSession(app, contest.judges[0].email, contest.judges[0].password);
      const final = await app.db("live_finals").first();
      current = contest.entries.find((e) => e.id === final.current_entry_id)!;
    });

    it("is for the panel's judges only: another judge and a contestant get 403", async () => {
      const outsider = await createActor(app, "judge");
      const other = await pageSession(app, outsider.email, outsider.password);
      expect((await judgePage(other)).status).to.equal(403);
      const contestant = await createActor(app, "contestant");
      expect((await judgePage(await pageSession(app, contestant.email, contestant.password))).status).to.equal(403);
    });

    it("shows the current finalist by code and title with the segment's rubric, and no name anywhere", async () => {
      const res = await judgePage(judge);
      expect(res.status).to.equal(200);
      expect(res.text).to.include(current.code).and.include('data-testid="live-segment">讲解');
      expect(res.text).to.include('name="scores[content]"').and.include('max="40" step="0.5"');
      const entries = await app
        .db("entries")
        .where({ contest_id: contest.contestId })
        .select("authors", "unit", "owner_id");
      const contestant = await app.db("users").where({ id: entries[0].owner_id }).first();
      const names = [
        contestant.name,
        ...entries.flatMap((e: { authors: string; unit: string }) => [
          e.unit,
          ...JSON.parse(e.authors).map((a: { name: string }) => a.name),
        ]),
      ];
      expect(names).to.include("选手1");
      for (const name of names) expect(res.text, `the phone shows ${name}`).not.to.include(name);
    });

    it("asks for the declaration first when the judge has not accepted it", async () => {
      const second = contest.judges[1];
      const res = await judgePage(await pageSession(app, second.email, second.password));
      expect(res.status).to.equal(200);
      expect(res.text).to.include('data-testid="declaration"').and.not.include("scores[content]");
    });

    it("a draft saved through the page route as the judge types keeps its values after a reload", async () => {
      const page = await judgePage(judge);
      const res = await judge
        .post(judgeUrl)
        .type("form")
        .set("Accept", "application/json")
        .send({
          _csrf: csrfOf(page.text),
          entryId: current.id,
          segment: "talk",
          "scores[content]": "51",
          "scores[delivery]": "",
          action: "draft",
        });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.sheet).to.include({ status: "draft", segment: "talk" });
      const again = await judgePage(judge);
      expect(again.text).to.match(/name="scores\[content\]"[^>]*value="51"/);
      expect(again.text).to.match(/name="scores\[delivery\]"[^>]*value=""/);
    });

    it("a score off its step is refused on the page, the typed values kept, nothing written", async () => {
      const page = await judgePage(judge);
      const before = await liveRows(app);
      const res = await judge
        .post(judgeUrl)
        .type("form")
        .set("Accept", "text/html")
        .send({
          _csrf: csrfOf(page.text),
          entryId: current.id,
          segment: "talk",
          "scores[content]": "52",
          "scores[delivery]": "30.3",
          action: "draft",
        });
      expect(res.status).to.equal(400);
      expect(res.text).to.match(/name="scores\[delivery\]"[^>]*value="30.3"/);
      expect(await liveRows(app)).to.deep.equal(before);
    });

    it("提交 asks first; once submitted the sheet is locked, shown as 已提交, and a second submission is refused", async () => {
      const page = await judgePage(judge);
      const form = {
        _csrf: csrfOf(page.text),
        entryId: current.id,
        segment: "talk",
        "scores[content]": "55",
        "scores[delivery]": "36.5",
        action: "submit",
      };
      const before = await liveRows(app);
      const asked = await judge.post(judgeUrl).type("form").set("Accept", "text/html").send(form);
      expect(asked.status).to.equal(200);
      expect(asked.text).to.include('name="scores[delivery]" value="36.5"');
      expect(await liveRows(app)).to.deep.equal(before);

      const done = await judge
        .post(judgeUrl)
        .type("form")
        .set("Accept", "text/html")
        .send({ ...form, confirmed: "1" });
      expect(done.status).to.equal(303);
      const sheet = await app.db("live_sheets").where({ judge_id: contest.judges[0].user.id }).first();
      expect(sheet).to.include({ status: "submitted", total: 91.5 });

      const locked = await judgePage(judge);
      expect(locked.text).to.include('data-testid="live-locked"').and.include('data-testid="live-waiting"');
      expect(locked.text).to.match(/<fieldset class="plain" disabled>/);

      const afterSubmit = await liveRows(app);
      const again = await judge
        .post(judgeUrl)
        .type("form")
        .set("Accept", "application/json")
        .send({ ...form, _csrf: csrfOf(locked.text), "scores[content]": "10" });
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal("sheet_locked");
      expect(await liveRows(app)).to.deep.equal(afterSubmit);
    });
  });

  describe("after the organizer moves on", () => {
    let judge: PageAgent;
    let entryId: string;

    before(async () => {
      judge = await pageSession(app, contest.judges[0].email, contest.judges[0].password);
      entryId = (await app.db("live_finals").first()).current_entry_id;
      const next = await as(app, contest.admin).post(`/api/v1/contests/${contest.contestId}/live/advance`, {
        to: "next",
      });
      expect(next.status, JSON.stringify(next.body)).to.equal(200);
    });

    it("the phone shows the next segment with an empty sheet", async () => {
      const res = await judgePage(judge);
      expect(res.text).to.include('data-testid="live-segment">问答').and.include('name="scores[answer]"');
      expect(res.text).not.to.include('data-testid="live-locked"');
    });

    it("a sheet reopened for a correction (更正) appears as its own block, editable, and can be submitted again", async () => {
      const reopen = await as(app, contest.admin).post(`/api/v1/contests/${contest.contestId}/live/reopen`, {
        entryId,
        segment: "talk",
        judge: contest.judges[0].user.id,
        reason: "误填分数",
      });
      expect(reopen.status, JSON.stringify(reopen.body)).to.equal(200);
      const page = await judgePage(judge);
      const block = page.text.slice(page.text.indexOf('data-testid="live-reopened"'));
      expect(block).to.include('data-testid="live-sheet-talk"').and.include('data-testid="live-corrected"');
      expect(block).to.match(/name="scores\[delivery\]"[^>]*value="36.5"/);
      const res = await judge
        .post(judgeUrl)
        .type("form")
        .set("Accept", "text/html")
        .send({
          _csrf: csrfOf(page.text),
          entryId,
          segment: "talk",
          "scores[content]": "50",
          "scores[delivery]": "36.5",
          action: "submit",
          confirmed: "1",
        });
      expect(res.status).to.equal(303);
      const sheet = await app.db("live_sheets").where({ judge_id: contest.judges[0].user.id, segment: "talk" }).first();
      expect(sheet).to.include({ status: "submitted", total: 86.5, corrections: 1 });
      expect((await judgePage(judge)).text).not.to.include('data-testid="live-reopened"');
    });
  });

  describe("the topic bank on the setup page", () => {
    const csv = (rows: string[]) => Buffer.from(`\uFEFF${rows.join("\r\n")}\r\n`, "utf8");
    const uploadPage = async (file: Buffer) => {
      const page = await organizer.get(setupUrl).set("Accept", "text/html");
      return organizer
        .post(`${setupUrl}/topics?_csrf=${encodeURIComponent(csrfOf(page.text))}`)
        .set("Accept", "text/html")
        .attach("file", file, "题库.csv");
    };

    it("imports a file and shows the count", async () => {
      const res = await uploadPage(csv(["题目", "为什么天空是蓝色的？", "黑洞是什么"]));
      expect(res.status).to.equal(303);
      const page = await organizer.get(setupUrl).set("Accept", "text/html");
      expect(page.text).to.match(/data-testid="live-topic-count">[^<]*2/);
    });

    it("a bad file is shown again with its reason, nothing written", async () => {
      const before = await liveRows(app);
      const res = await uploadPage(csv(["问题", "x"]));
      expect(res.status).to.equal(400);
      expect(res.text).to.include('data-code="topics_header"');
      expect(await liveRows(app)).to.deep.equal(before);
    });

    it("the template link downloads the workbook", async () => {
      const res = await organizer.get(`${setupUrl}/topics/template`);
      expect(res.status).to.equal(200);
      expect(res.headers["content-type"]).to.include("spreadsheetml");
    });
  });

  it("the setup page needs a session", async () => {
    const anonymous = await request(app.server).get(setupUrl).set("Accept", "text/html");
    expect(anonymous.status).to.be.oneOf([302, 303, 401]);
  });
});
