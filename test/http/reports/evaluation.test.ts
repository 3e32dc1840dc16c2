import { expect } from "chai";
import { randomUUID } from "node:crypto";
import request from "supertest";
import { judgeMayReadReportFile } from "../../../src/reports/evaluation.service.js";
import {
  ADMIN,
  as,
  createActor,
  startTestApp,
  TestClock,
  tokenFor,
  type Actor,
  type TestApp,
} from "../../helpers/app.js";
import { check } from "../../helpers/entries.js";
import { pageSession } from "../../helpers/pages.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

/**
 * The unit evaluation (DESIGN §3 "Evaluation"): a report contest made from the week's submitted city
 * packages, one entry per unit, judged as any contest, its list (优秀组织单位) through notice and final.
 * Activities, news reports, summaries and packages are seeded as rows: their own APIs are tested apart.
 */
describe("reports: unit evaluation", () => {
  const clock = new TestClock(new Date("2026-05-25T02:00:00.000Z"));
  let app: TestApp;
  let admin: string;
  let adminId: string;
  let weekId: string;
  const units: Record<string, { id: string; reporter: Actor }> = {};
  let hebeiSummaryId: string;
  const evaluate = (token: string, body?: object) =>
    as(app, token).post(`/api/v1/report-weeks/${weekId}/evaluation`, body);

  async function seedUnit(name: string, city: string, kind: string): Promise<void> {
    const unit = check(await as(app, admin).post("/api/v1/units", { name, city, kind }), "unit").body.unit as {
      id: string;
    };
    units[name] = { id: unit.id, reporter: await createActor(app, "reporter", { unitId: unit.id }) };
  }

  /** An activity of the unit, with its news report filed on time or late, or none. */
  async function seedActivity(unit: string, city: string, news: "onTime" | "late" | null): Promise<void> {
    const id = randomUUID();
    const now = clock.now().toISOString();
    await app.db("activities").insert({
      id,
      week_id: weekId,
      unit_id: units[unit].id,
      city,
      title: `活动 ${id.slice(0, 8)}`,
      theme: "科普行动",
      form: "现场活动",
      starts_at: "2026-05-20T01:00:00.000Z",
      ends_at: "2026-05-20T09:00:00.000Z",
      import_key: id,
      created_at: now,
      updated_at: now,
    });
    if (news)
      await app.db("news_reports").insert({
        id: randomUUID(),
        activity_id: id,
        unit_id: units[unit].id,
        author_id: units[unit].reporter.user.id,
        text: "报道",
        due_at: "2026-05-23T15:59:59.999Z",
        filed_at: news === "late" ? "2026-05-24T01:00:00.000Z" : "2026-05-21T01:00:00.000Z",
        late: news === "late",
        updated_at: now,
      });
  }

  async function seedSummary(unit: string, late: boolean): Promise<string> {
    const id = randomUUID();
    await app.db("unit_summaries").insert({
      id,
      week_id: weekId,
      unit_id: units[unit].id,
      author_id: units[unit].reporter.user.id,
      due_at: "2026-05-24T15:59:59.000Z",
      filed_at: late ? "2026-05-25T01:00:00.000Z" : "2026-05-24T01:00:00.000Z",
      late,
      updated_at: clock.now().toISOString(),
    });
    return id;
  }

  const seedPackage = (city: string) =>
    app.db("city_packages").insert({
      id: randomUUID(),
      week_id: weekId,
      city,
      submitted_at: clock.now().toISOString(),
      submitted_by: adminId,
    });

  before(async () => {
    app = await startTestApp({ clock });
    admin = await tokenFor(app, ADMIN.email, ADMIN.password);
    adminId = String((await as(app, admin).get("/api/v1/me")).body.user.id);
    weekId = check(
      await as(app, admin).post("/api/v1/report-weeks", {
        title: "2026 科技活动周",
        summaryDueAt: "2026-05-24T23:59:59+08:00",
      }),
      "week",
    ).body.week.id as string;
    await seedUnit("河北大学", "保定", "高校");
    await seedUnit("保定市科技局", "保定", "市科技局");
    await seedUnit("唐山学院", "唐山", "高校");
    await seedActivity("河北大学", "保定", "onTime");
    await seedActivity("河北大学", "保定", "late");
    await seedActivity("河北大学", "保定", null);
    hebeiSummaryId = await seedSummary("河北大学", false);
    await seedActivity("保定市科技局", "保定", "onTime");
    await seedActivity("唐山学院", "唐山", null);
    await seedSummary("唐山学院", true);
  });
  after(() => app.close());

  it("refuses before the packages are in, to anyone but the organizer, and bad input; nothing written", async () => {
    const coordinator = await createActor(app, "coordinator", { city: "保定" });
    let before = await writtenState(app);
    const none = await evaluate(admin);
    expect(none.status, JSON.stringify(none.body)).to.equal(409);
    expect(none.body.error.code).to.equal("package_not_submitted");
    await expectNothingWritten(app, before, "no package");

    await seedPackage("保定");
    before = await writtenState(app);
    const missing = await evaluate(admin).set("Accept-Language", "en");
    expect(missing.status).to.equal(409);
    expect(missing.body.error).to.include({ code: "package_not_submitted" });
    expect(missing.body.error.message).to.contain("唐山");
    expect(missing.body.error.details).to.deep.equal({ cities: ["唐山"] });
    const notIncluded = await evaluate(admin, { cities: ["保定", "唐山市"] });
    expect(notIncluded.status).to.equal(409);
    for (const body of [{ cities: "保定" }, { cities: [] }, { cities: ["火星"] }, { week: 1 }]) {
      const bad = await evaluate(admin, body);
      expect(bad.status, JSON.stringify(body)).to.equal(400);
      expect(bad.body.error.code).to.equal("validation_failed");
    }
    for (const token of [coordinator.token, units["河北大学"].reporter.token])
      expect((await evaluate(token)).status).to.equal(403);
    expect((await request(app.server).post(`/api/v1/report-weeks/${weekId}/evaluation`)).status).to.equal(401);
    expect((await as(app, admin).post(`/api/v1/report-weeks/${randomUUID()}/evaluation`)).status).to.equal(404);
    await expectNothingWritten(app, before, "refused evaluations");
  });

  it("makes a closed report contest with one entry per unit, audited; a second call → 409", async () => {
    await seedPackage("唐山");
    const res = await evaluate(admin);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const contest = res.body.contest as { id: string; kind: string; stage: string; rubric: { criteria: unknown[] } };
    expect(contest).to.include({ kind: "report", stage: "closed" });
    expect(contest.rubric.criteria.map((c) => (c as { label: string; max: number }).max)).to.deep.equal([40, 30, 30]);
    const entries = check(await as(app, admin).get(`/api/v1/contests/${contest.id}/entries`), "entries").body
      .entries as { title: string; unit: string; city: string; category: string; status: string }[];
    expect(entries.map((e) => [e.title, e.unit, e.city, e.category, e.status]).sort()).to.deep.equal(
      [
        ["保定市科技局", "保定市科技局", "保定", "市科技局", "submitted"],
        ["唐山学院", "唐山学院", "唐山", "高校", "submitted"],
        ["河北大学", "河北大学", "保定", "高校", "submitted"],
      ].sort(),
    );
    const audit = await app.db("audit_log").where({ action: "reports.evaluation" });
    expect(audit).to.have.length(1);
    expect(audit[0].target_id).to.equal(contest.id);

    const before = await writtenState(app);
    const again = await evaluate(admin);
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal("evaluation_exists");
    await expectNothingWritten(app, before, "a second evaluation");
  });

  it("is judged as any contest: judges see the unit's figures, score, and the list 优秀组织单位 goes through notice and final", async () => {
    const contestId = String((await app.db("report_evaluations").where({ week_id: weekId }).first()).contest_id);
    const judges: Actor[] = [];
    for (let j = 0; j < 3; j += 1) judges.push(await createActor(app, "judge", { unit: `评审单位 ${j}` }));
    const organizer = as(app, admin);
    check(
      await request(app.server)
        .patch(`/api/v1/contests/${contestId}`)
        .set("Authorization", `Bearer ${admin}`)
        .send({ judgesPerEntry: 2 }),
      "judges per entry",
    );
    check(
      await organizer.put(`/api/v1/contests/${contestId}/judges`, { judgeIds: judges.map((j) => j.user.id) }),
      "pool",
    );
    check(await organizer.post(`/api/v1/contests/${contestId}/assignments/auto`, { seed: 1 }), "assign");
    check(await organizer.post(`/api/v1/contests/${contestId}/stage`, { to: "judging" }), "judging");

    const hebei = await app.db("entries").where({ contest_id: contestId, title: "河北大学" }).first();
    // Only the judges assigned the unit's entry may read its summary's files (the report files' serving asks).
    for (const judge of judges) {
      const assigned = await app.db("assignments").where({ entry_id: hebei.id, judge_id: judge.user.id }).first();
      const owner = { ownerType: "summary" as const, ownerId: hebeiSummaryId };
      expect(await judgeMayReadReportFile(app.ctx, judge.user.id, owner)).to.equal(assigned !== undefined);
    }

    const scores: Record<string, Record<string, number>> = {
      河北大学: { effect: 36, publicity: 25, summary: 28 },
      保定市科技局: { effect: 30, publicity: 20, summary: 10 },
      唐山学院: { effect: 20, publicity: 10, summary: 15 },
    };
    let sawFigures = false;
    for (const judge of judges) {
      check(await as(app, judge.token).post(`/api/v1/contests/${contestId}/declaration`, { accept: true }), "decl");
      const queue = check(await as(app, judge.token).get("/api/v1/me/assignments"), "queue").body.assignments as {
        id: string;
        entryId: string;
        title: string;
      }[];
      for (const a of queue) {
        if (a.entryId === hebei.id) {
          const page = await pageSession(app, judge.email, judge.password);
          const html = (await page.get(`/judge/assignments/${a.id}`).expect(200)).text;
          const figure = (name: string) => new RegExp(`data-testid="figure-${name}">([^<]*)<`).exec(html)?.[1];
          expect(["activities", "onTime", "late", "missing", "summary"].map(figure)).to.deep.equal([
            "3",
            "1",
            "1",
            "1",
            "按时报送",
          ]);
          sawFigures = true;
        }
        check(
          await as(app, judge.token).put(`/api/v1/assignments/${a.id}/score`, {
            scores: scores[a.title],
            submit: true,
          }),
          "score",
        );
      }
    }
    expect(sawFigures).to.equal(true);

    for (const to of ["review", "notice"])
      check(await organizer.post(`/api/v1/contests/${contestId}/stage`, { to }), to);
    const notice = check(await request(app.server).get(`/api/v1/contests/${contestId}/results`), "notice").body
      .results as { title: string; prize: string | null }[];
    expect(notice.map((r) => [r.title, r.prize])).to.deep.equal([
      ["河北大学", "first"],
      ["保定市科技局", null],
      ["唐山学院", null],
    ]);
    const noticePage = await request(app.server).get(`/contests/${contestId}/results`).expect(200);
    // The winners' list is the commendation list: one group, headed 优秀组织单位, holding the unit.
    const winners = (html: string) =>
      [...html.matchAll(/<span class="badge prize-first">([^<]*)<\/span>[\s\S]*?<strong>([^<]*)<\/strong>/g)].map(
        (m) => [m[1], m[2]],
      );
    expect(winners(noticePage.text)).to.deep.equal([["优秀组织单位", "河北大学"]]);

    clock.advance(8 * 86_400_000);
    check(await organizer.post(`/api/v1/contests/${contestId}/stage`, { to: "final" }), "final");
    const final = await request(app.server).get(`/contests/${contestId}/results`).set("Accept-Language", "en");
    expect(final.status).to.equal(200);
    expect(winners(final.text)).to.deep.equal([["Outstanding organizing unit", "河北大学"]]);
  });
});
