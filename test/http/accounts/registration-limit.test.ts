import { expect } from "chai";
import request from "supertest";
import { startTestApp, TestClock, type TestApp } from "../../helpers/app.js";
import { csrfOf } from "../../helpers/pages.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

let n = 0;
const newcomer = () => {
  n += 1;
  return { email: `newcomer${n}@example.org`, password: "Secret-pass-42", name: "新用户", city: "保定", unit: "" };
};

describe("registrations per address (Trust item 6: each costs an argon2 hash)", () => {
  describe("one after another", () => {
    const clock = new TestClock(new Date("2026-12-01T02:00:00Z"));
    let app: TestApp;
    before(async () => {
      app = await startTestApp({ clock, env: { REGISTRATIONS_PER_IP_PER_HOUR: "3" } });
    });
    after(() => app.close());

    it("an address registers up to the hour's limit; the next is refused with 429 and Retry-After, nothing written", async () => {
      for (let i = 0; i < 3; i += 1) {
        const res = await request(app.server).post("/api/v1/auth/register").send(newcomer());
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
      }
      const before = await writtenState(app);
      const res = await request(app.server).post("/api/v1/auth/register").send(newcomer());
      expect(res.status).to.equal(429);
      expect(res.body.error.code).to.equal("too_many_registrations");
      expect(res.body.error.message).to.match(/^此网络地址注册的账号过多，请 \d+ 分钟后再试$/);
      expect(Number(res.headers["retry-after"])).to.be.within(1, 3600);
      const en = await request(app.server).post("/api/v1/auth/register").set("Accept-Language", "en").send(newcomer());
      expect(en.body.error.message).to.match(/^Too many accounts were registered from this address/);
      await expectNothingWritten(app, before);
    });

    it("the registration page counts against the same limit", async () => {
      const agent = request.agent(app.server);
      const form = await agent.get("/register").set("Accept", "text/html");
      const before = await writtenState(app);
      const res = await agent
        .post("/register")
        .type("form")
        .set("Accept", "text/html")
        .send({ _csrf: csrfOf(form.text), ...newcomer() });
      expect(res.status).to.equal(429);
      expect(res.text).to.include("此网络地址注册的账号过多");
      await expectNothingWritten(app, before);
    });

    it("an hour after the window began, the address may register again", async () => {
      clock.advance(3600_000);
      const res = await request(app.server).post("/api/v1/auth/register").send(newcomer());
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
    });
  });

  describe("in parallel", () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp({ env: { REGISTRATIONS_PER_IP_PER_HOUR: "4" } });
    });
    after(() => app.close());

    it("16 registrations at once from one address create exactly 4 accounts: the count is taken before hashing, atomically", async function () {
      this.timeout(60_000);
      const users = await app.db("users").count({ n: "*" });
      const answers = await Promise.all(
        Array.from({ length: 16 }, () => request(app.server).post("/api/v1/auth/register").send(newcomer())),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses.filter((s) => s === 201)).to.have.length(4);
      expect(statuses.filter((s) => s === 429)).to.have.length(12);
      const after = await app.db("users").count({ n: "*" });
      expect(Number(after[0].n) - Number(users[0].n)).to.equal(4);
    });
  });
});
