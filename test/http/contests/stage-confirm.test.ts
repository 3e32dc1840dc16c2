import { expect } from "chai";
import request from "supertest";
import { ADMIN, contestBody, startTestApp, TestClock, tokenFor, type TestApp } from "../../helpers/app.js";
import { csrfOf, pageSession, type PageAgent } from "../../helpers/pages.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

/** 2026-12-10 18:00 in Shanghai. */
const CLOSES_AT = "2026-12-10T10:00:00.000Z";
/** The notice opens 2026-12-13 18:00 Shanghai time, so its 7 days end 2026-12-20 18:00. */
const NOTICE_AT = "2026-12-13T10:00:00.000Z";
const NOTICE_ENDS_AT = "2026-12-20T10:00:00.000Z";

describe("stage moves ask first; final waits for the notice window, which can be extended, never shortened", () => {
  const clock = new TestClock(new Date("2026-12-01T02:00:00Z"));
  let app: TestApp;
  let admin: string;
  let pages: PageAgent;
  let id: string;

  const api = (method: "post" | "patch", path: string, body: object, lang = "zh-CN") =>
    request(app.server)[method](path).set("Authorization", `Bearer ${admin}`).set("Accept-Language", lang).send(body);
  const contestRow = async () => app.db("contests").where({ id }).first();
  /** Posts a contest page form (its CSRF token from the contest page) as the organizer. */
  const postForm = async (path: string, fields: Record<string, string>) => {
    const csrf = csrfOf((await pages.get(`/contests/${id}`)).text);
    return pages
      .post(path)
      .type("form")
      .set("Accept", "text/html")
      .send({ _csrf: csrf, ...fields });
  };
  /** A stage button pressed: the page that asks, checked to write nothing. */
  const ask = async (to: string) => {
    const before = await writtenState(app);
    const res = await postForm(`/contests/${id}/stage`, { to });
    expect(res.status).to.equal(200);
    expect(res.text).to.include('data-testid="confirmation"').and.include('name="confirmed" value="1"');
    expect(res.text).to.include(`href="/contests/${id}" data-testid="cancel"`);
    await expectNothingWritten(app, before, "asking");
    return res.text;
  };
  const confirm = async (to: string) => {
    const res = await postForm(`/contests/${id}/stage`, { to, confirmed: "1" });
    expect(res.status, res.text.slice(0, 300)).to.equal(302);
    expect((await contestRow()).stage).to.equal(to);
  };

  before(async () => {
    app = await startTestApp({ clock });
    admin = await tokenFor(app, ADMIN.email, ADMIN.password);
    pages = await pageSession(app, ADMIN.email, ADMIN.password);
    const created = await api(
      "post",
      "/api/v1/contests",
      contestBody({ opensAt: "2026-11-20T00:00:00Z", closesAt: CLOSES_AT }),
    );
    id = created.body.contest.id;
  });
  after(() => app.close());

  it("opening says when contestants may submit", async () => {
    expect(await ask("open")).to.include("参赛者可在 2026年11月20日 08:00 至 2026年12月10日 18:00 提交作品");
    await confirm("open");
  });

  it("closing early says the closing time it replaces; confirmed, closesAt becomes now, audited before → after", async () => {
    const text = await ask("closed");
    expect(text).to.include("截止时间将从 2026年12月10日 18:00 改为现在，参赛者不能再提交或修改作品");
    const csrf = csrfOf((await pages.get(`/contests/${id}`)).text);
    const english = await pages
      .post(`/contests/${id}/stage`)
      .type("form")
      .set("Accept-Language", "en")
      .send({ _csrf: csrf, to: "closed" });
    expect(english.text).to.include("The closing time changes from 2026-12-10 18:00 (UTC+8) to now");
    expect((await contestRow()).closes_at).to.equal(CLOSES_AT);
    await confirm("closed");
    expect((await contestRow()).closes_at).to.equal(clock.now().toISOString());
    const audit = await app
      .db("audit_log")
      .where({ action: "contest.stage", target_id: id })
      .orderBy("id", "desc")
      .first();
    expect(JSON.parse(audit.details)).to.deep.include({
      from: "open",
      to: "closed",
      closesAt: { from: CLOSES_AT, to: clock.now().toISOString() },
    });
  });

  it("moving back says what it does, and asks too", async () => {
    expect(await ask("open")).to.include("截止时间 2026年12月01日 10:00 已过");
    await confirm("open");
    await confirm("closed");
  });

  it("judging and review say what they freeze", async () => {
    expect(await ask("judging")).to.include("评委开始评分");
    await confirm("judging");
    expect(await ask("review")).to.include("评分冻结并计算成绩");
    await confirm("review");
  });

  it("noticeEndsAt cannot be set before the notice (409, nothing written)", async () => {
    const before = await writtenState(app);
    const res = await api("patch", `/api/v1/contests/${id}`, { noticeEndsAt: "2026-12-14T10:00:00Z" });
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal("stage_conflict");
    await expectNothingWritten(app, before);
  });

  it("发布公示 says the scores freeze and until when objections may be filed; the pages show the window", async () => {
    clock.set(NOTICE_AT);
    const text = await ask("notice");
    expect(text)
      .to.include("发布公示")
      .and.include("公示后成绩冻结，公示期 7 天（至 2026年12月20日 18:00），期间可提异议");
    await confirm("notice");
    const row = await contestRow();
    expect([row.notice_starts_at, row.notice_ends_at]).to.deep.equal([NOTICE_AT, NOTICE_ENDS_AT]);
    const window = "公示期：2026年12月13日 18:00 至 2026年12月20日 18:00";
    expect((await pages.get(`/contests/${id}`)).text).to.include(window);
    expect((await request(app.server).get(`/contests/${id}/results`)).text).to.include(window);
    expect((await pages.get(`/contests/${id}/objections`)).text).to.include(window);
    expect((await request(app.server).get(`/api/v1/contests/${id}`)).body.contest).to.include({
      noticeStartsAt: NOTICE_AT,
      noticeEndsAt: NOTICE_ENDS_AT,
    });
  });

  it("final before the window ends is refused by the API (409, saying until when, in both languages), nothing written", async () => {
    clock.set("2026-12-14T02:00:00Z");
    const before = await writtenState(app);
    const zh = await api("post", `/api/v1/contests/${id}/stage`, { to: "final" });
    expect(zh.status).to.equal(409);
    expect(zh.body.error.code).to.equal("notice_window_open");
    expect(zh.body.error.message).to.equal("公示期至 2026年12月20日 18:00 结束，结束后才能发布最终结果");
    const en = await api("post", `/api/v1/contests/${id}/stage`, { to: "final" }, "en");
    expect(en.body.error.message).to.include("2026-12-20 18:00 (UTC+8)");
    await expectNothingWritten(app, before);
  });

  it("final before the window ends is refused by the page before asking (409, the end time shown), nothing written", async () => {
    expect((await pages.get(`/contests/${id}`)).text).to.include("公示期 2026年12月20日 18:00 结束后才能发布最终结果");
    const before = await writtenState(app);
    const res = await postForm(`/contests/${id}/stage`, { to: "final" });
    expect(res.status).to.equal(409);
    expect(res.text).to.include("公示期至 2026年12月20日 18:00 结束").and.not.include('data-testid="confirmation"');
    await expectNothingWritten(app, before);
  });

  it("shortening the window is refused by the API (400, nothing written, in both languages)", async () => {
    const before = await writtenState(app);
    const res = await api("patch", `/api/v1/contests/${id}`, { noticeEndsAt: "2026-12-18T10:00:00Z" });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal("notice_shortened");
    expect(res.body.error.message).to.equal("公示期只能延长，不能缩短：当前至 2026年12月20日 18:00");
    expect(res.body.error.details.fields[0].field).to.equal("noticeEndsAt");
    const en = await api("patch", `/api/v1/contests/${id}`, { noticeEndsAt: "2026-12-18T10:00:00Z" }, "en");
    expect(en.body.error.message).to.include("never shortened").and.include("2026-12-20 18:00 (UTC+8)");
    await expectNothingWritten(app, before);
  });

  it("shortening the window through the page is refused with the message, nothing written", async () => {
    const before = await writtenState(app);
    const res = await postForm(`/contests/${id}/notice`, { noticeEndsAt: "2026-12-19T18:00" });
    expect(res.status).to.equal(303);
    await expectNothingWritten(app, before);
    expect((await pages.get(res.headers.location)).text).to.include("公示期只能延长，不能缩短");
  });

  it("extending through the page asks first, then extends, audited before → after, and the pages show it", async () => {
    const before = await writtenState(app);
    const asked = await postForm(`/contests/${id}/notice`, { noticeEndsAt: "2026-12-23T18:00" });
    expect(asked.status).to.equal(200);
    expect(asked.text).to.include("公示期将从 2026年12月20日 18:00 延长至 2026年12月23日 18:00");
    await expectNothingWritten(app, before, "asking");
    const done = await postForm(`/contests/${id}/notice`, { noticeEndsAt: "2026-12-23T18:00", confirmed: "1" });
    expect(done.status).to.equal(303);
    expect((await contestRow()).notice_ends_at).to.equal("2026-12-23T10:00:00.000Z");
    const audit = await app
      .db("audit_log")
      .where({ action: "contest.update", target_id: id })
      .orderBy("id", "desc")
      .first();
    expect(JSON.parse(audit.details).changes).to.deep.equal([
      { field: "noticeEndsAt", from: NOTICE_ENDS_AT, to: "2026-12-23T10:00:00.000Z" },
    ]);
    const shown = (await pages.get(done.headers.location)).text;
    expect(shown).to.include("公示期已延长至 2026年12月23日 18:00");
    expect(shown).to.include("公示期：2026年12月13日 18:00 至 2026年12月23日 18:00");
  });

  it("once the extended window has ended, 发布最终结果 says it is for good, and confirmed, the contest is final", async () => {
    clock.set("2026-12-21T10:00:00Z");
    expect((await api("post", `/api/v1/contests/${id}/stage`, { to: "final" })).status).to.equal(409);
    clock.set("2026-12-23T10:00:00Z");
    expect(await ask("final"))
      .to.include("发布最终结果")
      .and.include("最终结果永久冻结，不能撤回");
    await confirm("final");
  });
});
