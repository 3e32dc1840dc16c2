/**
 * Short panels on the pages: the review page flags the short entry and blocks publishing, its
 * acceptance form asks first and refuses a bad reason writing nothing; the objections page orders
 * re-scoring by a fresh judge and republishes after asking.
 */
import { expect } from "chai";
import request from "supertest";
import { ADMIN, createActor, startTestApp, TestClock, type Actor, type TestApp } from "../../helpers/app.js";
import { judgedContest, type JudgedContest } from "../../helpers/judged.js";
import { csrfOf, pageSession, type PageAgent } from "../../helpers/pages.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

const rubric = {
  criteria: [
    { key: "science", label: "科学性", max: 50, step: 1 },
    { key: "art", label: "艺术性", max: 50, step: 1 },
  ],
};
const s = (science: number, art: number) => ({ science, art });
const html = (agent: PageAgent, path: string) => agent.get(path).set("Accept", "text/html");
const post = (agent: PageAgent, path: string, body: Record<string, string>) =>
  agent.post(path).type("form").set("Accept", "text/html").send(body);

describe("results pages: short panels and re-scoring", () => {
  const clock = new TestClock(new Date("2026-12-01T02:00:00Z"));
  let app: TestApp;
  let c: JudgedContest;
  let organizer: PageAgent;
  let fresh: Actor;
  const reason = "回避后无可替补评委，按 4 位评委的评分计";
  const as = (token: string) => ({
    get: (path: string) => request(app.server).get(path).set("Authorization", `Bearer ${token}`),
    post: (path: string, body?: object) =>
      request(app.server).post(path).set("Authorization", `Bearer ${token}`).send(body),
    put: (path: string, body?: object) =>
      request(app.server).put(path).set("Authorization", `Bearer ${token}`).send(body),
  });
  const review = () => `/contests/${c.contestId}/review/results`;

  before(async function () {
    this.timeout(180_000);
    app = await startTestApp({ clock });
    c = await judgedContest(app, {
      contest: {
        rubric,
        prizes: { mode: "count", first: 1, second: 1, third: 1 },
        opensAt: "2026-01-01T00:00:00Z",
        closesAt: "2099-01-01T00:00:00Z",
      },
      sheets: [
        [s(45, 45), s(45, 45), s(45, 40), s(40, 40), null],
        [s(40, 45), s(40, 45), s(40, 45), s(40, 45), s(40, 45)],
      ],
    });
    const queue = await as(c.judges[4].token).get("/api/v1/me/assignments");
    const mine = queue.body.assignments.find((a: { entryId: string }) => a.entryId === c.entries[0].id);
    await as(c.judges[4].token).post(`/api/v1/assignments/${mine.id}/conflict`, { reason: "亲属关系" });
    await as(c.admin).post(`/api/v1/contests/${c.contestId}/stage`, { to: "review" });
    organizer = await pageSession(app, ADMIN.email, ADMIN.password);
    fresh = await createActor(app, "judge", { unit: "复评单位", city: "唐山" });
  });
  after(() => app.close());

  it("flags the short entry on the review page and the progress page, and says publishing is blocked", async () => {
    const page = await html(organizer, review());
    expect(page.status).to.equal(200);
    expect(page.text).to.include('data-testid="short-panels"');
    expect(page.text).to.include(`${c.entries[0].code}：4 位评委评分（应为 5 位）`);
    expect(page.text).to.include("评委不足 4/5");
    expect(page.text).to.match(/data-testid="short-blocking">[^<]*暂不能发布公示/);
    const progress = await html(organizer, `/contests/${c.contestId}/progress`);
    expect(progress.text).to.include('data-testid="short-entries"');
  });

  it("refuses an empty reason with the form again, and asks before accepting; neither writes", async () => {
    const token = csrfOf((await html(organizer, review())).text);
    const path = `${review()}/short-panels`;
    const before = await writtenState(app);
    const empty = await post(organizer, path, {
      _csrf: token,
      entryId: c.entries[0].id,
      code: c.entries[0].code,
      reason: "",
    });
    expect(empty.status).to.equal(400);
    expect(empty.text).to.include('data-testid="short-form"').and.to.include('class="field-error"');
    const asked = await post(organizer, path, {
      _csrf: token,
      entryId: c.entries[0].id,
      code: c.entries[0].code,
      reason,
    });
    expect(asked.status).to.equal(200);
    expect(asked.text).to.include('data-testid="confirm"').and.to.include("将印在公示和最终结果的评审规则中");
    await expectNothingWritten(app, before, "an unconfirmed or refused acceptance");
  });

  it("accepts once confirmed, and the review page shows the reason in the rules", async () => {
    const token = csrfOf((await html(organizer, review())).text);
    const res = await post(organizer, `${review()}/short-panels`, {
      _csrf: token,
      entryId: c.entries[0].id,
      code: c.entries[0].code,
      reason,
      confirmed: "1",
    });
    expect(res.status).to.equal(303);
    const page = await html(organizer, review());
    expect(page.text).to.include('data-testid="short-accepted"');
    expect(page.text).not.to.include('data-testid="short-blocking"');
    expect(page.text).to.include(`评审人数不足：${c.entries[0].code} 由 4 位评委评分（应为 5 位），理由：${reason}`);
    expect(await app.db("short_panel_acceptances").where({ entry_id: c.entries[0].id })).to.have.length(1);
  });

  it("orders re-scoring from the objections page and republishes after asking", async function () {
    this.timeout(30_000);
    expect((await as(c.admin).post(`/api/v1/contests/${c.contestId}/stage`, { to: "notice" })).status).to.equal(200);
    const citizen = await createActor(app, "contestant");
    const filed = await as(citizen.token).post(`/api/v1/contests/${c.contestId}/objections`, {
      entryId: c.entries[1].id,
      text: "评分不公，请重新评审",
    });
    const objectionId = filed.body.objection.id as string;
    const page = await html(organizer, `/contests/${c.contestId}/objections`);
    expect(page.text).to.include('data-testid="rescore-judge"').and.to.include(`value="${fresh.user.id}"`);
    // Judges who scored the entry are not offered.
    expect(page.text).not.to.include(`<option value="${c.judges[0].user.id}"`);
    const resolution = {
      _csrf: csrfOf(page.text),
      next: `/contests/${c.contestId}/objections`,
      decision: "upheld",
      reply: "由新评委重新评分",
      rescoreJudgeId: fresh.user.id,
    };
    // Resolving is irreversible: asked first, nothing ordered yet.
    const askedFirst = await post(organizer, `/objections/${objectionId}/resolve`, resolution);
    expect(askedFirst.status).to.equal(200);
    expect(askedFirst.text).to.include('data-testid="confirmation"');
    expect(await app.db("assignments").where({ judge_id: fresh.user.id })).to.have.length(0);
    const resolved = await post(organizer, `/objections/${objectionId}/resolve`, { ...resolution, confirmed: "1" });
    expect(resolved.status).to.equal(303);
    const waiting = await html(organizer, `/contests/${c.contestId}/objections`);
    expect(waiting.text).to.include("等待评委提交评分表");

    await as(fresh.token).post(`/api/v1/contests/${c.contestId}/declaration`, { accept: true });
    const item = (await as(fresh.token).get("/api/v1/me/assignments")).body.assignments[0];
    // The judge's sheet page offers the form in the notice, for this assignment.
    const judgePages = await pageSession(app, fresh.email, fresh.password);
    const sheet = await html(judgePages, `/judge/assignments/${item.id}`);
    expect(sheet.text).to.include('name="scores[science]"');
    expect((await html(judgePages, "/judge")).text).to.include("异议处理中请您重新评分的作品现在可以评分");
    expect(
      (await as(fresh.token).put(`/api/v1/assignments/${item.id}/score`, { scores: s(30, 30), submit: true })).status,
    ).to.equal(200);

    const ready = await html(organizer, `/contests/${c.contestId}/objections`);
    expect(ready.text).to.include('data-testid="republish"');
    const before = await writtenState(app);
    const asked = await post(organizer, `/objections/${objectionId}/republish`, {
      _csrf: csrfOf(ready.text),
      next: `/contests/${c.contestId}/objections`,
    });
    expect(asked.status).to.equal(200);
    expect(asked.text).to.include('data-testid="confirm"');
    await expectNothingWritten(app, before, "an unconfirmed republish");
    const done = await post(organizer, `/objections/${objectionId}/republish`, {
      _csrf: csrfOf(ready.text),
      next: `/contests/${c.contestId}/objections`,
      confirmed: "1",
    });
    expect(done.status).to.equal(303);
    const kinds = (await app.db("result_snapshots").where({ contest_id: c.contestId }).orderBy("number")).map(
      (r) => r.kind,
    );
    expect(kinds).to.deep.equal(["notice", "revision"]);
  });
});
