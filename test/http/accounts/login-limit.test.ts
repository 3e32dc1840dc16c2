import { expect } from "chai";
import request from "supertest";
import { ADMIN, createActor, startTestApp, TestClock, tokenFor, type TestApp } from "../../helpers/app.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

/**
 * The login limit (Trust #2; the rule is in src/accounts/login-limit.ts): each password check is
 * reserved before argon2 runs, per account and per client address; an address over its budget is
 * slowed, not locked out; the client address comes from X-Forwarded-For only through trusted proxies.
 */

const login = (app: TestApp, email: string, password: string, forwardedFor?: string) => {
  const req = request(app.server).post("/api/v1/auth/token");
  if (forwardedFor !== undefined) req.set("X-Forwarded-For", forwardedFor);
  return req.send({ email, password });
};

/** The client addresses the limit has counted, with their counts. */
async function countedAddresses(app: TestApp): Promise<Record<string, number>> {
  const rows = await app.db("login_limits").where("limit_key", "like", "address:%").select("limit_key", "attempts");
  return Object.fromEntries(rows.map((r) => [String(r.limit_key), Number(r.attempts)]));
}

function statuses(responses: { status: number }[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const r of responses) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

describe("login limit: parallel guesses", () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  it("40 parallel wrong passwords for one account: exactly 5 are checked (401), the other 35 get 429 before any check, writing nothing", async () => {
    const victim = await createActor(app, "contestant");
    const before = await writtenState(app);
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => login(app, victim.email, `Guess-${i}-parallel`)),
    );
    expect(statuses(responses)).to.deep.equal({ 401: 5, 429: 35 });
    for (const res of responses.filter((r) => r.status === 429)) {
      expect(res.body.error.code).to.equal("too_many_attempts");
      expect(res.body.error.message).to.match(/^登录失败次数过多/);
      expect(Number(res.headers["retry-after"])).to.be.within(1, 15 * 60);
    }
    await expectNothingWritten(app, before, "parallel wrong logins");
    const row = await app.db("login_limits").where("limit_key", `account:${victim.email}`).first();
    expect(Number(row.attempts), "the account counts the 5 checks that failed").to.equal(5);

    const right = await login(app, victim.email, victim.password).set("Accept-Language", "en");
    expect(right.status, "now even the right password waits").to.equal(429);
    expect(right.body.error.message).to.match(/^Too many failed logins/);
  });

  it("20 parallel wrong current passwords on PUT /me/password: exactly 5 are checked (400), the rest get 429", async () => {
    const user = await createActor(app, "judge");
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        request(app.server)
          .put("/api/v1/me/password")
          .set("Authorization", `Bearer ${user.token}`)
          .send({ currentPassword: `Guess-${i}-parallel`, newPassword: "Kepu-new-2026" }),
      ),
    );
    expect(statuses(responses)).to.deep.equal({ 400: 5, 429: 15 });
    expect(responses.find((r) => r.status === 400)?.body.error.code).to.equal("wrong_password");
    expect((await login(app, user.email, user.password)).status, "and logging in waits too").to.equal(429);
  });

  it("a correct password clears the account's failures", async () => {
    const user = await createActor(app, "contestant");
    for (let i = 0; i < 4; i += 1) expect((await login(app, user.email, `Guess-${i}-x`)).status).to.equal(401);
    expect((await login(app, user.email, user.password)).status).to.equal(200);
    for (let i = 0; i < 5; i += 1) expect((await login(app, user.email, `Again-${i}-x`)).status).to.equal(401);
    expect((await login(app, user.email, user.password)).status).to.equal(429);
  });
});

describe("login limit: the window", () => {
  let app: TestApp;
  const clock = new TestClock(new Date("2026-11-02T01:00:00.000Z"));
  before(async () => {
    app = await startTestApp({ clock, env: { LOGIN_WINDOW_MINUTES: "10" } });
  });
  after(() => app.close());

  it("a throttled account may try again once its window has passed, and not a second before", async () => {
    const user = await createActor(app, "contestant");
    for (let i = 0; i < 5; i += 1) expect((await login(app, user.email, `Guess-${i}-x`)).status).to.equal(401);
    const refused = await login(app, user.email, user.password);
    expect(refused.status).to.equal(429);
    expect(Number(refused.headers["retry-after"])).to.equal(600);
    clock.advance(10 * 60_000 - 1000);
    expect((await login(app, user.email, user.password)).status).to.equal(429);
    clock.advance(1000);
    expect((await login(app, user.email, user.password)).status).to.equal(200);
  });
});

describe("login limit: many failures behind one address", () => {
  let app: TestApp;
  // Through a proxy on loopback (the test client), X-Forwarded-For names the client: several schools.
  const SCHOOL = "203.0.113.7";
  const HOME = "198.51.100.20";
  before(async () => {
    app = await startTestApp({ env: { LOGIN_MAX_FAILURES_PER_IP: "4", TRUST_PROXY: "loopback" } });
  });
  after(() => app.close());

  it("30 failures against other accounts from a school's address do not keep the organizer out from there", async () => {
    for (let i = 0; i < 30; i += 1) {
      const res = await login(app, `student${i}@example.org`, "Guess-1-x", SCHOOL);
      expect(res.status, `spray ${i}`).to.equal(401);
    }
    expect((await login(app, ADMIN.email, ADMIN.password, SCHOOL)).status).to.equal(200);
    const teacher = await createActor(app, "coordinator");
    expect((await login(app, teacher.email, teacher.password, SCHOOL)).status).to.equal(200);
  });

  it("but from that address each account gets one attempt per window: a second guess gets 429 and writes nothing", async () => {
    const target = await createActor(app, "judge");
    expect((await login(app, target.email, "Spray-pass-1", SCHOOL)).status).to.equal(401);
    const before = await writtenState(app);
    const second = await login(app, target.email, "Spray-pass-2", SCHOOL);
    expect(second.status).to.equal(429);
    expect(second.body.error.code).to.equal("too_many_attempts");
    expect(Number(second.headers["retry-after"])).to.be.greaterThan(0);
    await expectNothingWritten(app, before, "a slowed guess");
    expect((await login(app, target.email, target.password, SCHOOL)).status, "even the right one").to.equal(429);
    // From an address that is not slowed, the account keeps its own allowance (1 of 5 used).
    expect((await login(app, target.email, "Home-typo-1", HOME)).status).to.equal(401);
    expect((await login(app, target.email, target.password, HOME)).status).to.equal(200);
  });

  it("an address under its budget is not slowed: a user may mistype and retry there", async () => {
    const user = await createActor(app, "contestant");
    expect((await login(app, user.email, "Typo-pass-1", HOME)).status).to.equal(401);
    expect((await login(app, user.email, "Typo-pass-2", HOME)).status).to.equal(401);
    expect((await login(app, user.email, user.password, HOME)).status).to.equal(200);
  });

  it("successful logins do not use up an address's budget", async () => {
    const OFFICE = "192.0.2.50";
    const colleagues = [];
    for (let i = 0; i < 6; i += 1) colleagues.push(await createActor(app, "judge"));
    for (const c of colleagues) expect((await login(app, c.email, c.password, OFFICE)).status).to.equal(200);
    const typo = colleagues[0];
    expect((await login(app, typo.email, "Typo-pass-1", OFFICE)).status).to.equal(401);
    expect((await login(app, typo.email, typo.password, OFFICE)).status, "one typo among six logins").to.equal(200);
  });
});

describe("login limit: which address is counted (TRUST_PROXY)", () => {
  const apps: TestApp[] = [];
  after(async () => {
    for (const app of apps) await app.close();
  });
  const start = async (env: Record<string, string>) => {
    const app = await startTestApp({ env: { LOGIN_MAX_FAILURES_PER_IP: "3", ...env } });
    apps.push(app);
    // The organizer's logins while setting up are given back; start the count from nothing.
    await app.db("login_limits").del();
    return app;
  };

  /** Fails logins with a different forged X-Forwarded-For each time; answers the addresses counted. */
  async function sprayWithForgedHeaders(app: TestApp, realPart = ""): Promise<Record<string, number>> {
    for (let i = 0; i < 6; i += 1) {
      const forged = `10.9.${i}.${i + 1}${realPart}`;
      expect((await login(app, `spray${i}@example.org`, "Guess-1-x", forged)).status).to.equal(401);
    }
    return countedAddresses(app);
  }

  it("without TRUST_PROXY a client's X-Forwarded-For is ignored: every forged address counts as the one connecting", async () => {
    const app = await start({});
    expect(await sprayWithForgedHeaders(app)).to.deep.equal({ "address:127.0.0.1": 6 });
    // Slowed from there: a second guess at one account is refused whatever header it forges.
    expect((await login(app, "spray0@example.org", "Guess-2-x", "10.200.0.1")).status).to.equal(429);
  });

  it("with the proxies listed, a client that is not one of them cannot forge its address", async () => {
    const app = await start({ TRUST_PROXY: "10.0.0.0/8, 192.168.1.1" });
    expect(await sprayWithForgedHeaders(app)).to.deep.equal({ "address:127.0.0.1": 6 });
  });

  it("behind one trusted hop, the client is the address the proxy appended, not what the client wrote before it", async () => {
    const app = await start({ TRUST_PROXY: "1" });
    expect(await sprayWithForgedHeaders(app, ", 203.0.113.9")).to.deep.equal({ "address:203.0.113.9": 6 });
  });

  it("behind a listed proxy, likewise; and an IPv6 client is counted by its /64", async () => {
    const app = await start({ TRUST_PROXY: "loopback" });
    expect(await sprayWithForgedHeaders(app, ", 203.0.113.9")).to.deep.equal({ "address:203.0.113.9": 6 });
    await app.db("login_limits").del();
    for (const [i, client] of ["2001:db8:1:2::5", "2001:db8:1:2:ffff::9", "2001:0db8:0001:0002:a:b:c:d"].entries())
      expect((await login(app, `v6-${i}@example.org`, "Guess-1-x", client)).status).to.equal(401);
    expect(await countedAddresses(app)).to.deep.equal({ "address:2001:db8:1:2::/64": 3 });
  });

  it("a token still comes for the right password through the trusted proxy", async () => {
    const app = await start({ TRUST_PROXY: "1" });
    expect(await tokenFor(app, ADMIN.email, ADMIN.password)).to.be.a("string");
  });
});
