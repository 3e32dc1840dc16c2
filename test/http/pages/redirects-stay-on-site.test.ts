import { expect } from "chai";
import { createActor, startTestApp, type TestApp } from "../../helpers/app.js";
import { judgedContest, type JudgedContest } from "../../helpers/judged.js";
import { csrfFor, pageSession } from "../../helpers/pages.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

/**
 * Trust 5, the remainder: besides the login form, every form that redirects to a `next` it was sent
 * (the judge's declaration, and each form answered by answerForm with a `back` page) stays on this
 * site, whether the action was done or refused.
 */
const OFF_SITE = [
  "/\\evil.example/x",
  "//evil.example/x",
  "/\t/evil.example",
  "https://evil.example/x",
  "javascript:alert(1)",
];

describe("redirects after a form stay on this site", () => {
  let app: TestApp;
  let c: JudgedContest;

  before(async function () {
    this.timeout(120_000);
    app = await startTestApp();
    c = await judgedContest(app, {
      contest: { opensAt: "2026-01-01T00:00:00Z", closesAt: "2099-01-01T00:00:00Z" },
      sheets: [[null, null, null]],
    });
  });
  after(() => app.close());

  it("a path on this site is followed", async () => {
    const judge = c.judges[1];
    const agent = await pageSession(app, judge.email, judge.password);
    const res = await agent
      .post(`/judge/contests/${c.contestId}/declaration`)
      .type("form")
      .send({ _csrf: await csrfFor(agent), accept: "true", next: "/contests?tab=open" });
    expect(res.headers.location).to.equal("/contests?tab=open");
  });

  for (const next of OFF_SITE) {
    it(`a judge's declaration sent with next=${JSON.stringify(next)} goes to his queue`, async () => {
      const judge = c.judges[0];
      const agent = await pageSession(app, judge.email, judge.password);
      const res = await agent
        .post(`/judge/contests/${c.contestId}/declaration`)
        .type("form")
        .send({ _csrf: await csrfFor(agent), accept: "true", next });
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal("/judge");
    });

    it(`a refused form (a recommendation from another city) sent with next=${JSON.stringify(next)} goes back to the entry, writing nothing`, async () => {
      const coordinator = await createActor(app, "coordinator", { city: "唐山" });
      const agent = await pageSession(app, coordinator.email, coordinator.password);
      const csrf = await csrfFor(agent);
      const before = await writtenState(app);
      const entryId = c.entries[0].id;
      const res = await agent.post(`/entries/${entryId}/recommend`).type("form").send({ _csrf: csrf, next });
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(`/entries/${entryId}`);
      await expectNothingWritten(app, before);
    });
  }
});
