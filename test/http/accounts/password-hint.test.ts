import { expect } from "chai";
import request from "supertest";
import { PASSWORD_RULES } from "../../../src/accounts/passwords.js";
import { translate, type Locale } from "../../../src/lib/i18n.js";
import { ADMIN, createActor, startTestApp, type TestApp } from "../../helpers/app.js";
import { pageSession, type PageAgent } from "../../helpers/pages.js";

/** Every form where a password is chosen lists every rule the server applies, in the reader's language. */
describe("the password hint lists every rule", () => {
  let app: TestApp;
  let organizer: PageAgent;
  let contestant: PageAgent;

  before(async () => {
    app = await startTestApp();
    organizer = await pageSession(app, ADMIN.email, ADMIN.password);
    const c = await createActor(app, "contestant", { name: "参赛者甲" });
    contestant = await pageSession(app, c.email, c.password);
  });
  after(() => app.close());

  /** The hint block's text, tags stripped. */
  function hintOf(html: string): string {
    const block = /<div id="pw-hint" class="password-rules"[^>]*>([\s\S]*?)<\/div>/.exec(html);
    expect(block, "no password hint on the page").to.not.equal(null);
    return block![1].replace(/<[^>]+>/g, " ").replace(/&#x3D;/g, "=");
  }

  const pages: [string, () => PageAgent, string][] = [
    ["registration", () => request.agent(app.server), "/register"],
    ["one's own password", () => contestant, "/me/password"],
    ["the organizer's new user", () => organizer, "/admin/users"],
  ];

  for (const [what, agent, path] of pages)
    for (const locale of ["zh-CN", "en"] as Locale[])
      it(`on ${what} (${path}) in ${locale}`, async () => {
        const res = await agent().get(`${path}?lang=${locale}`).set("Accept", "text/html");
        expect(res.status).to.equal(200);
        const hint = hintOf(res.text);
        expect(PASSWORD_RULES).to.have.length.above(4);
        for (const rule of PASSWORD_RULES) expect(hint).to.include(translate(locale, rule.key, rule.params));
        expect(hint).to.include(locale === "en" ? "8 to 128 characters" : "8～128 个字符");
      });
});
