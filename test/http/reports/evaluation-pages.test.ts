import { expect } from "chai";
import { ADMIN, startTestApp, TestClock, type TestApp } from "../../helpers/app.js";
import { csrfOf, pageSession, type PageAgent } from "../../helpers/pages.js";
import { seedActivity, seedPackage, seedUnit, seedWeek } from "../../helpers/reports.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

/**
 * The unit evaluation through the pages (DESIGN §3 "Evaluation"): the organizer's button on the weeks
 * page. The rules themselves (which cities, one per week, the contest made) are tested through the API
 * in evaluation.test.ts.
 */
describe("reports: unit evaluation pages", () => {
  const clock = new TestClock(new Date("2026-05-25T02:00:00.000Z"));
  let app: TestApp;
  let organizer: PageAgent;
  let weekId: string;

  const activity = (unitId: string, city: string, title: string) =>
    seedActivity(app, weekId, {
      unitId,
      city,
      title,
      theme: "科普行动",
      form: "现场活动",
      startsAt: "2026-05-20T01:00:00.000Z",
      endsAt: "2026-05-20T09:00:00.000Z",
    });

  /** Presses the week's button (ticking these cities) and answers the weeks page it is sent back to. */
  async function pressCreate(cities: string[] = []): Promise<string> {
    const page = (await organizer.get("/reports/weeks").expect(200)).text;
    const res = await organizer
      .post(`/reports/weeks/${weekId}/evaluation`)
      .type("form")
      .send(
        new URLSearchParams([
          ["_csrf", csrfOf(page)],
          ...cities.map((c): [string, string] => ["cities", c]),
        ]).toString(),
      );
    expect(res.status, res.text).to.equal(303);
    expect(res.headers.location).to.equal("/reports/weeks");
    return (await organizer.get("/reports/weeks").expect(200)).text;
  }

  before(async () => {
    app = await startTestApp({ clock });
    organizer = await pageSession(app, ADMIN.email, ADMIN.password);
    weekId = await seedWeek(app);
    await activity(await seedUnit(app, "河北大学", "保定", "高校"), "保定", "科普开放日");
    await activity(await seedUnit(app, "唐山学院", "唐山", "高校"), "唐山", "科学讲座");
  });
  after(() => app.close());

  it("the weeks page's button refuses without the packages (flashed), then makes the evaluation once and links to it", async () => {
    let before = await writtenState(app);
    const none = await pressCreate();
    expect(none).to.contain("还没有城市提交材料包").and.contain('data-testid="no-packages"');
    const csrfLess = await organizer.post(`/reports/weeks/${weekId}/evaluation`).type("form").send({});
    expect(csrfLess.status).to.equal(403);
    await expectNothingWritten(app, before, "no package");

    await seedPackage(app, weekId, "保定");
    before = await writtenState(app);
    const missing = await pressCreate();
    expect(missing).to.contain("以下城市尚未提交材料包：唐山");
    expect(missing).to.contain(`value="保定" data-testid="evaluation-city"`);
    await expectNothingWritten(app, before, "唐山 missing");

    const made = await pressCreate(["保定"]);
    const row = await app.db("report_evaluations").where({ week_id: weekId }).first();
    expect(made).to.contain("优秀组织单位评选").and.contain(`href="/contests/${row.contest_id}"`);
    expect(made).not.to.contain('data-testid="evaluation-form"');
    const entries = await app.db("entries").where({ contest_id: row.contest_id }).pluck("title");
    expect(entries).to.deep.equal(["河北大学"]);

    before = await writtenState(app);
    // A second press (a stale page, another tab) is refused with the reason.
    const page = (await organizer.get("/reports/weeks")).text;
    const again = await organizer
      .post(`/reports/weeks/${weekId}/evaluation`)
      .type("form")
      .send({ _csrf: csrfOf(page) });
    expect(again.status).to.equal(303);
    expect((await organizer.get("/reports/weeks")).text).to.contain("本活动周已建立单位评选");
    await expectNothingWritten(app, before, "a second evaluation");
  });
});
