import { expect } from "chai";
import request from "supertest";
import { ADMIN, createActor, snapshot, startTestApp, tokenFor, type Actor, type TestApp } from "../../helpers/app.js";
import { openContest, submit, videoSubmission } from "../../helpers/entries.js";
import { testMedia } from "../../helpers/media.js";
import { csrfOf, pageSession } from "../../helpers/pages.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

/** A judge's profile: expertise and units to avoid (回避单位), kept by organizers, the avoid units by the judge too. */
describe("judge profile: expertise and units to avoid", () => {
  let app: TestApp;
  let admin: string;
  let judge: Actor;
  let contestant: Actor;
  let coordinator: Actor;

  const as = (token: string | null) => {
    const auth = (req: request.Test) => (token ? req.set("Authorization", `Bearer ${token}`) : req);
    return {
      get: (path: string) => auth(request(app.server).get(path)),
      patch: (path: string, body: unknown) => auth(request(app.server).patch(path)).send(body as object),
    };
  };

  async function expectRefused(run: () => Promise<request.Response>, status: number, code: string) {
    const before = await snapshot(app.db);
    const res = await run();
    expect(res.status, JSON.stringify(res.body)).to.equal(status);
    expect(res.body.error.code).to.equal(code);
    expect(await snapshot(app.db)).to.deep.equal(before);
    return res;
  }

  before(async () => {
    app = await startTestApp();
    admin = await tokenFor(app, ADMIN.email, ADMIN.password);
    judge = await createActor(app, "judge", { unit: "河北大学", city: "保定", expertise: ["科学防控"] });
    contestant = await createActor(app, "contestant");
    coordinator = await createActor(app, "coordinator");
  });
  after(() => app.close());

  describe("the API", () => {
    it("an organizer sets a judge's expertise and avoid units with PATCH /api/v1/users/:id (cleaned: trimmed, no repeats)", async () => {
      const res = await as(admin).patch(`/api/v1/users/${judge.user.id}`, {
        expertise: ["科学防控", " 科普行动 "],
        avoidUnits: [" 保定学院", "保定学院", "河北农业大学"],
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.user).to.include({ id: judge.user.id, role: "judge" });
      expect(res.body.user.expertise).to.deep.equal(["科学防控", "科普行动"]);
      expect(res.body.user.avoidUnits).to.deep.equal(["保定学院", "河北农业大学"]);
      const row = await app.db("users").where({ id: judge.user.id }).first();
      expect(JSON.parse(row.avoid_units)).to.deep.equal(["保定学院", "河北农业大学"]);
      expect(JSON.parse(row.expertise)).to.deep.equal(["科学防控", "科普行动"]);
    });

    it("the judge edits his own avoid units with PATCH /api/v1/me, audited as his own change", async () => {
      const res = await as(judge.token).patch("/api/v1/me", {
        avoidUnits: ["保定学院", " 河北软件职业技术学院 ", "保定学院"],
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.user.avoidUnits).to.deep.equal(["保定学院", "河北软件职业技术学院"]);
      expect(res.body.user.expertise, "expertise is untouched").to.deep.equal(["科学防控", "科普行动"]);
      expect((await as(judge.token).get("/api/v1/me")).body.user.avoidUnits).to.deep.equal([
        "保定学院",
        "河北软件职业技术学院",
      ]);
      const audit = await app.db("audit_log").where({ actor_id: judge.user.id, action: "user.update" });
      expect(audit).to.have.length(1);
      expect(JSON.parse(audit[0].details).changes).to.deep.equal({ avoidUnits: ["保定学院", "河北软件职业技术学院"] });
    });

    it("the judge may clear his list", async () => {
      const res = await as(judge.token).patch("/api/v1/me", { avoidUnits: [] });
      expect(res.status).to.equal(200);
      expect(res.body.user.avoidUnits).to.deep.equal([]);
      await as(judge.token).patch("/api/v1/me", { avoidUnits: ["保定学院"] });
    });

    it("a judge may change nothing else of himself: other fields, wrong types and empty bodies → 400, nothing written", async () => {
      for (const body of [
        { name: "改名" },
        { avoidUnits: ["保定学院"], expertise: ["科普行动"] },
        { avoidUnits: ["保定学院"], disabled: true },
        { avoidUnits: "保定学院" },
        { avoidUnits: [""] },
        {},
        [],
      ]) {
        await expectRefused(() => as(judge.token).patch("/api/v1/me", body), 400, "validation_failed");
      }
      await expectRefused(
        () => as(judge.token).patch("/api/v1/me", { avoidUnits: Array.from({ length: 51 }, (_, i) => `单位${i}`) }),
        400,
        "validation_failed",
      );
    });

    it("a contestant, a coordinator or an organizer cannot set avoid units (403); anonymous → 401; nothing written", async () => {
      for (const who of [contestant, coordinator]) {
        const res = await expectRefused(
          () => as(who.token).patch("/api/v1/me", { avoidUnits: ["保定学院"] }),
          403,
          "forbidden",
        );
        expect(res.body.error.message).to.equal("只有评审专家可以设置回避单位");
      }
      await expectRefused(() => as(admin).patch("/api/v1/me", { avoidUnits: ["保定学院"] }), 403, "forbidden");
      await expectRefused(() => as(null).patch("/api/v1/me", { avoidUnits: ["保定学院"] }), 401, "unauthenticated");
    });

    it("a judge cannot edit another user through PATCH /api/v1/users/:id (403)", async () => {
      await expectRefused(
        () => as(judge.token).patch(`/api/v1/users/${contestant.user.id}`, { avoidUnits: ["x"] }),
        403,
        "forbidden",
      );
    });
  });

  describe("avoid units drive conflicts", () => {
    it("once the judge names an entry's unit, assigning him that entry is refused as a conflict", async function () {
      this.timeout(120_000);
      const media = await testMedia();
      const { id: contestId } = await openContest(app, { judgesPerEntry: 1 });
      const owner = await createActor(app, "contestant", { city: "唐山" });
      const entry = await submit(
        app,
        contestId,
        owner.token,
        videoSubmission(media, { fields: { unit: "唐山市第一中学", city: "唐山" } }),
      );
      expect(entry.status, JSON.stringify(entry.body)).to.equal(201);
      const avoider = await createActor(app, "judge", { unit: "石家庄某研究所", city: "石家庄" });
      const pool = await request(app.server)
        .put(`/api/v1/contests/${contestId}/judges`)
        .set("Authorization", `Bearer ${admin}`)
        .send({ judgeIds: [avoider.user.id] });
      expect(pool.status, JSON.stringify(pool.body)).to.equal(200);
      expect((await as(avoider.token).patch("/api/v1/me", { avoidUnits: ["唐山市 第一中学"] })).status).to.equal(200);
      const before = await writtenState(app);
      const add = await request(app.server)
        .post(`/api/v1/contests/${contestId}/assignments`)
        .set("Authorization", `Bearer ${admin}`)
        .send({ entryId: entry.body.entry.id, judgeId: avoider.user.id });
      expect(add.status, JSON.stringify(add.body)).to.equal(409);
      expect(add.body.error.code).to.equal("conflict_of_interest");
      expect(add.body.error.message).to.include("作品单位在评委的回避单位中");
      await expectNothingWritten(app, before);
    });
  });

  describe("the pages", () => {
    it("the judge sees his profile on /me/profile and saves his avoid units, one a line", async () => {
      const agent = await pageSession(app, judge.email, judge.password);
      const page = await agent.get("/me/profile").set("Accept", "text/html");
      expect(page.status).to.equal(200);
      expect(page.text)
        .to.include('data-testid="avoid-units-form"')
        .and.include("保定学院")
        .and.include("河北大学")
        .and.include('href="/me/profile"');
      const res = await agent
        .post("/me/profile")
        .type("form")
        .set("Accept", "text/html")
        .send({
          _csrf: csrfOf(page.text),
          avoidUnits: "保定学院\r\nHebei Agricultural University\r\n\r\n保定学院、河北工程大学",
        });
      expect(res.status).to.equal(302);
      expect(res.headers.location).to.equal("/me/profile");
      const row = await app.db("users").where({ id: judge.user.id }).first();
      expect(JSON.parse(row.avoid_units)).to.deep.equal(["保定学院", "Hebei Agricultural University", "河北工程大学"]);
    });

    it("other roles are refused /me/profile (403)", async () => {
      const agent = await pageSession(app, contestant.email, contestant.password);
      const page = await agent.get("/me/profile").set("Accept", "text/html");
      expect(page.status).to.equal(403);
    });

    it("the organizer edits a judge on /admin/users/:id: name, unit, city, expertise, avoid units", async () => {
      const agent = await pageSession(app, ADMIN.email, ADMIN.password);
      const list = await agent.get("/admin/users").set("Accept", "text/html");
      expect(list.text).to.include(`href="/admin/users/${judge.user.id}"`).and.include('href="/admin/users/import"');
      const page = await agent.get(`/admin/users/${judge.user.id}`).set("Accept", "text/html");
      expect(page.status).to.equal(200);
      expect(page.text).to.include('name="avoidUnits"').and.include("Hebei Agricultural University");
      const res = await agent
        .post(`/admin/users/${judge.user.id}`)
        .type("form")
        .set("Accept", "text/html")
        .send({
          _csrf: csrfOf(page.text),
          name: "张教授",
          unit: "河北大学物理学院",
          city: "保定",
          expertise: "科学防控、科创惠民",
          avoidUnits: "保定学院\n河北大学",
        });
      expect(res.status, res.text.slice(0, 500)).to.equal(302);
      const row = await app.db("users").where({ id: judge.user.id }).first();
      expect(row).to.include({ name: "张教授", unit: "河北大学物理学院", city: "保定" });
      expect(JSON.parse(row.expertise)).to.deep.equal(["科学防控", "科创惠民"]);
      expect(JSON.parse(row.avoid_units)).to.deep.equal(["保定学院", "河北大学"]);
    });

    it("a bad city on /admin/users/:id is shown on the form with what was typed, and nothing is written", async () => {
      const agent = await pageSession(app, ADMIN.email, ADMIN.password);
      const page = await agent.get(`/admin/users/${judge.user.id}`).set("Accept", "text/html");
      const before = await snapshot(app.db);
      const res = await agent
        .post(`/admin/users/${judge.user.id}`)
        .type("form")
        .set("Accept", "text/html")
        .send({
          _csrf: csrfOf(page.text),
          name: "张教授",
          unit: "新单位名",
          city: "北京",
          expertise: "",
          avoidUnits: "",
        });
      expect(res.status).to.equal(400);
      expect(res.text).to.include("未知的城市“北京”").and.include('value="新单位名"');
      expect(await snapshot(app.db)).to.deep.equal(before);
    });

    it("a contestant's page has no expertise or avoid units; disabling there comes back to it", async () => {
      const agent = await pageSession(app, ADMIN.email, ADMIN.password);
      const page = await agent.get(`/admin/users/${contestant.user.id}`).set("Accept", "text/html");
      expect(page.status).to.equal(200);
      expect(page.text).not.to.include('name="avoidUnits"');
      const res = await agent
        .post(`/admin/users/${contestant.user.id}/disabled`)
        .type("form")
        .send({ _csrf: csrfOf(page.text), disabled: "true", next: `/admin/users/${contestant.user.id}` });
      expect(res.status).to.equal(302);
      expect(res.headers.location).to.equal(`/admin/users/${contestant.user.id}`);
      expect(Boolean((await app.db("users").where({ id: contestant.user.id }).first()).disabled)).to.equal(true);
      const evil = await agent
        .post(`/admin/users/${contestant.user.id}/disabled`)
        .type("form")
        .send({ _csrf: csrfOf(page.text), disabled: "false", next: "//evil.example" });
      expect(evil.headers.location).to.equal("/admin/users");
    });

    it("/admin/users/:id of an unknown user → 404; a judge is refused (403)", async () => {
      const agent = await pageSession(app, ADMIN.email, ADMIN.password);
      expect((await agent.get("/admin/users/no-such-user").set("Accept", "text/html")).status).to.equal(404);
      const judgeAgent = await pageSession(app, judge.email, judge.password);
      expect((await judgeAgent.get(`/admin/users/${judge.user.id}`).set("Accept", "text/html")).status).to.equal(403);
    });

    it("one by one on /admin/users: a judge with expertise and avoid units, and a generated password shown once", async () => {
      const agent = await pageSession(app, ADMIN.email, ADMIN.password);
      const page = await agent.get("/admin/users").set("Accept", "text/html");
      const res = await agent
        .post("/admin/users")
        .type("form")
        .set("Accept", "text/html")
        .send({
          _csrf: csrfOf(page.text),
          name: "刘专家",
          email: "Liu.Expert@example.org",
          password: "",
          generatePassword: "on",
          role: "judge",
          city: "沧州",
          unit: "沧州师范学院",
          expertise: "科普行动 科技扶贫",
          avoidUnits: "沧州市科技馆\n沧州职业技术学院",
        });
      expect(res.status, res.text.slice(0, 500)).to.equal(200);
      expect(res.headers["cache-control"]).to.equal("no-store");
      const password = /data-testid="initial-password">([^<]+)</.exec(res.text)?.[1];
      expect(password).to.match(/^[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}$/);
      const row = await app.db("users").where({ email: "liu.expert@example.org" }).first();
      expect(row).to.include({ role: "judge", city: "沧州", unit: "沧州师范学院" });
      expect(JSON.parse(row.expertise)).to.deep.equal(["科普行动", "科技扶贫"]);
      expect(JSON.parse(row.avoid_units)).to.deep.equal(["沧州市科技馆", "沧州职业技术学院"]);
      expect(
        (await request(app.server).post("/api/v1/auth/token").send({ email: "liu.expert@example.org", password }))
          .status,
      ).to.equal(200);
      // Not in a flash message, so not in the stored session either; and only once.
      const sessions = JSON.stringify(await app.db("sessions").select("*"));
      expect(sessions).not.to.include(password!);
      expect((await agent.get("/admin/users").set("Accept", "text/html")).text).not.to.include(password!);
    });

    it("without generating, an empty password is refused and nothing is written", async () => {
      const agent = await pageSession(app, ADMIN.email, ADMIN.password);
      const page = await agent.get("/admin/users").set("Accept", "text/html");
      const before = await snapshot(app.db);
      const res = await agent
        .post("/admin/users")
        .type("form")
        .set("Accept", "text/html")
        .send({ _csrf: csrfOf(page.text), name: "无密码", email: "nopass@example.org", password: "", role: "judge" });
      expect(res.status).to.equal(400);
      expect(await snapshot(app.db)).to.deep.equal(before);
    });
  });
});
