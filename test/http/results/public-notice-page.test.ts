import { expect } from "chai";
import request from "supertest";
import { ADMIN, startTestApp, TestClock, type TestApp } from "../../helpers/app.js";
import { judgedContest, type JudgedContest } from "../../helpers/judged.js";
import { pageSession, type PageAgent } from "../../helpers/pages.js";

/**
 * The public results page speaks plainly first: what the list is, until when and how to object; the
 * fingerprints (SHA-256) and shell commands sit collapsed below. Once final it is called 最终结果
 * (page title, heading and the links to it), no longer 成绩公示.
 */

const html = (agent: PageAgent, path: string) => agent.get(path).set("Accept", "text/html");
const textOf = (page: string) =>
  page
    .replace(/<[^>]+>/g, " ")
    .replace(/&quot;/g, '"')
    .replace(/&#x3D;/g, "=")
    .replace(/\s+/g, " ");
const titleOf = (page: string) => /<title>([^<]*)<\/title>/.exec(page)?.[1] ?? "";
const h1Of = (page: string) => textOf(/<h1>([\s\S]*?)<\/h1>/.exec(page)?.[1] ?? "").trim();

describe("the public results page: plain words first, 最终结果 once final", () => {
  const clock = new TestClock(new Date("2026-12-01T02:00:00Z"));
  let app: TestApp;
  let c: JudgedContest;
  let organizer: PageAgent;
  const page = () => `/contests/${c.contestId}/results`;
  const stage = async (to: string) => {
    const res = await request(app.server)
      .post(`/api/v1/contests/${c.contestId}/stage`)
      .set("Authorization", `Bearer ${c.admin}`)
      .send({ to });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
  };

  before(async function () {
    this.timeout(180_000);
    app = await startTestApp({ clock });
    c = await judgedContest(app, {
      contest: {
        title: "河北省科普微视频大赛",
        rubric: { criteria: [{ key: "science", label: "科学性", max: 100, step: 1 }] },
        prizes: { mode: "count", first: 1, second: 1, third: 0 },
        opensAt: "2026-01-01T00:00:00Z",
        closesAt: "2099-01-01T00:00:00Z",
      },
      sheets: [
        [{ science: 90 }, { science: 88 }],
        [{ science: 80 }, { science: 78 }],
      ],
    });
    organizer = await pageSession(app, ADMIN.email, ADMIN.password);
    await stage("review");
    await stage("notice");
    const contest = await app.db("contests").where({ id: c.contestId }).first();
    expect(contest.stage).to.equal("notice");
  });
  after(() => app?.close());

  describe("in notice", () => {
    it("leads with what the list is, until when objections may be filed and how, before the winners", async () => {
      const res = await html(request.agent(app.server), page());
      expect(res.status).to.equal(200);
      const intro = res.text.indexOf('data-testid="notice-intro"');
      expect(intro).to.be.above(0);
      expect(intro).to.be.below(res.text.indexOf('data-testid="winners"'));
      const section = textOf(res.text.slice(intro, res.text.indexOf("</section>", intro)));
      const what = section.indexOf("本页公布的是这次评审的结果");
      const until = section.indexOf("公示期至 2026年12月08日 10:00（北京时间）");
      const how = section.indexOf("如何提出异议");
      expect(what, section).to.be.at.least(0);
      expect(until, section).to.be.above(what);
      expect(how, section).to.be.above(until);
      expect(section).to.include("登录后可实名提出异议").and.not.include("SHA-256");
    });

    it("keeps the fingerprints and shell commands in a collapsed <details>, after the winners", async () => {
      const res = await html(request.agent(app.server), page());
      const details = /<details class="verify"([^>]*)>/.exec(res.text);
      expect(details, "no verification <details>").to.not.equal(null);
      expect(details![1]).not.to.match(/\bopen\b/);
      const start = res.text.indexOf('<details class="verify"');
      expect(start).to.be.above(res.text.indexOf('data-testid="winners"'));
      const inside = res.text.slice(start, res.text.indexOf("</details>", start));
      expect(inside).to.include("SHA-256").and.include('data-testid="snapshots"').and.include("sha256sum");
      expect(res.text.slice(0, start)).not.to.include("sha256sum").and.not.include('<code class="hash">');
    });

    it("is titled 成绩公示 while in notice", async () => {
      const res = await html(request.agent(app.server), page());
      expect(titleOf(res.text)).to.include("河北省科普微视频大赛 · 成绩公示");
      expect(h1Of(res.text)).to.equal("河北省科普微视频大赛 · 成绩公示");
    });
  });

  describe("once final", () => {
    before(async () => {
      clock.advance(8 * 86_400_000);
      await stage("final");
    });

    for (const [locale, name, old] of [
      ["zh-CN", "最终结果", "成绩公示"],
      ["en", "Final results", "Published results"],
    ])
      it(`is titled ${name} in the page title, the heading and the links to it (${locale})`, async () => {
        const res = await html(request.agent(app.server), `${page()}?lang=${locale}`);
        expect(res.status).to.equal(200);
        expect(titleOf(res.text)).to.include(`河北省科普微视频大赛 · ${name}`).and.not.include(old);
        expect(h1Of(res.text)).to.equal(`河北省科普微视频大赛 · ${name}`);
        const contestPage = await html(request.agent(app.server), `/contests/${c.contestId}?lang=${locale}`);
        expect(contestPage.text).to.match(new RegExp(`data-testid="public-results">${name}</a>`));
        const review = await html(organizer, `/contests/${c.contestId}/review/results?lang=${locale}`);
        expect(review.text).to.match(new RegExp(`data-testid="public-page">${name}</a>`));
        await html(organizer, "/contests?lang=zh-CN");
      });

    it("says in plain words that these are the final results", async () => {
      const res = await html(request.agent(app.server), `${page()}?lang=zh-CN`);
      const intro = res.text.indexOf('data-testid="notice-intro"');
      const section = textOf(res.text.slice(intro, res.text.indexOf("</section>", intro)));
      expect(section).to.include("最终结果").and.not.include("如何提出异议");
      expect(res.text).not.to.include("成绩公示");
    });
  });
});
