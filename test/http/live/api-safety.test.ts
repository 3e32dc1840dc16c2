import { expect } from "chai";
import { ADMIN, startTestApp, type TestApp } from "../../helpers/app.js";
import { as, liveContest, type LiveContest } from "../../helpers/live.js";
import { csrfOf, pageSession } from "../../helpers/pages.js";

/** The experiment show's safety gate checked on site: an unsafe finalist leaves the ranking at once, and can come back. */
describe("live final: the safety gate checked on site", () => {
  let app: TestApp;
  let c: LiveContest;
  const live = () => `/api/v1/contests/${c.contestId}/live`;

  before(async function () {
    this.timeout(60_000);
    app = await startTestApp();
    c = await liveContest(app, { finalists: 2, judges: 3, contest: { rules: { safetyGate: true } } });
    const segments = [
      {
        key: "show",
        label: "实验展演",
        weight: 1,
        rubric: { criteria: [{ key: "c", label: "内容", max: 100, step: 1 }] },
      },
    ];
    expect((await as(app, c.admin).post(live(), { segments, seed: 7 })).status).to.equal(201);
    const current = (await as(app, null).get(live())).body.live.current.entryId as string;
    for (const [j, judge] of c.judges.entries())
      expect(
        (
          await as(app, judge.token).put(`${live()}/score`, {
            entryId: current,
            segment: "show",
            scores: { c: 80 + j },
            submit: true,
          })
        ).status,
      ).to.equal(200);
  });
  after(() => app.close());

  it("failing the check drops the finalist from the ranking, audited, a new version; passing brings him back", async () => {
    const before = (await as(app, null).get(live())).body.live;
    const entryId = before.current.entryId as string;
    expect(before.ranking.map((r: { entryId: string }) => r.entryId)).to.deep.equal([entryId]);

    const failed = await as(app, c.admin).post(`${live()}/safety`, { entryId, safe: false });
    expect(failed.status, JSON.stringify(failed.body)).to.equal(200);
    expect(failed.body.live.version).to.be.greaterThan(before.version);
    expect(failed.body.live.ranking).to.deep.equal([]);
    expect(failed.body.live.order.find((o: { entryId: string }) => o.entryId === entryId).safetyFailed).to.equal(true);
    const [{ n }] = await app.db("audit_log").where({ action: "entry.safety", target_id: entryId }).count({ n: "*" });
    expect(Number(n)).to.equal(1);

    const passed = await as(app, c.admin).post(`${live()}/safety`, { entryId, safe: true });
    expect(passed.body.live.ranking.map((r: { entryId: string }) => r.entryId)).to.deep.equal([entryId]);
  });

  it("refuses a judge (403), a malformed body (400) and an entry not in the final (404), writing nothing", async () => {
    const entryId = c.entries[0].id;
    const audit = await app.db("audit_log").count({ n: "*" });
    expect((await as(app, c.judges[0].token).post(`${live()}/safety`, { entryId, safe: false })).status).to.equal(403);
    const bad = await as(app, c.admin).post(`${live()}/safety`, { entryId, safe: "no" });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.be.a("string");
    expect((await as(app, c.admin).post(`${live()}/safety`, { entryId: "nope", safe: false })).status).to.equal(404);
    expect(await app.db("audit_log").count({ n: "*" })).to.deep.equal(audit);
  });

  it("the console shows the current finalist's check and its button marks him unsafe (CSRF form)", async () => {
    const organizer = await pageSession(app, ADMIN.email, ADMIN.password);
    const consolePath = `/contests/${c.contestId}/live/console`;
    const page = await organizer.get(consolePath).set("Accept", "text/html");
    expect(page.text).to.include('data-testid="safety-form"').and.include("判为不安全");
    const entryId = (await as(app, null).get(live())).body.live.current.entryId as string;
    const res = await organizer
      .post(`${consolePath}/safety`)
      .type("form")
      .set("Accept", "text/html")
      .send({ _csrf: csrfOf(page.text), entryId, safe: "0" });
    expect(res.status).to.equal(303);
    expect((await app.db("entries").where({ id: entryId }).first()).safety_failed).to.be.oneOf([true, 1]);
    const after = await organizer.get(consolePath).set("Accept", "text/html");
    expect(after.text).to.include("不合格（不参与排名）").and.include("改判为合格");
  });
});
