import { expect } from "chai";
import request from "supertest";
import { ADMIN, snapshot, startTestApp, type TestApp } from "../../helpers/app.js";
import { csrfFor, pageSession } from "../../helpers/pages.js";

/**
 * The pages take the same refusal as the API: NUL, control characters and broken Unicode in a path,
 * a query or a form field answer a 400 error page (not a 500 on PostgreSQL, not a stored row on SQLite).
 */
describe("bad text on the pages: a 400 error page, nothing written", () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  for (const path of [
    "/contests/a%00b",
    "/contests/%ED%A0%80",
    "/contests?stage=%00",
    "/admin/users/a%01b",
    "/admin/audit?targetId=%00",
    "/reports/cities/a%00b/status",
    "/reports/activities?theme=%07",
  ]) {
    it(`GET ${path} → 400 error page`, async () => {
      const organizer = await pageSession(app, ADMIN.email, ADMIN.password);
      const res = await organizer.get(path).set("Accept", "text/html");
      expect(res.status, res.text.slice(0, 300)).to.equal(400);
      expect(res.type).to.equal("text/html");
    });
  }

  for (const [field, value] of [
    ["name", "新\u0000选手"],
    ["unit", "唐山\u0007一中"],
    ["name", "选手\u001b[31m"],
  ] as const) {
    it(`registering with ${JSON.stringify(value)} as ${field} → 400, no user`, async () => {
      const agent = request.agent(app.server);
      const form = {
        _csrf: await csrfFor(agent),
        email: `bad-text-${field}-${value.length}@example.org`,
        password: "Kepu-2026-xyz",
        name: "新选手",
        city: "唐山",
        unit: "唐山一中",
        [field]: value,
      };
      const before = await snapshot(app.db);
      const res = await agent.post("/register").type("form").set("Accept", "text/html").send(form);
      expect(res.status, res.text.slice(0, 300)).to.equal(400);
      expect(await snapshot(app.db)).to.deep.equal(before);
    });
  }

  it("a tab or a newline is ordinary text in a search, but junk in a path id", async () => {
    const admin = (await request(app.server).post("/api/v1/auth/token").send(ADMIN)).body.token as string;
    const search = await request(app.server)
      .get("/api/v1/contests?lang=a%09b%0Ac")
      .set("Authorization", `Bearer ${admin}`);
    expect(search.status, search.text.slice(0, 300)).to.equal(200);
    const id = await request(app.server).get("/api/v1/contests/a%09b").set("Authorization", `Bearer ${admin}`);
    expect(id.status).to.equal(400);
    expect(id.body.error.code).to.equal("invalid_text");
  });

  it("the JSON API answers the same refusal in the error shape, in English on request", async () => {
    const res = await request(app.server)
      .post("/api/v1/auth/register")
      .set("Accept-Language", "en")
      .send({ email: "x@example.org", password: "Kepu-2026-xyz", name: "a\u0000b", city: "唐山", unit: "唐山一中" });
    expect(res.status).to.equal(400);
    expect(res.body.error).to.deep.include({ code: "invalid_text", details: { where: "body", field: "name" } });
    expect(res.body.error.message).to.match(/not allowed/);
  });
});
