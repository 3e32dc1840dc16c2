import { expect } from "chai";
import request from "supertest";
import { ADMIN, startTestApp, type TestApp } from "../../helpers/app.js";
import { judgedContest, type JudgedContest } from "../../helpers/judged.js";
import { csrfFor, pageSession, type PageAgent } from "../../helpers/pages.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

const rubric = { criteria: [{ key: "content", label: "内容", max: 100, step: 1 }] };
const one = (n: number) => ({ content: n });

describe("rounds pages: the list, opening the next round through a preview and a confirmation, the finalists list", () => {
  let app: TestApp;
  let c: JudgedContest;
  let organizer: PageAgent;
  let csrf: string;

  const form = (path: string, fields: Record<string, string>) =>
    organizer
      .post(path)
      .type("form")
      .set("Accept", "text/html")
      .send({ _csrf: csrf, ...fields });
  const next = {
    name: "决赛",
    rule: "top",
    value: "3",
    aggregation: "mean",
    judgesPerEntry: "",
    criteria: "现场表现 60 1\n答辩 40",
  };

  before(async function () {
    this.timeout(120_000);
    app = await startTestApp();
    c = await judgedContest(app, {
      contest: { rubric, aggregation: "mean" },
      sheets: [90, 80, 70, 70, 60].map((n) => [one(n), one(n), one(n)]),
    });
    organizer = await pageSession(app, ADMIN.email, ADMIN.password);
    csrf = await csrfFor(organizer);
  });
  after(() => app.close());

  it("the rounds page lists round 1 with its rubric, aggregation, judges and entries, and offers the next round", async () => {
    const page = await organizer.get(`/contests/${c.contestId}/rounds`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain("第 1 轮 · 初评").and.contain("内容 100").and.contain("所有评委平均分");
    expect(page.text).to.contain("5 件").and.contain("3 位").and.contain(`/contests/${c.contestId}/rounds/next`);
  });

  it("the form starts from the current round's rubric; the preview states the tie at the cut and writes nothing", async () => {
    const empty = await organizer.get(`/contests/${c.contestId}/rounds/next`);
    expect(empty.text).to.contain("内容 100 1").and.not.contain('data-testid="advancement-preview"');
    const before = await writtenState(app);
    const preview = await organizer.get(`/contests/${c.contestId}/rounds/next`).query(next);
    expect(preview.status).to.equal(200);
    expect(preview.text).to.contain("第3名有2件并列，共4件入围").and.contain("按前 3 名晋级，共 4 件入围");
    for (const e of c.entries.slice(0, 4)) expect(preview.text).to.contain(e.code);
    expect(preview.text).to.not.contain(c.entries[4].code);
    await expectNothingWritten(app, before);
  });

  it("a preview with a bad value shows the field's message with 400", async () => {
    const res = await organizer.get(`/contests/${c.contestId}/rounds/next`).query({ ...next, value: "0" });
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('class="field-error"');
  });

  it("opening without confirmed=1 only shows what will happen, and writes nothing", async () => {
    const before = await writtenState(app);
    const res = await form(`/contests/${c.contestId}/rounds`, next);
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('data-testid="confirmation"');
    expect(res.text).to.contain("初评将结束").and.contain("共 4 件进入决赛").and.contain("现场表现 60、答辩 40");
    await expectNothingWritten(app, before);
  });

  it("a refused opening (bad rubric line) shows the form again with the message and writes nothing", async () => {
    const before = await writtenState(app);
    const res = await form(`/contests/${c.contestId}/rounds`, { ...next, criteria: "现场表现", confirmed: "1" });
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('data-testid="round-form"').and.contain('class="field-error"');
    await expectNothingWritten(app, before);
  });

  it("confirmed, the final opens with the previewed finalists and its own rubric", async () => {
    const res = await form(`/contests/${c.contestId}/rounds`, { ...next, confirmed: "1" });
    expect(res.status).to.equal(303);
    const rounds = await app.db("rounds").where({ contest_id: c.contestId }).orderBy("number");
    expect(rounds.map((r) => [r.number, r.status])).to.deep.equal([
      [1, "closed"],
      [2, "open"],
    ]);
    expect(
      JSON.parse(rounds[1].rubric).criteria.map((k: { label: string; max: number }) => [k.label, k.max]),
    ).to.deep.equal([
      ["现场表现", 60],
      ["答辩", 40],
    ]);
    expect(await app.db("round_entries").where({ round_id: rounds[1].id }).pluck("entry_id")).to.have.length(4);
    const page = await organizer.get(`/contests/${c.contestId}/rounds`);
    expect(page.text).to.contain("第 2 轮 · 决赛").and.contain("前 3 名晋级").and.contain("全体评委");
  });

  it("round 1's results page stays, with the finalists marked", async () => {
    const page = await organizer.get(`/contests/${c.contestId}/rounds/1/results`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain("初评成绩");
    expect(page.text.match(/data-testid="advanced"/g)).to.have.length(4);
  });

  it("publishing the finalists list asks first, then is audited; the public sees it without logging in", async () => {
    const publicPath = `/contests/${c.contestId}/rounds/1/finalists`;
    expect((await request(app.server).get(publicPath)).status).to.equal(404);
    const before = await writtenState(app);
    const ask = await form(`/contests/${c.contestId}/rounds/1/publish`, {});
    expect(ask.text).to.contain('data-testid="confirmation"').and.contain("任何人无需登录即可查看");
    await expectNothingWritten(app, before);
    const done = await form(`/contests/${c.contestId}/rounds/1/publish`, { confirmed: "1" });
    expect(done.status).to.equal(303);
    const round = await app.db("rounds").where({ contest_id: c.contestId, number: 1 }).first();
    expect(round.finalists_published_at).to.be.a("string");
    const list = await request(app.server).get(publicPath);
    expect(list.status).to.equal(200);
    expect(list.text)
      .to.contain("初评入围名单")
      .and.contain("作者 1")
      .and.contain("参赛单位 1")
      .and.contain("前 3 名晋级");
    expect(list.text).to.not.contain(c.entries[4].code);
    // The round's rules: how its finalists advanced (the tie stated), and no prizes, which only the final gives.
    expect(list.text).to.contain("晋级：前 3 名晋级（第3名有2件并列，共4件入围）。").and.not.contain("设奖");
    const contestPage = await request(app.server).get(`/contests/${c.contestId}`);
    expect(contestPage.text).to.contain(`href="${publicPath}"`);
    const en = await request(app.server).get(publicPath).set("Accept-Language", "en");
    expect(en.text).to.contain("First round finalists");
  });

  it("a contestant cannot open the rounds pages", async () => {
    expect((await request(app.server).get(`/contests/${c.contestId}/rounds`)).status).to.be.oneOf([302, 303, 401]);
  });
});
