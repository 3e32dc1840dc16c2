import { expect } from "chai";
import request from "supertest";
import { ADMIN, createActor, snapshot, startTestApp, tokenFor, type Actor, type TestApp } from "../../helpers/app.js";
import { csrfFor, csrfOf, pageSession, type PageAgent } from "../../helpers/pages.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

/**
 * Passwords after the first one: a signed-in user changes his own (PUT /api/v1/me/password,
 * /me/password), an organizer resets a forgotten one to a generated password shown once
 * (POST /api/v1/users/:id/password, the user edit page). Either way every token and every other
 * session of that user ends.
 */

const NEW_PASSWORD = "Kepu-new-2026";
const INITIAL = /^[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}$/;

describe("passwords: change one's own, reset another's", () => {
  let app: TestApp;
  let admin: string;

  const api = (method: "get" | "put" | "post", path: string, token?: string) => {
    const req = request(app.server)[method](path);
    return token ? req.set("Authorization", `Bearer ${token}`) : req;
  };
  const login = (email: string, password: string) =>
    request(app.server).post("/api/v1/auth/token").send({ email, password });

  /** The domain tables plus what a password change ends: tokens and sessions. */
  async function state(): Promise<Record<string, unknown[]>> {
    return {
      ...(await snapshot(app.db)),
      api_tokens: await app.db("api_tokens").select("*").orderBy("id"),
      sessions: await app.db("sessions").select("sid", "sess").orderBy("sid"),
    };
  }

  async function expectRefused(
    run: () => Promise<request.Response>,
    status: number,
    code: string,
  ): Promise<request.Response> {
    const before = await state();
    const res = await run();
    expect(res.status, JSON.stringify(res.body)).to.equal(status);
    expect(res.body.error.code).to.equal(code);
    expect(res.body.error.message).to.be.a("string").that.has.length.above(0);
    expect(await state(), "a refused call changed the database").to.deep.equal(before);
    return res;
  }

  /** Every row of the tables a password could leak into, as text. */
  async function everything(): Promise<string> {
    const dump: Record<string, unknown> = {};
    for (const t of ["users", "audit_log", "api_tokens", "sessions", "login_limits"])
      dump[t] = await app.db(t).select("*");
    return JSON.stringify(dump);
  }

  /** The ids of a user's stored page sessions (SQLite answers the JSON as text, pg parsed). */
  const sessionsOf = async (userId: string): Promise<string[]> =>
    (await app.db("sessions").select("sid", "sess"))
      .filter((r) => (typeof r.sess === "string" ? JSON.parse(r.sess) : r.sess).userId === userId)
      .map((r) => String(r.sid));

  const passwordHashOf = async (userId: string) =>
    String((await app.db("users").where({ id: userId }).first()).password_hash);

  before(async () => {
    app = await startTestApp();
    admin = await tokenFor(app, ADMIN.email, ADMIN.password);
  });
  after(() => app.close());

  describe("PUT /api/v1/me/password", () => {
    let judge: Actor;

    before(async () => {
      judge = await createActor(app, "judge");
    });

    it("refuses a wrong current password with 400 wrong_password in Chinese, writing nothing", async () => {
      const res = await expectRefused(
        () =>
          api("put", "/api/v1/me/password", judge.token).send({
            currentPassword: "Not-his-pass-1",
            newPassword: NEW_PASSWORD,
          }),
        400,
        "wrong_password",
      );
      expect(res.body.error.message).to.equal("当前密码不正确");
      expect(res.body.error.details).to.deep.equal({ field: "currentPassword" });
    });

    it("and in English on Accept-Language: en", async () => {
      const res = await expectRefused(
        () =>
          api("put", "/api/v1/me/password", judge.token)
            .set("Accept-Language", "en")
            .send({ currentPassword: "Not-his-pass-1", newPassword: NEW_PASSWORD }),
        400,
        "wrong_password",
      );
      expect(res.body.error.message).to.equal("The current password is wrong");
    });

    it("refuses a weak new password by the registration rules (400 weak_password naming newPassword), writing nothing", async () => {
      for (const weak of ["short1", "onlyletters", "1234567890", "password1", `${judge.email.split("@")[0]}-9`]) {
        const res = await expectRefused(
          () =>
            api("put", "/api/v1/me/password", judge.token).send({ currentPassword: judge.password, newPassword: weak }),
          400,
          "weak_password",
        );
        expect(res.body.error.details).to.deep.equal({ field: "newPassword" });
      }
    });

    it("refuses the current password as the new one (400 password_unchanged)", async () => {
      await expectRefused(
        () =>
          api("put", "/api/v1/me/password", judge.token).send({
            currentPassword: judge.password,
            newPassword: judge.password,
          }),
        400,
        "password_unchanged",
      );
    });

    it("refuses unknown and missing fields, wrong types and non-objects (400 validation_failed), writing nothing", async () => {
      for (const body of [
        { currentPassword: judge.password, newPassword: NEW_PASSWORD, userId: "someone-else" },
        { currentPassword: judge.password, newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD },
        { currentPassword: judge.password },
        { newPassword: NEW_PASSWORD },
        { currentPassword: "", newPassword: NEW_PASSWORD },
        { currentPassword: judge.password, newPassword: 12345678 },
        {},
        [],
      ]) {
        const res = await expectRefused(
          () => api("put", "/api/v1/me/password", judge.token).send(body),
          400,
          "validation_failed",
        );
        expect(res.body.error.details.fields).to.be.an("array").that.has.length.above(0);
      }
    });

    it("anonymous → 401 unauthenticated, a bad token → 401 invalid_token, writing nothing", async () => {
      await expectRefused(
        () => api("put", "/api/v1/me/password").send({ currentPassword: judge.password, newPassword: NEW_PASSWORD }),
        401,
        "unauthenticated",
      );
      await expectRefused(
        () =>
          api("put", "/api/v1/me/password", "not-a-token").send({
            currentPassword: judge.password,
            newPassword: NEW_PASSWORD,
          }),
        401,
        "invalid_token",
      );
    });

    it("after all those refusals his password and token still work", async () => {
      expect((await api("get", "/api/v1/me", judge.token)).status).to.equal(200);
      expect((await login(judge.email, judge.password)).status).to.equal(200);
    });

    it("with the right current password: 200 {user}, the new argon2 hash stored, audited without any password", async () => {
      const oldHash = await passwordHashOf(judge.user.id);
      const res = await api("put", "/api/v1/me/password", judge.token).send({
        currentPassword: judge.password,
        newPassword: NEW_PASSWORD,
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.user).to.include({ id: judge.user.id, email: judge.email, role: "judge" });
      expect(JSON.stringify(res.body)).not.to.match(/password|hash/i);
      const hash = await passwordHashOf(judge.user.id);
      expect(hash)
        .to.match(/^\$argon2id\$/)
        .and.not.equal(oldHash);
      const audit = await app.db("audit_log").where({ action: "user.passwordChange", target_id: judge.user.id });
      expect(audit).to.have.length(1);
      expect(audit[0]).to.include({ actor_id: judge.user.id, target_type: "user" });
      expect(JSON.parse(audit[0].details)).to.deep.equal({ email: judge.email });
      const dump = await everything();
      expect(dump).not.to.include(NEW_PASSWORD).and.not.include(judge.password);
    });

    it("then the old password no longer logs in and the new one does", async () => {
      const old = await login(judge.email, judge.password);
      expect(old.status).to.equal(401);
      expect(old.body.error.code).to.equal("invalid_credentials");
      expect((await login(judge.email, NEW_PASSWORD)).status).to.equal(200);
    });

    it("and every token he had is dead, the one that changed it too (401 invalid_token)", async () => {
      const res = await api("get", "/api/v1/me", judge.token);
      expect(res.status).to.equal(401);
      expect(res.body.error.code).to.equal("invalid_token");
    });
  });

  describe("every token and session of the user ends", () => {
    it("two tokens and two page sessions of a contestant all stop working after he changes his password through the API", async () => {
      const user = await createActor(app, "contestant");
      const second = await tokenFor(app, user.email, user.password);
      const pageA = await pageSession(app, user.email, user.password);
      const pageB = await pageSession(app, user.email, user.password);
      expect(await sessionsOf(user.user.id)).to.have.length(2);
      const other = await createActor(app, "contestant");
      const otherPage = await pageSession(app, other.email, other.password);

      const res = await api("put", "/api/v1/me/password", user.token).send({
        currentPassword: user.password,
        newPassword: NEW_PASSWORD,
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      for (const token of [user.token, second]) expect((await api("get", "/api/v1/me", token)).status).to.equal(401);
      expect(await sessionsOf(user.user.id)).to.have.length(0);
      for (const agent of [pageA, pageB]) {
        const page = await agent.get("/my/entries").set("Accept", "text/html");
        expect(page.status).to.equal(401);
        expect(page.text).to.include('data-code="unauthenticated"');
      }
      // Nobody else is touched.
      expect((await api("get", "/api/v1/me", other.token)).status).to.equal(200);
      expect((await otherPage.get("/my/entries").set("Accept", "text/html")).status).to.equal(200);
    });
    it("a session row that outlives the change (a request of his still in flight writes it back) is still shut out", async () => {
      const user = await createActor(app, "contestant");
      const page = await pageSession(app, user.email, user.password);
      const [row] = await app
        .db("sessions")
        .whereRaw("CAST(sess AS TEXT) LIKE ?", [`%"userId":${JSON.stringify(user.user.id)}%`]);
      expect(row, "his page session is stored").to.be.an("object");
      expect(
        (
          await api("put", "/api/v1/me/password", user.token).send({
            currentPassword: user.password,
            newPassword: NEW_PASSWORD,
          })
        ).status,
      ).to.equal(200);
      await app.db("sessions").insert(row);
      const res = await page.get("/my/entries").set("Accept", "text/html");
      expect(res.status).to.equal(401);
      expect(res.text).to.include('data-code="unauthenticated"');
    });
  });

  describe("wrong current passwords count as failed logins", () => {
    it("after 5 of them even the right current password gets 429 with Retry-After, and so does logging in", async () => {
      const user = await createActor(app, "coordinator");
      for (let i = 0; i < 5; i += 1) {
        const res = await api("put", "/api/v1/me/password", user.token).send({
          currentPassword: `Guess-${i}-x`,
          newPassword: NEW_PASSWORD,
        });
        expect(res.status).to.equal(400);
      }
      const before = await state();
      const res = await api("put", "/api/v1/me/password", user.token).send({
        currentPassword: user.password,
        newPassword: NEW_PASSWORD,
      });
      expect(res.status).to.equal(429);
      expect(res.body.error.code).to.equal("too_many_attempts");
      expect(Number(res.headers["retry-after"])).to.be.greaterThan(0);
      expect(await state()).to.deep.equal(before);
      expect((await login(user.email, user.password)).status).to.equal(429);
      expect((await api("get", "/api/v1/me", user.token)).status, "his token still works").to.equal(200);
    });
  });

  describe("the page /me/password", () => {
    let user: Actor;
    let agent: PageAgent;

    before(async () => {
      user = await createActor(app, "contestant");
      agent = await pageSession(app, user.email, user.password);
    });

    it("is linked from the header of every signed-in user, not of an anonymous visitor", async () => {
      expect((await agent.get("/").set("Accept", "text/html")).text).to.include('href="/me/password"');
      expect((await request(app.server).get("/").set("Accept", "text/html")).text).not.to.include(
        'href="/me/password"',
      );
    });

    it("shows the form with the three fields and a CSRF token; anonymous → 401", async () => {
      const page = await agent.get("/me/password").set("Accept", "text/html");
      expect(page.status).to.equal(200);
      expect(page.text)
        .to.include('data-testid="password-form"')
        .and.include('name="currentPassword"')
        .and.include('name="newPassword"')
        .and.include('name="repeatPassword"');
      expect(csrfOf(page.text)).to.be.a("string");
      const anonymous = await request(app.server).get("/me/password").set("Accept", "text/html");
      expect(anonymous.status).to.equal(401);
    });

    it("a repeat that differs, a wrong current password or a weak new one re-renders the form with the message; nothing written, still signed in", async () => {
      const csrf = await csrfFor(agent);
      for (const [form, status, text] of [
        [
          { currentPassword: user.password, newPassword: NEW_PASSWORD, repeatPassword: "Kepu-new-2027" },
          400,
          "两次输入的新密码不一致",
        ],
        [
          { currentPassword: "Not-his-pass-1", newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD },
          400,
          "当前密码不正确",
        ],
        [{ currentPassword: user.password, newPassword: "weakweak", repeatPassword: "weakweak" }, 400, "密码太弱"],
        [{ currentPassword: "", newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD }, 400, "currentPassword"],
      ] as const) {
        const before = await state();
        const res = await agent
          .post("/me/password")
          .type("form")
          .set("Accept", "text/html")
          .send({ _csrf: csrf, ...form });
        expect(res.status, res.text.slice(0, 300)).to.equal(status);
        expect(res.text).to.include(text).and.include('data-testid="password-form"');
        // Passwords typed are never echoed back into the page.
        expect(res.text).not.to.include(`value="${user.password}"`).and.not.include(`value="${NEW_PASSWORD}"`);
        expect(await state()).to.deep.equal(before);
      }
      expect((await agent.get("/me/password").set("Accept", "text/html")).status).to.equal(200);
    });

    it("the message is in English for an English reader", async () => {
      const csrf = await csrfFor(agent);
      // Not state(): ?lang=en keeps the reader's language in his session, as it should.
      const before = await writtenState(app);
      const res = await agent.post("/me/password?lang=en").type("form").set("Accept", "text/html").send({
        _csrf: csrf,
        currentPassword: "Not-his-pass-1",
        newPassword: NEW_PASSWORD,
        repeatPassword: NEW_PASSWORD,
      });
      expect(res.status).to.equal(400);
      expect(res.text).to.include("The current password is wrong");
      await expectNothingWritten(app, before);
      await agent.get("/?lang=zh-CN");
    });

    it("without the CSRF token → 403, nothing written", async () => {
      const before = await state();
      const res = await agent
        .post("/me/password")
        .type("form")
        .set("Accept", "text/html")
        .send({ currentPassword: user.password, newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD });
      expect(res.status).to.equal(403);
      expect(res.text).to.include('data-code="csrf_invalid"');
      expect(await state()).to.deep.equal(before);
    });

    it("changed: this page stays signed in under a new session, his other session and his token end, the new password works", async () => {
      const other = await pageSession(app, user.email, user.password);
      const sidsBefore = await sessionsOf(user.user.id);
      expect(sidsBefore).to.have.length(2);
      const csrf = await csrfFor(agent);
      const res = await agent
        .post("/me/password")
        .type("form")
        .set("Accept", "text/html")
        .send({ _csrf: csrf, currentPassword: user.password, newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD });
      expect(res.status, res.text.slice(0, 300)).to.equal(302);
      expect(res.headers.location).to.equal("/me/password");
      expect(String(res.headers["set-cookie"])).to.match(/sw\.sid=/);

      const after = await agent.get("/me/password").set("Accept", "text/html");
      expect(after.status).to.equal(200);
      expect(after.text).to.include("密码已修改").and.include(user.user.name);
      const sidsAfter = await sessionsOf(user.user.id);
      expect(sidsAfter).to.have.length(1);
      expect(sidsBefore, "the page's session kept its id").not.to.include(sidsAfter[0]);

      expect((await other.get("/my/entries").set("Accept", "text/html")).status).to.equal(401);
      expect((await api("get", "/api/v1/me", user.token)).status).to.equal(401);
      expect((await login(user.email, user.password)).status).to.equal(401);
      expect((await login(user.email, NEW_PASSWORD)).status).to.equal(200);
      await pageSession(app, user.email, NEW_PASSWORD);
      const audit = await app.db("audit_log").where({ action: "user.passwordChange", target_id: user.user.id });
      expect(audit).to.have.length(1);
      expect(await everything()).not.to.include(NEW_PASSWORD);
    });
  });

  describe("POST /api/v1/users/:id/password (an organizer resets a forgotten password)", () => {
    let judge: Actor;

    before(async () => {
      judge = await createActor(app, "judge");
    });

    it("a judge, a contestant or a coordinator gets 403, anonymous 401; nothing written", async () => {
      for (const role of ["judge", "contestant", "coordinator"] as const) {
        const caller = await createActor(app, role);
        await expectRefused(
          () => api("post", `/api/v1/users/${judge.user.id}/password`, caller.token),
          403,
          "forbidden",
        );
      }
      await expectRefused(() => api("post", `/api/v1/users/${judge.user.id}/password`), 401, "unauthenticated");
    });

    it("an unknown user → 404; his own → 409 cannot_reset_self; a body → 400 (the password is generated, never chosen)", async () => {
      await expectRefused(() => api("post", "/api/v1/users/no-such-user/password", admin), 404, "not_found");
      const me = (await api("get", "/api/v1/me", admin)).body.user.id as string;
      const self = await expectRefused(
        () => api("post", `/api/v1/users/${me}/password`, admin),
        409,
        "cannot_reset_self",
      );
      expect(self.body.error.message).to.include("不能重置自己的密码");
      await expectRefused(
        () => api("post", `/api/v1/users/${judge.user.id}/password`, admin).send({ password: "Chosen-pass-1" }),
        400,
        "validation_failed",
      );
    });

    it("→ 200 {user, initialPassword} kept out of caches; the old password and every token and session end; audited without the password", async () => {
      const page = await pageSession(app, judge.email, judge.password);
      const res = await api("post", `/api/v1/users/${judge.user.id}/password`, admin);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.headers["cache-control"]).to.equal("no-store");
      expect(res.body).to.have.all.keys("user", "initialPassword");
      expect(res.body.user).to.include({ id: judge.user.id, email: judge.email });
      const initial = res.body.initialPassword as string;
      expect(initial).to.match(INITIAL);

      expect((await api("get", "/api/v1/me", judge.token)).status).to.equal(401);
      expect((await page.get("/judge").set("Accept", "text/html")).status).to.equal(401);
      expect((await login(judge.email, judge.password)).status).to.equal(401);
      expect((await login(judge.email, initial)).status).to.equal(200);

      const admins = await app.db("users").where({ email: ADMIN.email }).first();
      const audit = await app.db("audit_log").where({ action: "user.passwordReset", target_id: judge.user.id });
      expect(audit).to.have.length(1);
      expect(audit[0].actor_id).to.equal(admins.id);
      expect(JSON.parse(audit[0].details)).to.deep.equal({ email: judge.email });
      expect(await everything()).not.to.include(initial);
    });

    it("the organizer's own token is untouched", async () => {
      expect((await api("get", "/api/v1/users", admin)).status).to.equal(200);
    });

    it("a user locked out by wrong guesses can log in with the reset password at once", async () => {
      const locked = await createActor(app, "contestant");
      for (let i = 0; i < 5; i += 1) expect((await login(locked.email, `Guess-${i}-x`)).status).to.equal(401);
      expect((await login(locked.email, locked.password)).status).to.equal(429);
      const res = await api("post", `/api/v1/users/${locked.user.id}/password`, admin);
      expect(res.status).to.equal(200);
      expect((await login(locked.email, res.body.initialPassword)).status).to.equal(200);
    });

    it("the judge then changes the initial password to his own", async () => {
      const reset = await api("post", `/api/v1/users/${judge.user.id}/password`, admin);
      const token = await tokenFor(app, judge.email, reset.body.initialPassword);
      const res = await api("put", "/api/v1/me/password", token).send({
        currentPassword: reset.body.initialPassword,
        newPassword: NEW_PASSWORD,
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect((await login(judge.email, NEW_PASSWORD)).status).to.equal(200);
    });
  });

  describe("the reset button on /admin/users/:id", () => {
    let judge: Actor;
    let organizer: PageAgent;

    before(async () => {
      judge = await createActor(app, "judge");
      organizer = await pageSession(app, ADMIN.email, ADMIN.password);
    });

    it("is on the user's page, and not on one's own", async () => {
      const page = await organizer.get(`/admin/users/${judge.user.id}`).set("Accept", "text/html");
      expect(page.text).to.include(`action="/admin/users/${judge.user.id}/password"`);
      const me = (await api("get", "/api/v1/me", admin)).body.user.id as string;
      expect((await organizer.get(`/admin/users/${me}`).set("Accept", "text/html")).text).not.to.include(
        'data-testid="reset-password-form"',
      );
    });

    it("shows the new password once on the page that answers, kept out of caches and out of the stored session", async () => {
      const judgePage = await pageSession(app, judge.email, judge.password);
      const csrf = await csrfFor(organizer);
      const res = await organizer
        .post(`/admin/users/${judge.user.id}/password`)
        .type("form")
        .set("Accept", "text/html")
        .send({ _csrf: csrf });
      expect(res.status, res.text.slice(0, 300)).to.equal(200);
      expect(res.headers["cache-control"]).to.equal("no-store");
      expect(res.text).to.include('data-testid="reset-password"').and.include(`已重置 ${judge.email} 的密码`);
      const initial = /data-testid="initial-password">([^<]+)</.exec(res.text)?.[1];
      expect(initial).to.match(INITIAL);
      expect((await login(judge.email, initial!)).status).to.equal(200);
      expect((await judgePage.get("/judge").set("Accept", "text/html")).status).to.equal(401);
      expect((await api("get", "/api/v1/me", judge.token)).status).to.equal(401);
      expect(JSON.stringify(await app.db("sessions").select("*"))).not.to.include(initial!);
      expect((await organizer.get(`/admin/users/${judge.user.id}`).set("Accept", "text/html")).text).not.to.include(
        initial!,
      );
    });

    it("a judge posting it gets 403 and nothing is written", async () => {
      const other = await createActor(app, "judge");
      const agent = await pageSession(app, other.email, other.password);
      const csrf = await csrfFor(agent);
      const before = await state();
      const res = await agent
        .post(`/admin/users/${judge.user.id}/password`)
        .type("form")
        .set("Accept", "text/html")
        .send({ _csrf: csrf });
      expect(res.status).to.equal(403);
      expect(res.text).to.include('data-code="forbidden"');
      expect(await state()).to.deep.equal(before);
    });
  });
});
