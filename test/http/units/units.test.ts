import { expect } from "chai";
import request from "supertest";
import { ADMIN, as, createActor, startTestApp, tokenFor, type Actor, type TestApp } from "../../helpers/app.js";
import { csrfOf, pageSession } from "../../helpers/pages.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

/** The unit registry and the reporter role (DESIGN §3 "Activity reports"): one unit per name, a reporter per unit. */
describe("units: the registry and its reporters", () => {
  let app: TestApp;
  let admin: string;
  let coordinator: Actor;

  const createUser = (body: Record<string, unknown>) =>
    as(app, admin).post("/api/v1/users", { password: "Secret-pass-42", name: "报送员", ...body });
  const createUnit = (token: string, body: Record<string, unknown>) => as(app, token).post("/api/v1/units", body);

  before(async () => {
    app = await startTestApp();
    admin = await tokenFor(app, ADMIN.email, ADMIN.password);
    coordinator = await createActor(app, "coordinator", { city: "保定" });
  });
  after(() => app.close());

  it("a reporter made with a unit name and city gets that unit, found or created, and its city", async () => {
    const first = await createUser({
      email: "r1@units.example.org",
      role: "reporter",
      unit: "河北大学",
      city: "保定市",
    });
    expect(first.status, JSON.stringify(first.body)).to.equal(201);
    expect(first.body.user).to.include({ role: "reporter", city: "保定", unit: "河北大学" });
    expect(first.body.user.unitId).to.be.a("string");
    // Full-width letters, an ideographic space and a zero-width space: the same unit.
    const second = await createUser({
      email: "r2@units.example.org",
      role: "reporter",
      unit: "河北\u200B大学\u3000",
      city: "Baoding",
    });
    expect(second.status, JSON.stringify(second.body)).to.equal(201);
    expect(second.body.user.unitId).to.equal(first.body.user.unitId);
    const byId = await createUser({ email: "r3@units.example.org", role: "reporter", unitId: first.body.user.unitId });
    expect(byId.status, JSON.stringify(byId.body)).to.equal(201);
    expect(byId.body.user).to.include({ unitId: first.body.user.unitId, city: "保定", unit: "河北大学" });

    const list = await as(app, admin).get("/api/v1/units?city=保定");
    expect(list.status).to.equal(200);
    expect(list.body.units).to.deep.equal([
      { id: first.body.user.unitId, name: "河北大学", city: "保定", kind: "其他", reporters: 3 },
    ]);
  });

  it("a reporter's own token reads /me with his unit; the registry API is not his (403)", async () => {
    const reporter = await createActor(app, "reporter", { city: "唐山", unit: "唐山学院" });
    const me = await as(app, reporter.token).get("/api/v1/me");
    expect(me.body.user).to.include({ role: "reporter", unit: "唐山学院", city: "唐山" });
    const units = await as(app, reporter.token).get("/api/v1/units");
    expect(units.status).to.equal(403);
    expect(units.body.error.code).to.equal("forbidden");
  });

  it("an organizer moves a reporter to another unit: unit, name and city change together", async () => {
    const reporter = await createActor(app, "reporter", { city: "沧州", unit: "沧州科协" });
    const moved = await request(app.server)
      .patch(`/api/v1/users/${reporter.user.id}`)
      .set("Authorization", `Bearer ${admin}`)
      .send({ unit: "沧州师范学院", city: "沧州" });
    expect(moved.status, JSON.stringify(moved.body)).to.equal(200);
    expect(moved.body.user).to.include({ unit: "沧州师范学院", city: "沧州" });
    expect(moved.body.user.unitId).not.to.equal(reporter.user.unitId);
    // A city alone would part him from his unit's city: refused, nothing written.
    const before = await writtenState(app);
    const elsewhere = await request(app.server)
      .patch(`/api/v1/users/${reporter.user.id}`)
      .set("Authorization", `Bearer ${admin}`)
      .send({ city: "唐山" });
    expect(elsewhere.status).to.equal(400);
    expect(elsewhere.body.error.code).to.equal("unit_other_city");
    await expectNothingWritten(app, before);
  });

  it("refuses a reporter without a unit, an unknown unit id, and a unit id on another role: 4xx, nothing written", async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ email: "x1@units.example.org", role: "reporter", city: "保定" }, 400, "validation_failed"],
      [{ email: "x2@units.example.org", role: "reporter", unit: "某单位" }, 400, "validation_failed"],
      [{ email: "x3@units.example.org", role: "reporter", unitId: "no-such-unit" }, 404, "not_found"],
      [{ email: "x4@units.example.org", role: "judge", unitId: "no-such-unit" }, 400, "validation_failed"],
      [{ email: "x5@units.example.org", role: "reporter", unit: "河北大学", city: "唐山" }, 400, "unit_other_city"],
    ];
    for (const [body, status, code] of cases) {
      const before = await writtenState(app);
      const res = await createUser(body);
      expect(res.status, JSON.stringify(res.body)).to.equal(status);
      expect(res.body.error.code).to.equal(code);
      await expectNothingWritten(app, before, JSON.stringify(body));
    }
  });

  it("an organizer makes a unit (201), the same name typed differently answers it (200), another city is refused", async () => {
    const made = await createUnit(admin, { name: "ＳＴＥＭ 教育学会", city: "邯郸", kind: "学会" });
    expect(made.status, JSON.stringify(made.body)).to.equal(201);
    expect(made.body.unit).to.include({ name: "ＳＴＥＭ 教育学会", city: "邯郸", kind: "学会" });
    const again = await createUnit(admin, { name: "stem教育\u200D学会", city: "邯郸市" });
    expect(again.status).to.equal(200);
    expect(again.body.unit).to.deep.equal(made.body.unit);

    const before = await writtenState(app);
    const other = await request(app.server)
      .post("/api/v1/units")
      .set("Authorization", `Bearer ${admin}`)
      .set("Accept-Language", "en")
      .send({ name: "STEM教育学会", city: "邢台" });
    expect(other.status).to.equal(400);
    expect(other.body.error).to.include({ code: "unit_other_city" });
    expect(other.body.error.message).to.include("belongs to");
    await expectNothingWritten(app, before);
  });

  it("the same new unit asked for at once by several requests is made once", async () => {
    const names = ["张家口学院", "张家口 学院", "张家口\u200B学院", "张家口学院\u3000"];
    const answers = await Promise.all(names.map((name) => createUnit(admin, { name, city: "张家口" })));
    expect(answers.map((a) => a.status).sort()).to.deep.equal([200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.unit.id as string)).size).to.equal(1);
  });

  it("bad unit input → 400 in the reader's language, nothing written", async () => {
    const bodies = [
      {},
      { name: "", city: "邯郸" },
      { name: "\u200B \u3000", city: "邯郸" },
      { name: "某学会", city: "火星" },
      { name: "某学会", city: "邯郸", kind: "外星机构" },
      { name: "某学会", city: "邯郸", extra: 1 },
      { name: "x".repeat(201), city: "邯郸" },
    ];
    for (const body of bodies) {
      const before = await writtenState(app);
      const res = await createUnit(admin, body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(res.body.error.code).to.equal("validation_failed");
      expect(res.body.error.message).to.match(/[\u4e00-\u9fff]/);
      await expectNothingWritten(app, before, JSON.stringify(body));
    }
  });

  it("a coordinator lists his city's units only and cannot make one (403, nothing written)", async () => {
    await createUnit(admin, { name: "保定市科技局", city: "保定", kind: "市科技局" });
    const own = await as(app, coordinator.token).get("/api/v1/units");
    expect(own.status).to.equal(200);
    expect(own.body.units.map((u: { city: string }) => u.city))
      .to.include("保定")
      .and.not.include("邯郸");
    expect((await as(app, coordinator.token).get("/api/v1/units?city=baoding")).status).to.equal(200);
    const other = await as(app, coordinator.token).get("/api/v1/units?city=邯郸");
    expect(other.status).to.equal(403);
    const before = await writtenState(app);
    const made = await createUnit(coordinator.token, { name: "保定学院", city: "保定" });
    expect(made.status).to.equal(403);
    expect(made.body.error.code).to.equal("forbidden");
    await expectNothingWritten(app, before);
    expect((await request(app.server).get("/api/v1/units")).status).to.equal(401);
  });

  describe("the /units page", () => {
    it("the organizer sees units by city and kind with counts, makes a unit and a reporter account for it", async () => {
      const page = await pageSession(app, ADMIN.email, ADMIN.password);
      const list = await page.get("/units").set("Accept", "text/html");
      expect(list.status).to.equal(200);
      expect(list.text).to.include('data-testid="unit-form"').and.include('data-city="保定"');

      const made = await page
        .post("/units")
        .type("form")
        .send({ _csrf: csrfOf(list.text), name: "衡水学院", city: "衡水", kind: "高校" });
      expect(made.status, made.text.slice(0, 500)).to.equal(303);
      const unit = (await as(app, admin).get("/api/v1/units?city=衡水")).body.units[0];
      expect(unit).to.include({ name: "衡水学院", kind: "高校", reporters: 0 });

      const shown = await page.get("/units?city=衡水").set("Accept", "text/html");
      expect(shown.text).to.match(/data-kind="高校"/);
      const added = await page
        .post(`/units/${unit.id}/reporters`)
        .type("form")
        .send({ _csrf: csrfOf(shown.text), name: "衡水报送员", email: "hs@units.example.org" });
      expect(added.status, added.text.slice(0, 500)).to.equal(200);
      expect(added.text).to.include('data-testid="initial-password"');
      const users = (await as(app, admin).get("/api/v1/users?role=reporter")).body.users;
      expect(users.find((u: { email: string }) => u.email === "hs@units.example.org")).to.include({
        unitId: unit.id,
        city: "衡水",
        unit: "衡水学院",
      });
    });

    it("a bad unit form is shown again with the field's message, nothing written", async () => {
      const page = await pageSession(app, ADMIN.email, ADMIN.password);
      const list = await page.get("/units").set("Accept", "text/html");
      const before = await writtenState(app);
      const res = await page
        .post("/units")
        .type("form")
        .set("Accept", "text/html")
        .send({ _csrf: csrfOf(list.text), name: "某单位", city: "火星" });
      expect(res.status).to.equal(400);
      expect(res.text).to.include("未知的城市").and.include('value="某单位"');
      await expectNothingWritten(app, before);
    });

    it("a coordinator reads his city's units without forms; his posts are refused; a reporter may not look", async () => {
      const page = await pageSession(app, coordinator.email, coordinator.password);
      const list = await page.get("/units").set("Accept", "text/html");
      expect(list.status).to.equal(200);
      expect(list.text).to.include("保定市科技局").and.not.include("衡水学院");
      expect(list.text).not.to.include('data-testid="unit-form"').and.not.include('data-testid="reporter-form"');
      // His menu leads to his own city's reporting page.
      expect(list.text).to.include(`href="/reports/cities/${encodeURIComponent("保定")}/status"`);
      const csrf = csrfOf((await page.get("/register").set("Accept", "text/html")).text);
      const before = await writtenState(app);
      const res = await page.post("/units").type("form").send({ _csrf: csrf, name: "保定学院", city: "保定" });
      expect(res.status).to.equal(403);
      await expectNothingWritten(app, before);

      const reporter = await createActor(app, "reporter", { city: "保定", unit: "河北大学" });
      const reporterPage = await pageSession(app, reporter.email, reporter.password);
      expect((await reporterPage.get("/units").set("Accept", "text/html")).status).to.equal(403);
    });
  });
});
