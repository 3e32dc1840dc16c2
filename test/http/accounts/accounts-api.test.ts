import { expect } from "chai";
import request from "supertest";
import { ADMIN, createActor, snapshot, startTestApp, tokenFor, type TestApp } from "../../helpers/app.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

const newcomer = (overrides: Record<string, unknown> = {}) => ({
  email: "teacher.li@example.org",
  password: "Kepu-2026-video",
  name: "李老师",
  city: "保定",
  unit: "保定市第一中学",
  ...overrides,
});

describe("accounts API", () => {
  let app: TestApp;
  let admin: string;

  before(async () => {
    app = await startTestApp();
    admin = await tokenFor(app, ADMIN.email, ADMIN.password);
  });
  after(() => app.close());

  it("GET /healthz answers ok and the database kind", async () => {
    const res = await request(app.server).get("/healthz");
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ ok: true, db: process.env.DATABASE_URL ? "pg" : "sqlite" });
  });

  it("the first organizer comes from ADMIN_EMAIL and ADMIN_PASSWORD", async () => {
    const res = await request(app.server).post("/api/v1/auth/token").send(ADMIN);
    expect(res.status).to.equal(200);
    expect(res.body.user).to.include({ email: ADMIN.email, role: "organizer" });
  });

  it("a contestant registers: 201 {user} without any password data, city normalized", async () => {
    const res = await request(app.server)
      .post("/api/v1/auth/register")
      .send(newcomer({ city: "保定市", email: "Teacher.Li@Example.org" }));
    expect(res.status).to.equal(201);
    expect(res.body.user).to.include({
      email: "teacher.li@example.org",
      name: "李老师",
      role: "contestant",
      city: "保定",
      unit: "保定市第一中学",
    });
    expect(res.body.user.id).to.be.a("string");
    expect(JSON.stringify(res.body)).not.to.match(/password|hash/i);
    const row = await app.db("users").where({ email: "teacher.li@example.org" }).first();
    expect(row.password_hash).to.match(/^\$argon2id\$/);
  });

  it("then logs in: POST /auth/token answers {token, user}, and the token works", async () => {
    const res = await request(app.server)
      .post("/api/v1/auth/token")
      .send({ email: "teacher.li@example.org", password: "Kepu-2026-video" });
    expect(res.status).to.equal(200);
    expect(res.body.token).to.be.a("string").with.length.greaterThan(20);
    expect(res.body.user.role).to.equal("contestant");
    const me = await request(app.server).get("/api/v1/me").set("Authorization", `Bearer ${res.body.token}`);
    expect(me.status).to.equal(200);
    expect(me.body.user.email).to.equal("teacher.li@example.org");
    const stored = await app.db("api_tokens").select("token_hash");
    expect(stored.map((r) => r.token_hash)).not.to.include(res.body.token);
  });

  it("a revoked token no longer works", async () => {
    const token = await tokenFor(app, "teacher.li@example.org", "Kepu-2026-video");
    expect(
      (await request(app.server).delete("/api/v1/auth/token").set("Authorization", `Bearer ${token}`)).status,
    ).to.equal(204);
    const res = await request(app.server).get("/api/v1/me").set("Authorization", `Bearer ${token}`);
    expect(res.status).to.equal(401);
    expect(res.body.error.code).to.equal("invalid_token");
  });

  it("an organizer creates users of every role: 201 {user}", async () => {
    for (const role of ["organizer", "coordinator", "judge", "contestant"]) {
      const res = await request(app.server)
        .post("/api/v1/users")
        .set("Authorization", `Bearer ${admin}`)
        .send({
          email: `${role}.new@example.org`,
          password: "Strong-pass-99",
          name: `${role} 新`,
          role,
          city: "唐山",
          unit: "唐山科协",
          ...(role === "judge" ? { expertise: ["科学防控", "科普行动"] } : {}),
        });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.user).to.include({ role, city: "唐山" });
    }
    const judge = await app.db("users").where({ email: "judge.new@example.org" }).first();
    expect(JSON.parse(judge.expertise)).to.deep.equal(["科学防控", "科普行动"]);
    const audit = await app.db("audit_log").where({ action: "user.create" });
    expect(audit).to.have.length(4);
  });

  it("an organizer lists users and filters by role", async () => {
    const res = await request(app.server).get("/api/v1/users?role=judge").set("Authorization", `Bearer ${admin}`);
    expect(res.status).to.equal(200);
    expect(res.body.users.map((u: { role: string }) => u.role)).to.satisfy(
      (roles: string[]) => roles.length > 0 && roles.every((r) => r === "judge"),
    );
  });

  it("an organizer disables a user: he can no longer log in or use his tokens, and it is audited", async () => {
    const judge = await createActor(app, "judge");
    const res = await request(app.server)
      .patch(`/api/v1/users/${judge.user.id}`)
      .set("Authorization", `Bearer ${admin}`)
      .send({ disabled: true });
    expect(res.status).to.equal(200);
    expect(res.body.user.disabled).to.equal(true);
    const before = await writtenState(app);
    const login = await request(app.server)
      .post("/api/v1/auth/token")
      .send({ email: judge.email, password: judge.password });
    expect(login.status).to.equal(403);
    expect(login.body.error.code).to.equal("account_disabled");
    await expectNothingWritten(app, before, "a refused login"); // no token handed out
    const me = await request(app.server).get("/api/v1/me").set("Authorization", `Bearer ${judge.token}`);
    expect(me.status).to.equal(401);
    expect(await app.db("audit_log").where({ action: "user.disable", target_id: judge.user.id })).to.have.length(1);
    const enabled = await request(app.server)
      .patch(`/api/v1/users/${judge.user.id}`)
      .set("Authorization", `Bearer ${admin}`)
      .send({ disabled: false });
    expect(enabled.body.user.disabled).to.equal(false);
    expect(
      (await request(app.server).post("/api/v1/auth/token").send({ email: judge.email, password: judge.password }))
        .status,
    ).to.equal(200);
  });

  it("an organizer cannot disable himself", async () => {
    const me = await request(app.server).get("/api/v1/me").set("Authorization", `Bearer ${admin}`);
    const before = await writtenState(app);
    const res = await request(app.server)
      .patch(`/api/v1/users/${me.body.user.id}`)
      .set("Authorization", `Bearer ${admin}`)
      .send({ disabled: true });
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal("cannot_disable_self");
    await expectNothingWritten(app, before);
  });

  describe("bad input gets a 4xx with {error: {code, message}} and writes nothing", () => {
    const cases: {
      name: string;
      path: string;
      auth?: boolean;
      body: unknown;
      raw?: string;
      status: number;
      code: string;
      field?: string;
    }[] = [
      {
        name: "broken JSON",
        path: "/api/v1/auth/register",
        raw: '{"email": "a@b.c", ',
        body: null,
        status: 400,
        code: "invalid_json",
      },
      {
        name: "an unknown field",
        path: "/api/v1/auth/register",
        body: newcomer({ email: "x1@example.org", isAdmin: true }),
        status: 400,
        code: "validation_failed",
        field: "isAdmin",
      },
      {
        name: "a wrong type",
        path: "/api/v1/auth/register",
        body: newcomer({ email: "x2@example.org", name: 42 }),
        status: 400,
        code: "validation_failed",
        field: "name",
      },
      {
        name: "a missing field",
        path: "/api/v1/auth/register",
        body: { email: "x3@example.org", password: "Kepu-2026-video", name: "王" },
        status: 400,
        code: "validation_failed",
        field: "city",
      },
      {
        name: "a malformed e-mail",
        path: "/api/v1/auth/register",
        body: newcomer({ email: "not-an-email" }),
        status: 400,
        code: "validation_failed",
        field: "email",
      },
      {
        name: "a weak password",
        path: "/api/v1/auth/register",
        body: newcomer({ email: "x4@example.org", password: "12345678" }),
        status: 400,
        code: "weak_password",
      },
      {
        name: "a short password",
        path: "/api/v1/auth/register",
        body: newcomer({ email: "x5@example.org", password: "ab1" }),
        status: 400,
        code: "weak_password",
      },
      {
        name: "a duplicate e-mail",
        path: "/api/v1/auth/register",
        body: newcomer({ email: "TEACHER.LI@example.org" }),
        status: 409,
        code: "email_taken",
      },
      {
        name: "an unknown city",
        path: "/api/v1/auth/register",
        body: newcomer({ email: "x6@example.org", city: "火星" }),
        status: 400,
        code: "validation_failed",
        field: "city",
      },
      {
        name: "a JSON array body",
        path: "/api/v1/auth/register",
        body: [1, 2],
        status: 400,
        code: "validation_failed",
      },
      {
        name: "an unknown role",
        path: "/api/v1/users",
        auth: true,
        body: {
          email: "r@example.org",
          password: "Strong-pass-99",
          name: "R",
          role: "superuser",
          city: "唐山",
          unit: "",
        },
        status: 400,
        code: "validation_failed",
        field: "role",
      },
      {
        name: "a coordinator without a city",
        path: "/api/v1/users",
        auth: true,
        body: { email: "c@example.org", password: "Strong-pass-99", name: "C", role: "coordinator", unit: "市科技局" },
        status: 400,
        code: "validation_failed",
        field: "city",
      },
    ];
    for (const c of cases) {
      it(`${c.name} → ${c.status} ${c.code}`, async () => {
        const before = await snapshot(app.db);
        let req = request(app.server).post(c.path).set("Content-Type", "application/json");
        if (c.auth) req = req.set("Authorization", `Bearer ${admin}`);
        const res = await req.send(c.raw ?? JSON.stringify(c.body));
        expect(res.status, JSON.stringify(res.body)).to.equal(c.status);
        expect(res.body.error.code).to.equal(c.code);
        expect(res.body.error.message)
          .to.be.a("string")
          .and.match(/[\u4e00-\u9fff]/);
        if (c.field) expect(JSON.stringify(res.body.error)).to.include(c.field);
        expect(await snapshot(app.db)).to.deep.equal(before);
      });
    }

    it("answers in English with Accept-Language: en", async () => {
      const before = await writtenState(app);
      const res = await request(app.server)
        .post("/api/v1/auth/register")
        .set("Accept-Language", "en-US,en;q=0.9")
        .send(newcomer({ email: "x7@example.org", password: "short" }));
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal("weak_password");
      expect(res.body.error.message).to.match(/^Password too weak/);
      await expectNothingWritten(app, before);
    });

    it("names the offending field in English too", async () => {
      const res = await request(app.server)
        .post("/api/v1/auth/register")
        .set("Accept-Language", "en")
        .send(newcomer({ email: "x8@example.org", extra: 1 }));
      expect(res.body.error.message).to.match(/^The data sent is not valid: extra/);
      expect(res.body.error.details.fields[0].field).to.equal("extra");
    });

    it("prefers Chinese when the reader lists it first", async () => {
      const res = await request(app.server)
        .post("/api/v1/auth/token")
        .set("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8")
        .send({ email: "nobody@example.org", password: "whatever-1" });
      expect(res.body.error.message).to.equal("邮箱或密码不正确");
    });
  });

  describe("login", () => {
    it("a wrong password gets 401 invalid_credentials, the same as an unknown e-mail", async () => {
      const before = await writtenState(app);
      const wrong = await request(app.server)
        .post("/api/v1/auth/token")
        .send({ email: "teacher.li@example.org", password: "Wrong-pass-1" });
      const unknown = await request(app.server)
        .post("/api/v1/auth/token")
        .send({ email: "ghost@example.org", password: "Wrong-pass-1" });
      expect(wrong.status).to.equal(401);
      expect(unknown.status).to.equal(401);
      expect(wrong.body).to.deep.equal(unknown.body);
      // Only the failed attempts are counted (login_limits, left out of the comparison): no token, no user.
      await expectNothingWritten(app, before, "a refused login");
    });

    it("is rate limited per account: after 5 failures even the right password gets 429 with Retry-After", async () => {
      const victim = await createActor(app, "contestant");
      for (let i = 0; i < 5; i += 1) {
        expect(
          (
            await request(app.server)
              .post("/api/v1/auth/token")
              .send({ email: victim.email, password: `Guess-${i}-x` })
          ).status,
        ).to.equal(401);
      }
      const before = await writtenState(app);
      const res = await request(app.server)
        .post("/api/v1/auth/token")
        .send({ email: victim.email, password: victim.password });
      expect(res.status).to.equal(429);
      await expectNothingWritten(app, before, "a rate-limited login");
      expect(res.body.error.code).to.equal("too_many_attempts");
      expect(Number(res.headers["retry-after"])).to.be.greaterThan(0);
    });
  });
});
