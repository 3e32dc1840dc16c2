import { expect } from "chai";
import request from "supertest";
import { ADMIN, contestBody, startTestApp, tokenFor, type TestApp } from "../../helpers/app.js";
import { csrfOf, pageSession, type PageAgent } from "../../helpers/pages.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

/** Issue 10 item 2: the rules editor on the contest's settings page. */
describe("contests: the rules editor (GET/POST /contests/:id/rules)", () => {
  let app: TestApp;
  let admin: string;
  let page: PageAgent;

  const create = async (over: Record<string, unknown> = {}) => {
    const res = await request(app.server)
      .post("/api/v1/contests")
      .set("Authorization", `Bearer ${admin}`)
      .send(contestBody(over));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.contest.id as string;
  };
  const moveTo = async (id: string, ...stages: string[]) => {
    for (const to of stages) {
      const res = await request(app.server)
        .post(`/api/v1/contests/${id}/stage`)
        .set("Authorization", `Bearer ${admin}`)
        .send({ to });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
    }
  };
  /** A JSON column as read back: text on SQLite, already parsed on PostgreSQL. */
  const json = (value: unknown) => (typeof value === "string" ? JSON.parse(value) : value);
  const rulesOf = async (id: string) => {
    const row = await app.db("contests").where({ id }).first();
    return { rules: json(row.rules), rubric: json(row.rubric) };
  };
  const audits = (id: string) =>
    app
      .db("audit_log")
      .where({ action: "contest.update", target_id: id })
      .orderBy("id")
      .then((rows) => rows.map((r) => json(r.details)));

  /** Posts one group's fields as the browser does (pairs in order: a hidden "0" before each checkbox). */
  const post = async (id: string, pairs: [string, string][]) => {
    const form = await page.get(`/contests/${id}/rules`).set("Accept", "text/html");
    const body = new URLSearchParams([["_csrf", csrfOf(form.text)], ...pairs]).toString();
    return page.post(`/contests/${id}/rules`).type("form").set("Accept", "text/html").send(body);
  };

  before(async function () {
    this.timeout(60_000);
    app = await startTestApp();
    admin = await tokenFor(app, ADMIN.email, ADMIN.password);
    page = await pageSession(app, ADMIN.email, ADMIN.password);
  });
  after(() => app.close());

  it("shows every group, explained in Chinese, with the 15 recommending units (省直单位 among them)", async () => {
    const id = await create();
    const res = await page.get(`/contests/${id}/rules`).set("Accept", "text/html");
    expect(res.status).to.equal(200);
    for (const group of ["文件要求", "参赛限制", "推荐与配额", "评审规则", "讲解时间", "扣分项"])
      expect(res.text).to.include(`<h2>${group}</h2>`);
    expect(res.text.match(/name="quotas\[/g)).to.have.length(15);
    expect(res.text).to.include("省直单位").and.include("雄安新区");
    // The video's 5-minute limit shown as minutes and seconds.
    expect(res.text).to.match(/name="files\[video\]\[maxSeconds\]\[m\]"[^>]*value="5"/);
  });

  it("saves the file requirements, and audits each field before → after", async () => {
    const id = await create();
    const res = await post(id, [
      ["files[video][required]", "0"],
      ["files[video][required]", "1"],
      ["files[video][types][]", ""],
      ["files[video][types][]", "mp4"],
      ["files[video][types][]", "mov"],
      ["files[video][maxMB]", "300"],
      ["files[video][minSeconds][m]", "2"],
      ["files[video][minSeconds][s]", "0"],
      ["files[video][maxSeconds][m]", "4"],
      ["files[video][maxSeconds][s]", "0"],
      ["files[video][minHeight]", ""],
      ["files[video][aspectRatio]", "16:9"],
      ["files[video][videoCodecs][]", ""],
      ["files[video][videoCodecs][]", "h264"],
      ["files[cover][required]", "0"],
      ["files[cover][types][]", ""],
      ["files[cover][types][]", "png"],
      ["files[cover][maxMB]", "10"],
    ]);
    expect(res.status, res.text.slice(0, 500)).to.equal(303);
    const { rules } = await rulesOf(id);
    expect(rules.files.video).to.deep.equal({
      required: true,
      types: ["mp4", "mov"],
      maxBytes: 300 * 1048576,
      minSeconds: 120,
      maxSeconds: 240,
      aspectRatio: "16:9",
      videoCodecs: ["h264"],
    });
    expect(rules.files.cover.types).to.deep.equal(["png"]);
    const [audit] = await audits(id);
    expect(audit.changes).to.deep.include.members([
      { field: "rules.files.video.maxSeconds", from: 300, to: 240 },
      { field: "rules.files.video.maxBytes", from: 500 * 1048576, to: 300 * 1048576 },
      { field: "rules.files.video.minHeight", from: 1080, to: null },
      { field: "rules.files.video.types", from: ["mp4"], to: ["mp4", "mov"] },
      { field: "rules.files.cover.types", from: ["jpeg", "png"], to: ["png"] },
    ]);
    expect(audit.changes).to.have.length(5);
  });

  it("saves the entry limits (empty means no limit)", async () => {
    const id = await create();
    const res = await post(id, [
      ["maxEntriesPerAuthor", ""],
      ["maxEntriesPerContestant", "10"],
      ["maxEntriesPerUnit", "4"],
      ["teamMax", "3"],
    ]);
    expect(res.status).to.equal(303);
    const { rules } = await rulesOf(id);
    expect(rules).to.include({
      maxEntriesPerAuthor: null,
      maxEntriesPerContestant: 10,
      maxEntriesPerUnit: 4,
      teamMax: 3,
    });
    expect((await audits(id))[0].changes).to.deep.include({ field: "rules.maxEntriesPerAuthor", from: 2, to: null });
  });

  it("saves recommendation and the per-city quotas (保定 2, 省直 0, the rest the common quota)", async () => {
    const id = await create();
    const res = await post(id, [
      ["requiresRecommendation", "0"],
      ["requiresRecommendation", "1"],
      ["recommendationQuota", "4"],
      ["quotas[保定]", "2"],
      ["quotas[省直]", "0"],
      ["quotas[唐山]", ""],
    ]);
    expect(res.status).to.equal(303);
    const { rules } = await rulesOf(id);
    expect(rules).to.include({ requiresRecommendation: true, recommendationQuota: 4 });
    expect(rules.recommendationQuotas).to.deep.equal({ 保定: 2, 省直: 0 });
    expect((await audits(id))[0].changes).to.deep.include.members([
      { field: "rules.requiresRecommendation", from: false, to: true },
      { field: "rules.recommendationQuotas.保定", from: null, to: 2 },
    ]);
    const shown = await page.get(`/contests/${id}/rules`).set("Accept", "text/html");
    expect(shown.text).to.match(/name="quotas\[保定\]"[^>]*value="2"/);
  });

  it("saves the judging rules: vote weight as a percentage, notice days, same-city conflict, safety gate", async () => {
    const id = await create();
    const res = await post(id, [
      ["sameCityConflict", "0"],
      ["sameCityConflict", "1"],
      ["safetyGate", "0"],
      ["votePercent", "12.5"],
      ["noticeDays", "10"],
    ]);
    expect(res.status).to.equal(303);
    expect((await rulesOf(id)).rules).to.include({
      sameCityConflict: true,
      safetyGate: false,
      publicVoteWeight: 0.125,
      noticeDays: 10,
    });
  });

  it("saves the talk-time rules in minutes and seconds, and turns them off", async () => {
    const id = await create({ kind: "explainer" });
    const res = await post(id, [
      ["timeRules[enabled]", "0"],
      ["timeRules[enabled]", "1"],
      ["timeRules[minSeconds][m]", "2"],
      ["timeRules[minSeconds][s]", "30"],
      ["timeRules[targetSeconds][m]", "3"],
      ["timeRules[targetSeconds][s]", "30"],
      ["timeRules[cutoffSeconds][m]", "4"],
      ["timeRules[cutoffSeconds][s]", "0"],
      ["timeRules[graceSeconds]", "10"],
      ["timeRules[underPenalty]", "1"],
      ["timeRules[overPenalty]", "3"],
    ]);
    expect(res.status).to.equal(303);
    expect((await rulesOf(id)).rules.timeRules).to.deep.equal({
      minSeconds: 150,
      targetSeconds: 210,
      cutoffSeconds: 240,
      graceSeconds: 10,
      underPenalty: 1,
      overPenalty: 3,
    });
    expect((await post(id, [["timeRules[enabled]", "0"]])).status).to.equal(303);
    expect((await rulesOf(id)).rules.timeRules).to.equal(null);
  });

  it("adds and removes deduction rows; the criteria stay", async () => {
    const id = await create();
    const add = await post(id, [
      ["deductions[0][key]", "late"],
      ["deductions[0][label]", "逾期提交"],
      ["deductions[0][max]", "5"],
      ["deductions[0][step]", ""],
      ["deductions[1][key]", "logo"],
      ["deductions[1][label]", "含有标识"],
      ["deductions[1][max]", "10"],
      ["deductions[1][step]", "1"],
    ]);
    expect(add.status).to.equal(303);
    let { rubric } = await rulesOf(id);
    expect(rubric.deductions).to.deep.equal([
      { key: "late", label: "逾期提交", max: 5 },
      { key: "logo", label: "含有标识", max: 10, step: 1 },
    ]);
    expect(rubric.criteria).to.have.length(5);
    const remove = await post(id, [
      ["deductions[0][key]", "late"],
      ["deductions[0][label]", "逾期提交"],
      ["deductions[0][max]", "5"],
      ["deductions[0][remove]", "0"],
      ["deductions[0][remove]", "1"],
      ["deductions[1][key]", "logo"],
      ["deductions[1][label]", "含有标识"],
      ["deductions[1][max]", "10"],
      ["deductions[1][step]", "1"],
    ]);
    expect(remove.status).to.equal(303);
    ({ rubric } = await rulesOf(id));
    expect(rubric.deductions.map((d: { key: string }) => d.key)).to.deep.equal(["logo"]);
    const changes = (await audits(id))[1].changes;
    expect(changes).to.have.length(1);
    expect(changes[0].field).to.equal("rubric.deductions");
  });

  const badValues: [string, [string, string][], string, RegExp][] = [
    [
      "a size that is not a number",
      [["files[video][maxMB]", "很大"]],
      "rules.files.video.maxBytes",
      /name="files\[video\]\[maxMB\]"[^>]*value="很大"/,
    ],
    ["a vote weight of 40 %", [["votePercent", "40"]], "rules.publicVoteWeight", /0 到 30 之间的百分比/],
    [
      "a negative city quota",
      [["quotas[保定]", "-1"]],
      "rules.recommendationQuotas.保定",
      /name="quotas\[保定\]"[^>]*value="-1"/,
    ],
    [
      "a minimum talk longer than the target",
      [
        ["timeRules[enabled]", "1"],
        ["timeRules[minSeconds][m]", "5"],
        ["timeRules[targetSeconds][m]", "4"],
        ["timeRules[cutoffSeconds][m]", "5"],
        ["timeRules[graceSeconds]", "15"],
        ["timeRules[underPenalty]", "2"],
        ["timeRules[overPenalty]", "2"],
      ],
      "rules.timeRules.minSeconds",
      /最短时长不能大于规定时长/,
    ],
  ];
  for (const [name, pairs, , shown] of badValues) {
    it(`refuses ${name} with the field's message beside it, keeping what was typed, and writes nothing`, async () => {
      const id = await create({ kind: "explainer" });
      const before = await writtenState(app);
      const res = await post(id, pairs);
      expect(res.status).to.equal(400);
      expect(res.text).to.match(shown);
      expect(res.text).to.include('class="field-error"');
      await expectNothingWritten(app, before);
    });
  }

  it("all or nothing: one bad field in a group saves none of the group's other changes", async () => {
    const id = await create();
    const before = await writtenState(app);
    const res = await post(id, [
      ["maxEntriesPerUnit", "4"],
      ["teamMax", "零"],
    ]);
    expect(res.status).to.equal(400);
    await expectNothingWritten(app, before);
  });

  it("once judging starts, the entry rules and deductions are shown disabled with why; talk time stays editable", async () => {
    const id = await create({ kind: "explainer" });
    await moveTo(id, "open", "closed", "judging");
    const res = await page.get(`/contests/${id}/rules`).set("Accept", "text/html");
    expect(res.text).to.include("评审已开始，这些规则不能再改");
    expect(res.text).to.include("评审已开始，评分规则不能再改");
    expect(res.text).to.match(/data-testid="rules-files">[\s\S]*?<fieldset class="plain" disabled>/);
    expect(res.text).to.match(/data-testid="rules-time">[\s\S]*?<fieldset class="plain" >/);
    const saved = await post(id, [
      ["timeRules[enabled]", "1"],
      ["timeRules[minSeconds][m]", "3"],
      ["timeRules[targetSeconds][m]", "4"],
      ["timeRules[cutoffSeconds][m]", "4"],
      ["timeRules[cutoffSeconds][s]", "30"],
      ["timeRules[graceSeconds]", "20"],
      ["timeRules[underPenalty]", "2"],
      ["timeRules[overPenalty]", "2"],
    ]);
    expect(saved.status).to.equal(303);
    expect((await rulesOf(id)).rules.timeRules.graceSeconds).to.equal(20);
  });

  it("a locked field posted anyway is refused with the reason, and nothing is written", async () => {
    const id = await create();
    await moveTo(id, "open", "closed", "judging");
    const before = await writtenState(app);
    const res = await post(id, [
      ["maxEntriesPerUnit", "4"],
      ["votePercent", "10"],
    ]);
    expect(res.status).to.equal(409);
    expect(res.text).to.include("不能修改");
    await expectNothingWritten(app, before);
    const api = await request(app.server)
      .patch(`/api/v1/contests/${id}`)
      .set("Authorization", `Bearer ${admin}`)
      .send({ rules: { maxEntriesPerUnit: 4, publicVoteWeight: 0.1 } });
    expect(api.status).to.equal(409);
    expect(api.body.error.details.locked).to.deep.equal(["rules.maxEntriesPerUnit"]);
    await expectNothingWritten(app, before);
  });

  it("the JSON PATCH is audited before → after too, and a limit set to null is removed", async () => {
    const id = await create();
    const res = await request(app.server)
      .patch(`/api/v1/contests/${id}`)
      .set("Authorization", `Bearer ${admin}`)
      .send({ title: "新名称", rules: { files: { video: { maxSeconds: 240, minHeight: null } } } });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.contest.rules.files.video).to.not.have.property("minHeight");
    const [audit] = await audits(id);
    expect(audit.changes).to.deep.equal([
      { field: "title", from: "2026 科普微视频大赛", to: "新名称" },
      { field: "rules.files.video.maxSeconds", from: 300, to: 240 },
      { field: "rules.files.video.minHeight", from: 1080, to: null },
    ]);
  });

  it("saving a group unchanged writes nothing", async () => {
    const id = await create();
    const before = await writtenState(app);
    const res = await post(id, [
      ["maxEntriesPerAuthor", "2"],
      ["maxEntriesPerContestant", "30"],
      ["maxEntriesPerUnit", ""],
      ["teamMax", ""],
    ]);
    expect(res.status).to.equal(303);
    await expectNothingWritten(app, before);
  });

  it("answers English with Accept-Language: en", async () => {
    const id = await create();
    const res = await page.get(`/contests/${id}/rules`).set("Accept", "text/html").set("Accept-Language", "en");
    expect(res.text).to.include("File requirements").and.include("Province units");
  });
});
