import { expect } from "chai";
import request from "supertest";
import { ADMIN, snapshot, startTestApp, tokenFor, type TestApp } from "../../helpers/app.js";
import { csrfOf, logInPage, pageSession, type PageAgent } from "../../helpers/pages.js";

/**
 * A user whose password an organizer chose (POST /api/v1/users, the users page, a roster import, a
 * reset) must choose his own at first login: every page but /me/password and logout sends him there.
 * The JSON API goes on answering him (DESIGN §4: an organizer creates a judge, the judge calls the API).
 */

const INITIAL = "Chushi-mima-2026";
const OWN = "Ziji-mima-2026";

describe("must change the password at first login", () => {
  let app: TestApp;
  let admin: string;
  let n = 0;

  const flagOf = async (email: string) =>
    Boolean((await app.db("users").where({ email }).first()).must_change_password);

  async function createJudge(): Promise<{ id: string; email: string; body: Record<string, unknown> }> {
    n += 1;
    const email = `xinpingwei${n}@example.org`;
    const res = await request(app.server)
      .post("/api/v1/users")
      .set("Authorization", `Bearer ${admin}`)
      .send({ email, password: INITIAL, name: `评委${n}`, role: "judge", city: "保定", unit: "河北大学" });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return { id: String(res.body.user.id), email, body: res.body.user as Record<string, unknown> };
  }

  const html = (agent: PageAgent, path: string) => agent.get(path).set("Accept", "text/html");

  before(async () => {
    app = await startTestApp();
    admin = await tokenFor(app, ADMIN.email, ADMIN.password);
  });
  after(() => app.close());

  describe("a judge created with POST /api/v1/users", () => {
    let judge: { id: string; email: string; body: Record<string, unknown> };
    let agent: PageAgent;

    before(async () => {
      judge = await createJudge();
      agent = await pageSession(app, judge.email, INITIAL);
    });

    it("is stored with the flag, and his user JSON says mustChangePassword: true", async () => {
      expect(judge.body.mustChangePassword).to.equal(true);
      expect(await flagOf(judge.email)).to.equal(true);
    });

    it("still gets a token and calls the API: the API never refuses him for it", async () => {
      const token = await tokenFor(app, judge.email, INITIAL);
      const me = await request(app.server).get("/api/v1/me").set("Authorization", `Bearer ${token}`);
      expect(me.status).to.equal(200);
      expect(me.body.user.mustChangePassword).to.equal(true);
      const queue = await request(app.server).get("/api/v1/me/assignments").set("Authorization", `Bearer ${token}`);
      expect(queue.status, JSON.stringify(queue.body)).to.equal(200);
    });

    for (const path of ["/judge", "/", "/contests", "/me/profile", "/register"])
      it(`is sent from ${path} to /me/password`, async () => {
        const res = await html(agent, path);
        expect(res.status).to.equal(303);
        expect(res.headers.location).to.equal("/me/password");
      });

    it("is sent to /me/password from a form post too, and the post writes nothing", async () => {
      const form = await html(agent, "/me/password");
      const before = await snapshot(app.db);
      const res = await agent
        .post("/me/profile")
        .type("form")
        .set("Accept", "text/html")
        .send({ _csrf: csrfOf(form.text), avoidUnits: "某单位" });
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal("/me/password");
      expect(await snapshot(app.db)).to.deep.equal(before);
    });

    it("sees /me/password saying why, in Chinese and in English", async () => {
      const zh = await html(agent, "/me/password");
      expect(zh.status).to.equal(200);
      expect(zh.text).to.include('data-testid="must-change-password"');
      expect(zh.text).to.include("您的密码是管理员设置的");
      const en = await html(agent, "/me/password?lang=en");
      expect(en.text).to.include("Your password was set by an administrator");
      await html(agent, "/me/password?lang=zh-CN");
    });

    it("still gets the style sheet", async () => {
      const res = await agent.get("/static/css/app.css");
      expect(res.status).to.equal(200);
    });

    it("a refused new password keeps him on the page and the flag set", async () => {
      const form = await html(agent, "/me/password");
      const res = await agent
        .post("/me/password")
        .type("form")
        .set("Accept", "text/html")
        .send({
          _csrf: csrfOf(form.text),
          currentPassword: INITIAL,
          newPassword: "12345678",
          repeatPassword: "12345678",
        });
      expect(res.status).to.equal(400);
      expect(res.text).to.include("密码太弱");
      expect(await flagOf(judge.email)).to.equal(true);
    });

    it("once he chooses his own, the flag is cleared and he lands on his queue", async () => {
      const form = await html(agent, "/me/password");
      const res = await agent
        .post("/me/password")
        .type("form")
        .set("Accept", "text/html")
        .send({ _csrf: csrfOf(form.text), currentPassword: INITIAL, newPassword: OWN, repeatPassword: OWN });
      expect(res.status).to.equal(302);
      expect(res.headers.location).to.equal("/judge");
      expect(await flagOf(judge.email)).to.equal(false);
      const queue = await html(agent, "/judge");
      expect(queue.status).to.equal(200);
      const password = await html(agent, "/me/password");
      expect(password.text).not.to.include('data-testid="must-change-password"');
    });

    it("an organizer's reset sets the flag again, and the pages send him back", async () => {
      const reset = await request(app.server)
        .post(`/api/v1/users/${judge.id}/password`)
        .set("Authorization", `Bearer ${admin}`)
        .send({});
      expect(reset.status).to.equal(200);
      expect(reset.body.user.mustChangePassword).to.equal(true);
      expect(await flagOf(judge.email)).to.equal(true);
      const again = await pageSession(app, judge.email, String(reset.body.initialPassword));
      const res = await html(again, "/judge");
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal("/me/password");
    });
  });

  it("changing it through PUT /api/v1/me/password clears the flag", async () => {
    const judge = await createJudge();
    const token = await tokenFor(app, judge.email, INITIAL);
    const res = await request(app.server)
      .put("/api/v1/me/password")
      .set("Authorization", `Bearer ${token}`)
      .send({ currentPassword: INITIAL, newPassword: OWN });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.user).not.to.have.property("mustChangePassword");
    expect(await flagOf(judge.email)).to.equal(false);
  });

  it("logging out is allowed before the change", async () => {
    const judge = await createJudge();
    const agent = await pageSession(app, judge.email, INITIAL);
    const form = await html(agent, "/me/password");
    const res = await agent
      .post("/logout")
      .type("form")
      .send({ _csrf: csrfOf(form.text) });
    expect(res.status).to.equal(302);
    expect((await html(agent, "/contests")).status).to.equal(200);
  });

  it("a user created on the organizer's page /admin/users must change it too", async () => {
    const organizer = await pageSession(app, ADMIN.email, ADMIN.password);
    const form = await html(organizer, "/admin/users");
    const email = "yemian-chuangjian@example.org";
    const res = await organizer
      .post("/admin/users")
      .type("form")
      .set("Accept", "text/html")
      .send({
        _csrf: csrfOf(form.text),
        name: "页面评委",
        email,
        password: INITIAL,
        role: "judge",
        city: "保定",
        unit: "河北大学",
      });
    expect(res.status, res.text.slice(0, 300)).to.equal(302);
    expect(await flagOf(email)).to.equal(true);
    const agent = await pageSession(app, email, INITIAL);
    expect((await html(agent, "/judge")).headers.location).to.equal("/me/password");
  });

  it("a judge imported from a roster must change it too", async () => {
    const email = "mingdan-daoru@example.org";
    const csv = Buffer.from(`姓名,邮箱,单位,城市\r\n名单评委,${email},河北大学,保定\r\n`, "utf8");
    const res = await request(app.server)
      .post("/api/v1/users/import")
      .set("Authorization", `Bearer ${admin}`)
      .attach("file", csv, "roster.csv");
    expect(res.status, JSON.stringify(res.body)).to.be.oneOf([200, 201]);
    expect(await flagOf(email)).to.equal(true);
    const password = String(res.body.rows[0].initialPassword);
    const agent = await pageSession(app, email, password);
    expect((await html(agent, "/judge")).headers.location).to.equal("/me/password");
  });

  it("a contestant who registers himself is never asked", async () => {
    const agent = request.agent(app.server);
    const form = await html(agent, "/register");
    const email = "ziji-zhuce@example.org";
    const res = await agent
      .post("/register")
      .type("form")
      .set("Accept", "text/html")
      .send({
        _csrf: csrfOf(form.text),
        name: "自己注册",
        email,
        password: OWN,
        city: "保定",
        unit: "保定一中",
      });
    expect(res.status, res.text.slice(0, 300)).to.equal(302);
    expect(await flagOf(email)).to.equal(false);
    expect((await html(agent, "/my/entries")).status).to.equal(200);
    await logInPage(request.agent(app.server), email, OWN);
  });
});
