import { expect } from "chai";
import request from "supertest";
import { ADMIN, contestBody, createActor, snapshot, startTestApp, tokenFor, type TestApp } from "../../helpers/app.js";
import { csrfOf } from "../../helpers/pages.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";
import { createApp } from "../../../src/app.js";

describe("pages", () => {
  let app: TestApp;
  let admin: string;
  let openContestId: string;

  before(async () => {
    app = await startTestApp();
    admin = await tokenFor(app, ADMIN.email, ADMIN.password);
    const res = await request(app.server)
      .post("/api/v1/contests")
      .set("Authorization", `Bearer ${admin}`)
      .send(contestBody({ title: "河北省科普微视频大赛" }));
    openContestId = res.body.contest.id;
    await request(app.server)
      .post(`/api/v1/contests/${openContestId}/stage`)
      .set("Authorization", `Bearer ${admin}`)
      .send({ to: "open" });
    await request(app.server)
      .post("/api/v1/contests")
      .set("Authorization", `Bearer ${admin}`)
      .send(contestBody({ title: "尚未公开的草稿" }));
  });
  after(() => app.close());

  it("the home page is in Chinese and lists open contests, not drafts", async () => {
    const res = await request(app.server).get("/");
    expect(res.status).to.equal(200);
    expect(res.headers["content-type"]).to.match(/text\/html/);
    expect(res.text)
      .to.include('<html lang="zh-CN">')
      .and.include("正在征集的赛事")
      .and.include("河北省科普微视频大赛");
    expect(res.text).not.to.include("尚未公开的草稿");
    expect(res.text).to.include('name="viewport"');
  });

  it("sends security headers (helmet) and serves only local assets", async () => {
    const res = await request(app.server).get("/");
    expect(res.headers["content-security-policy"]).to.include("default-src 'self'");
    expect(res.headers["x-content-type-options"]).to.equal("nosniff");
    expect(res.text).not.to.match(/https?:\/\/(?!localhost)[^"']+\.(js|css)/);
    expect((await request(app.server).get("/static/css/app.css")).status).to.equal(200);
  });

  it("a contest page shows the rubric, file rules and stage", async () => {
    const res = await request(app.server).get(`/contests/${openContestId}`);
    expect(res.status).to.equal(200);
    expect(res.text).to.include("科学性").and.include("征集中").and.include("不超过 500MB");
  });

  it("an unknown page answers 404 with an error page in Chinese", async () => {
    const res = await request(app.server).get("/no/such/page").set("Accept", "text/html");
    expect(res.status).to.equal(404);
    expect(res.text).to.include("找不到您要的页面或数据");
  });

  it("switching to English is kept in the session, and switching back too", async () => {
    const agent = request.agent(app.server);
    const en = await agent.get("/?lang=en");
    expect(en.text).to.include('<html lang="en">').and.include("Open for entries");
    const next = await agent.get("/contests");
    expect(next.text).to.include("Contests").and.include("中文");
    const zh = await agent.get("/contests?lang=zh-CN");
    expect(zh.text).to.include("赛事").and.include("English");
    expect((await agent.get("/")).text).to.include("正在征集的赛事");
  });

  it("a visitor's Accept-Language: en gives English pages", async () => {
    const res = await request(app.server).get("/").set("Accept-Language", "en");
    expect(res.text).to.include("Open for entries");
  });

  describe("forms and CSRF", () => {
    it("registration without its CSRF token is refused with 403 and writes nothing", async () => {
      const agent = request.agent(app.server);
      await agent.get("/register");
      const before = await snapshot(app.db);
      const res = await agent
        .post("/register")
        .type("form")
        .send({ name: "张三", email: "zhang@example.org", password: "Kepu-2026-x", city: "唐山", unit: "唐山一中" });
      expect(res.status).to.equal(403);
      expect(res.text).to.include("页面已过期");
      expect(await snapshot(app.db)).to.deep.equal(before);
    });

    it("a token from another session is refused too", async () => {
      const other = request.agent(app.server);
      const token = csrfOf((await other.get("/register")).text);
      const agent = request.agent(app.server);
      await agent.get("/register");
      const before = await writtenState(app);
      const res = await agent.post("/register").type("form").send({
        _csrf: token,
        name: "张三",
        email: "zhang@example.org",
        password: "Kepu-2026-x",
        city: "唐山",
        unit: "唐山一中",
      });
      expect(res.status).to.equal(403);
      await expectNothingWritten(app, before);
    });

    it("registration with its token creates the contestant and logs him in", async () => {
      const agent = request.agent(app.server);
      const token = csrfOf((await agent.get("/register")).text);
      const res = await agent.post("/register").type("form").send({
        _csrf: token,
        name: "张三",
        email: "zhang@example.org",
        password: "Kepu-2026-x",
        city: "唐山",
        unit: "唐山一中",
      });
      expect(res.status).to.equal(302);
      const page = await agent.get(res.headers.location);
      expect(page.text).to.include("张三").and.include("参赛者").and.include("注册成功");
      const row = await app.db("users").where({ email: "zhang@example.org" }).first();
      expect(row.role).to.equal("contestant");
    });

    it("a registration form error re-renders the form with the message and the values typed", async () => {
      const agent = request.agent(app.server);
      const token = csrfOf((await agent.get("/register")).text);
      const before = await writtenState(app);
      const res = await agent.post("/register").type("form").send({
        _csrf: token,
        name: "李四",
        email: "li4@example.org",
        password: "weak",
        city: "唐山",
        unit: "唐山二中",
      });
      expect(res.status).to.equal(400);
      expect(res.text).to.include("密码太弱").and.include('value="li4@example.org"').and.include('value="唐山二中"');
      await expectNothingWritten(app, before);
    });

    it("login with a wrong password re-renders the form with 401; the right one logs in; logout ends the session", async () => {
      const agent = request.agent(app.server);
      let token = csrfOf((await agent.get("/login")).text);
      const before = await writtenState(app);
      const wrong = await agent
        .post("/login")
        .type("form")
        .send({ _csrf: token, email: "zhang@example.org", password: "nope-nope-1" });
      expect(wrong.status).to.equal(401);
      expect(wrong.text).to.include("邮箱或密码不正确");
      await expectNothingWritten(app, before, "a refused login");
      const ok = await agent
        .post("/login")
        .type("form")
        .send({ _csrf: token, email: "zhang@example.org", password: "Kepu-2026-x" });
      expect(ok.status).to.equal(302);
      const home = await agent.get("/");
      expect(home.text).to.include("张三");
      token = csrfOf(home.text);
      expect((await agent.post("/logout").type("form").send({ _csrf: token })).status).to.equal(302);
      expect((await agent.get("/")).text).not.to.include("张三");
    });

    it("after login each goes where he was going, or home; a judge's home is his queue", async () => {
      const judge = await createActor(app, "judge");
      const loginAs = async (email: string, password: string, next?: string) => {
        const agent = request.agent(app.server);
        const token = csrfOf((await agent.get("/login")).text);
        return agent
          .post("/login")
          .type("form")
          .send({ _csrf: token, email, password, ...(next ? { next } : {}) });
      };
      expect((await loginAs(judge.email, judge.password)).headers.location).to.equal("/judge");
      expect((await loginAs(judge.email, judge.password, "/contests")).headers.location).to.equal("/contests");
      expect((await loginAs(ADMIN.email, ADMIN.password)).headers.location).to.equal("/");
      expect((await loginAs(ADMIN.email, ADMIN.password, "//evil.example.org")).headers.location).to.equal("/");
    });

    it("the session id changes at login", async () => {
      const agent = request.agent(app.server);
      const page = await agent.get("/login");
      const before = String(page.headers["set-cookie"]);
      const res = await agent
        .post("/login")
        .type("form")
        .send({ _csrf: csrfOf(page.text), ...ADMIN });
      expect(String(res.headers["set-cookie"]).split(";")[0]).not.to.equal(before.split(";")[0]);
    });

    it("sessions are stored in the database", async () => {
      const rows = await app.db("sessions").select("sid");
      expect(rows.length).to.be.greaterThan(0);
    });

    it("expired sessions are deleted when the app starts (and hourly after), live ones kept", async () => {
      const live = (await app.db("sessions").select("sid")).map((r: { sid: string }) => r.sid);
      const expired = new Date(Date.now() - 86_400_000);
      await app.db("sessions").insert({
        sid: "expired-session-for-cleanup",
        sess: JSON.stringify({ cookie: {} }),
        expired: app.ctx.config.databaseUrl ? expired : expired.toISOString(),
      });
      createApp(app.ctx);
      for (let i = 0; i < 50 && (await app.db("sessions").where({ sid: "expired-session-for-cleanup" }).first()); i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(await app.db("sessions").where({ sid: "expired-session-for-cleanup" }).first()).to.equal(undefined);
      expect((await app.db("sessions").whereIn("sid", live).select("sid")).length).to.equal(live.length);
    });

    it("an organizer creates a contest through the form (Shanghai times), edits it and moves its stage", async () => {
      const agent = request.agent(app.server);
      const login = await agent.get("/login");
      await agent
        .post("/login")
        .type("form")
        .send({ _csrf: csrfOf(login.text), ...ADMIN });
      const form = await agent.get("/contests/new");
      expect(form.status).to.equal(200);
      const token = csrfOf(form.text);
      const created = await agent.post("/contests").type("form").send({
        _csrf: token,
        kind: "experiment",
        title: "科学实验展演 2026",
        description: "面向中小学",
        opensAt: "2026-12-01T09:00",
        closesAt: "2026-12-20T18:00",
        judgesPerEntry: "5",
        aggregation: "trimmed",
        prizeMode: "count",
        prizeFirst: "2",
        prizeSecond: "4",
        prizeThird: "6",
        "criteria[0][key]": "content",
        "criteria[0][label]": "实验内容",
        "criteria[0][max]": "50",
        "criteria[0][step]": "1",
        "criteria[1][key]": "show",
        "criteria[1][label]": "演示效果",
        "criteria[1][max]": "50",
        "criteria[1][step]": "0.5",
        "criteria[2][key]": "",
      });
      expect(created.status, created.text.slice(0, 500)).to.equal(302);
      const id = created.headers.location.split("/").pop()!;
      const row = await app.db("contests").where({ id }).first();
      expect(row.opens_at).to.equal("2026-12-01T01:00:00.000Z");
      expect(row.closes_at).to.equal("2026-12-20T10:00:00.000Z");
      expect(JSON.parse(row.prizes)).to.deep.equal({ mode: "count", first: 2, second: 4, third: 6 });
      expect(JSON.parse(row.rubric).criteria.map((c: { key: string }) => c.key)).to.deep.equal(["content", "show"]);
      const show = await agent.get(created.headers.location);
      expect(show.text).to.include("2026年12月01日 09:00");

      const edit = await agent.get(`/contests/${id}/edit`);
      const saved = await agent
        .post(`/contests/${id}`)
        .type("form")
        .send({
          _csrf: csrfOf(edit.text),
          title: "科学实验展演 2026（修订）",
          opensAt: "2026-12-01T09:00",
          closesAt: "2026-12-21T18:00",
        });
      expect(saved.status).to.equal(302);
      expect((await app.db("contests").where({ id }).first()).title).to.equal("科学实验展演 2026（修订）");

      // The stage button asks first (what will happen, in plain words); only the confirmed post moves it.
      const asked = await agent
        .post(`/contests/${id}/stage`)
        .type("form")
        .send({ _csrf: csrfOf(show.text), to: "open" });
      expect(asked.status).to.equal(200);
      expect(asked.text).to.include('data-testid="confirmation"').and.include("参赛者可在 2026年12月01日 09:00");
      expect((await app.db("contests").where({ id }).first()).stage).to.equal("draft");
      const moved = await agent
        .post(`/contests/${id}/stage`)
        .type("form")
        .send({ _csrf: csrfOf(show.text), to: "open", confirmed: "1" });
      expect(moved.status).to.equal(302);
      expect((await app.db("contests").where({ id }).first()).stage).to.equal("open");
      const before = await writtenState(app);
      const skipped = await agent
        .post(`/contests/${id}/stage`)
        .type("form")
        .set("Accept", "text/html")
        .send({ _csrf: csrfOf(show.text), to: "final" });
      expect(skipped.status).to.equal(409);
      expect(skipped.text).to.include("逐步推进");
      await expectNothingWritten(app, before);
    });

    it("a contest form with closesAt before opensAt re-renders with the message and writes nothing", async () => {
      const agent = request.agent(app.server);
      const login = await agent.get("/login");
      await agent
        .post("/login")
        .type("form")
        .send({ _csrf: csrfOf(login.text), ...ADMIN });
      const form = await agent.get("/contests/new");
      const before = await snapshot(app.db);
      const res = await agent
        .post("/contests")
        .type("form")
        .send({
          _csrf: csrfOf(form.text),
          kind: "video",
          title: "X",
          opensAt: "2026-12-20T09:00",
          closesAt: "2026-12-01T09:00",
        });
      expect(res.status).to.equal(400);
      expect(res.text).to.include("截止时间必须晚于开始时间").and.include('value="X"');
      expect(await snapshot(app.db)).to.deep.equal(before);
    });

    it("the organizer creates and disables a user through the pages; the audit page lists both", async () => {
      const agent = request.agent(app.server);
      const login = await agent.get("/login");
      await agent
        .post("/login")
        .type("form")
        .send({ _csrf: csrfOf(login.text), ...ADMIN });
      const users = await agent.get("/admin/users");
      const created = await agent
        .post("/admin/users")
        .type("form")
        .send({
          _csrf: csrfOf(users.text),
          name: "王专家",
          email: "wang.judge@example.org",
          password: "Judge-pass-77",
          role: "judge",
          city: "",
          unit: "河北大学",
          expertise: "科学防控，科普行动",
        });
      expect(created.status).to.equal(302);
      const row = await app.db("users").where({ email: "wang.judge@example.org" }).first();
      expect(JSON.parse(row.expertise)).to.deep.equal(["科学防控", "科普行动"]);
      const disabled = await agent
        .post(`/admin/users/${row.id}/disabled`)
        .type("form")
        .send({ _csrf: csrfOf(users.text), disabled: "true" });
      expect(disabled.status).to.equal(302);
      expect(Boolean((await app.db("users").where({ id: row.id }).first()).disabled)).to.equal(true);
      const audit = await agent.get("/admin/audit");
      expect(audit.text).to.include("新建用户").and.include("停用用户");
    });
  });
});
