import { expect } from "chai";
import request from "supertest";
import { ADMIN, createActor, startTestApp, TestClock, type Actor, type TestApp } from "../../helpers/app.js";
import { openContest, submit, videoSubmission } from "../../helpers/entries.js";
import { testMedia } from "../../helpers/media.js";
import { pageSession, type PageAgent } from "../../helpers/pages.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** The text of each audit row of a page, tags removed, spaces collapsed. */
function rowsOf(html: string): string[] {
  return [...html.matchAll(/<tr data-testid="audit-row"[\s\S]*?<\/tr>/g)].map((m) =>
    m[0]
      .replace(/<[^>]+>/g, " ")
      .replace(/\s+/g, " ")
      .trim(),
  );
}

describe("the readable audit log (issue 10, item 8)", () => {
  const clock = new TestClock(new Date("2026-12-01T02:00:00Z"));
  let app: TestApp;
  let organizer: PageAgent;
  let contestId: string;
  let otherContestId: string;
  let admin: string;
  let second: Actor;
  let entryCode: string;
  const as = (token: string) => ({
    get: (path: string) => request(app.server).get(path).set("Authorization", `Bearer ${token}`),
    post: (path: string, body?: object) =>
      request(app.server).post(path).set("Authorization", `Bearer ${token}`).send(body),
    patch: (path: string, body?: object) =>
      request(app.server).patch(path).set("Authorization", `Bearer ${token}`).send(body),
  });

  before(async function () {
    this.timeout(120_000);
    app = await startTestApp({ clock });
    const dates = { opensAt: "2026-01-01T00:00:00Z", closesAt: "2099-01-01T00:00:00Z" };
    ({ id: contestId, admin } = await openContest(app, { title: "2026 科普微视频大赛", ...dates }));
    ({ id: otherContestId } = await openContest(app, { title: "科学实验展演", kind: "experiment", ...dates }));
    const contestant = await createActor(app, "contestant", { city: "保定" });
    const entry = await submit(app, contestId, contestant.token, videoSubmission(await testMedia()));
    expect(entry.status).to.equal(201);
    entryCode = entry.body.entry.code;
    clock.set("2026-12-02T06:30:00Z");
    const patched = await as(admin).patch(`/api/v1/contests/${contestId}`, {
      rules: { noticeDays: 10, recommendationQuotas: { 保定: 2 } },
    });
    expect(patched.status, JSON.stringify(patched.body)).to.equal(200);
    second = await createActor(app, "organizer", { name: "第二组织者" });
    expect(
      (await as(second.token).post(`/api/v1/entries/${entry.body.entry.id}/disqualify`, { reason: "分辨率不足" }))
        .status,
    ).to.equal(200);
    clock.set("2026-12-03T01:05:00Z");
    expect((await as(admin).post(`/api/v1/contests/${contestId}/stage`, { to: "closed" })).status).to.equal(200);
    organizer = await pageSession(app, ADMIN.email, ADMIN.password);
  });
  after(() => app.close());

  it("a stage move reads: label, contest title, Shanghai time, 阶段: 征集中 → 已截止", async () => {
    const page = await organizer.get(`/admin/audit?contestId=${contestId}&action=contest.stage`);
    expect(page.status).to.equal(200);
    const rows = rowsOf(page.text);
    expect(rows[0]).to.include("2026年12月03日 09:05").and.include("变更赛事阶段").and.include("2026 科普微视频大赛");
    expect(rows[0]).to.include("阶段： 征集中 → 已截止");
    expect(rows[0]).to.include("截止时间：").and.include("2026年12月03日 09:05");
    expect(rows.join("\n")).to.not.match(UUID);
  });

  it("a rule change reads 字段: 旧 → 新 for each rule changed, with Chinese field labels", async () => {
    const rows = rowsOf((await organizer.get(`/admin/audit?action=contest.update`)).text);
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include("修改赛事").and.include("2026年12月02日 14:30");
    expect(rows[0]).to.include("规则 · 公示天数： 7 → 10");
    expect(rows[0]).to.include("规则 · 各市推荐名额 · 保定： （无） → 2");
    const stored = await app.db("audit_log").where({ action: "contest.update" }).first();
    expect(JSON.parse(stored.details)).to.deep.equal({
      changes: [
        { field: "rules.recommendationQuotas.保定", from: null, to: 2 },
        { field: "rules.noticeDays", from: 7, to: 10 },
      ],
    });
  });

  it("filters by contest (entries of the contest included), by user and by action, on the server", async () => {
    const byContest = rowsOf((await organizer.get(`/admin/audit?contestId=${contestId}`)).text);
    expect(byContest.some((r) => r.includes(`作品 ${entryCode}（2026 科普微视频大赛）`))).to.equal(true);
    expect(byContest.join("\n")).to.not.include("科学实验展演");
    const other = rowsOf((await organizer.get(`/admin/audit?contestId=${otherContestId}`)).text);
    expect(other).to.have.length(2);
    const byUser = rowsOf((await organizer.get(`/admin/audit?actorId=${second.user.id}`)).text);
    expect(byUser).to.have.length(1);
    expect(byUser[0]).to.include("第二组织者").and.include("取消资格").and.include("理由： 分辨率不足");
    const page = await organizer.get(`/admin/audit?actorId=${second.user.id}`);
    expect(page.text).to.match(new RegExp(`<option value="${second.user.id}" selected>第二组织者</option>`));
  });

  it("the filter lists name every actor and every action in the log, once each", async () => {
    const log: { actor_id: string | null; action: string }[] = await app.db("audit_log").select("actor_id", "action");
    const actorIds = new Set(log.map((r) => r.actor_id).filter((id) => id !== null));
    const actors: { id: string; name: string }[] = await app
      .db("users")
      .whereIn("id", [...actorIds])
      .select("id", "name");
    const optionsOf = (html: string, testid: string) =>
      [
        ...new RegExp(`data-testid="${testid}">([\\s\\S]*?)</select>`)
          .exec(html)![1]
          .matchAll(/<option value="([^"]+)"/g),
      ].map((m) => m[1]);
    const page = (await organizer.get("/admin/audit")).text;
    expect(optionsOf(page, "filter-actor"))
      .to.have.members(actors.map((a) => a.id))
      .and.have.length(actors.length);
    expect(optionsOf(page, "filter-action")).to.have.members([...new Set(log.map((r) => r.action))]);
    expect(optionsOf(page, "filter-action")).to.have.length(new Set(log.map((r) => r.action)).size);
  });

  it("pages 50 rows at a time and keeps the filters in the paging links", async () => {
    const rows = Array.from({ length: 60 }, (_, i) => ({
      at: "2026-12-04T00:00:00.000Z",
      actor_id: null,
      action: "results.compute",
      target_type: "contest",
      target_id: otherContestId,
      details: JSON.stringify({ ranked: i }),
    }));
    await app.db("audit_log").insert(rows);
    const first = await organizer.get(`/admin/audit?action=results.compute`);
    expect(rowsOf(first.text)).to.have.length(50);
    const hrefs = [...first.text.matchAll(/href="([^"]+)"/g)].map((m) =>
      m[1].replace(/&#x3D;/g, "=").replace(/&amp;/g, "&"),
    );
    expect(hrefs).to.include("/admin/audit?action=results.compute&page=2");
    const second = await organizer.get(`/admin/audit?action=results.compute&page=2`);
    expect(rowsOf(second.text)).to.have.length(10);
  });

  it("exports the filtered list as CSV in the reader's words", async () => {
    const csv = await organizer.get(`/admin/audit.csv?contestId=${contestId}&action=contest.stage`);
    expect(csv.status).to.equal(200);
    expect(csv.headers["content-type"]).to.include("text/csv");
    const lines = csv.text.trim().split("\r\n");
    expect(lines[0]).to.include("时间,操作人,操作,赛事,对象,详情");
    expect(csv.text).to.include("变更赛事阶段").and.include("阶段: 征集中 → 已截止");
    expect(csv.text).to.not.include("contest.update");
  });

  it("the API keeps its shape and adds the readable fields", async () => {
    const res = await as(admin).get(`/api/v1/audit?contestId=${contestId}&action=contest.stage`);
    expect(res.status).to.equal(200);
    expect(res.body).to.include.keys("records", "page", "pageSize");
    const [latest] = res.body.records;
    expect(latest).to.include({ action: "contest.stage", targetType: "contest", targetId: contestId });
    expect(latest.details).to.include({ from: "open", to: "closed" });
    expect(latest).to.include({ actionLabel: "变更赛事阶段", contestTitle: "2026 科普微视频大赛" });
    expect(latest.lines[0]).to.deep.equal({ label: "阶段", from: "征集中", value: "已截止" });
    const en = await as(admin).get(`/api/v1/audit?action=contest.stage`).set("Accept-Language", "en");
    expect(en.body.records[0].actionLabel).to.equal("Moved contest stage");
  });

  it("bad filters get 400 with the error shape and write nothing; only organizers see the log", async () => {
    const judge = await createActor(app, "judge");
    const before = await writtenState(app);
    for (const query of ["action=drop%20table", "page=0", "who=me", `contestId=${"x".repeat(40)}`]) {
      const res = await as(admin).get(`/api/v1/audit?${query}`);
      expect(res.status, query).to.equal(400);
      expect(res.body.error).to.have.keys("code", "message", "details");
    }
    expect((await organizer.get("/admin/audit?who=me")).status).to.equal(400);
    expect((await as(second.token).get("/api/v1/audit")).status).to.equal(200);
    expect((await as(judge.token).get("/api/v1/audit")).status).to.equal(403);
    await expectNothingWritten(app, before);
  });
});
