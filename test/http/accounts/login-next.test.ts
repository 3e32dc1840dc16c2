import { expect } from "chai";
import request from "supertest";
import { ADMIN, startTestApp, type TestApp } from "../../helpers/app.js";
import { csrfOf } from "../../helpers/pages.js";

/** Logs in through the form with `next` and answers the redirect's Location. */
async function locationAfterLogin(app: TestApp, next: string): Promise<string> {
  const agent = request.agent(app.server);
  const form = await agent.get("/login").set("Accept", "text/html");
  const res = await agent
    .post("/login")
    .type("form")
    .set("Accept", "text/html")
    .send({ _csrf: csrfOf(form.text), email: ADMIN.email, password: ADMIN.password, next });
  expect(res.status, res.text.slice(0, 300)).to.equal(302);
  return res.headers.location;
}

describe("login: the redirect to `next` never leaves the site (open redirect)", () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  for (const next of [
    "/\\evil.example/x",
    "//evil.example/x",
    "https://evil.example/x",
    "javascript:alert(1)",
    "/\t/evil.example",
  ]) {
    it(`next=${JSON.stringify(next)} goes home, not off-site`, async () => {
      const location = await locationAfterLogin(app, next);
      expect(location).to.equal("/");
      expect(new URL(location, "https://contest.example.org/login").origin).to.equal("https://contest.example.org");
    });
  }

  it("a path on the site with its query is kept", async () => {
    expect(await locationAfterLogin(app, "/contests?stage=open&page=2")).to.equal("/contests?stage=open&page=2");
  });

  it("the login page does not carry an off-site next into its form", async () => {
    const page = await request(app.server)
      .get(`/login?next=${encodeURIComponent("/\\evil.example/x")}`)
      .set("Accept", "text/html");
    expect(page.status).to.equal(200);
    // (The language switch repeats the page's own query, which is harmless: it leads back to this page.)
    const hidden = /name="next" value="([^"]*)"/.exec(page.text);
    expect(hidden?.[1] ?? "").to.not.include("evil");
  });
});
