import { expect } from "chai";
import request from "supertest";
import {
  ADMIN,
  contestBody,
  createActor,
  snapshot,
  startTestApp,
  TestClock,
  tokenFor,
  type Actor,
  type TestApp,
} from "../../helpers/app.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

describe("contests API", () => {
  let app: TestApp;
  let admin: string;
  let contestant: Actor;
  const clock = new TestClock();

  const post = (path: string, body: unknown, token = admin) =>
    request(app.server)
      .post(path)
      .set("Authorization", `Bearer ${token}`)
      .send(body as object);
  const patch = (path: string, body: unknown, token = admin) =>
    request(app.server)
      .patch(path)
      .set("Authorization", `Bearer ${token}`)
      .send(body as object);
  const moveTo = (id: string, to: string) => post(`/api/v1/contests/${id}/stage`, { to });
  /** `final` waits for the notice window (7 days by default) to end. */
  const passNoticeWindow = () => clock.advance(8 * 86_400_000);

  before(async () => {
    app = await startTestApp({ clock });
    admin = await tokenFor(app, ADMIN.email, ADMIN.password);
    contestant = await createActor(app, "contestant");
  });
  after(() => app.close());

  describe("creating", () => {
    it("a video contest gets 201 {contest} with the defaults of DESIGN §3 filled in", async () => {
      const body = contestBody();
      const res = await post("/api/v1/contests", body);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const c = res.body.contest;
      expect(c).to.include({
        kind: "video",
        title: body.title,
        stage: "draft",
        judgesPerEntry: 5,
        aggregation: "trimmed",
      });
      expect(c.id).to.be.a("string");
      expect(c.opensAt).to.equal(body.opensAt);
      expect(c.closesAt).to.equal(body.closesAt);
      expect(c.rubric.criteria.map((k: { label: string; max: number }) => [k.label, k.max])).to.deep.equal([
        ["科学性", 30],
        ["知识性", 20],
        ["通俗性", 20],
        ["艺术性", 15],
        ["趣味性", 15],
      ]);
      for (const k of c.rubric.criteria) expect(k).to.have.keys("key", "label", "max", "step", "description");
      expect(c.prizes).to.deep.equal({ mode: "ratio", first: 0.1, second: 0.2, third: 0.3 });
      expect(c.rules.files.video).to.include({
        required: true,
        minSeconds: 120,
        maxSeconds: 300,
        maxBytes: 500 * 1024 * 1024,
        minHeight: 1080,
        aspectRatio: "16:9",
      });
      expect(c.rules.files.form.required).to.equal(true);
      expect(c.rules.files.cover.required).to.equal(false);
      expect(c.rules.maxEntriesPerAuthor).to.equal(2);
    });

    const rubricTotals = {
      explainer: [40, 30, 20, 10],
      video: [30, 20, 20, 15, 15],
      experiment: [50, 40, 10],
      report: [40, 30, 30],
    };
    for (const [kind, maxes] of Object.entries(rubricTotals)) {
      it(`a ${kind} contest gets its own default rubric (${maxes.join("/")})`, async () => {
        const res = await post("/api/v1/contests", contestBody({ kind, title: `${kind} 赛` }));
        expect(res.status).to.equal(201);
        expect(res.body.contest.rubric.criteria.map((k: { max: number }) => k.max)).to.deep.equal(maxes);
      });
    }

    it("explainer contests carry the talk time rules; experiments the safety gate", async () => {
      const explainer = (await post("/api/v1/contests", contestBody({ kind: "explainer" }))).body.contest;
      expect(explainer.rules.timeRules).to.deep.equal({
        minSeconds: 180,
        underPenalty: 2,
        targetSeconds: 240,
        graceSeconds: 15,
        overPenalty: 2,
        cutoffSeconds: 270,
      });
      const experiment = (await post("/api/v1/contests", contestBody({ kind: "experiment" }))).body.contest;
      expect(experiment.rules.safetyGate).to.equal(true);
      expect(experiment.rules.maxEntriesPerUnit).to.equal(5);
    });

    it("keeps what the organizer gave: rubric, prizes by count, mean aggregation, judges per entry, partial rules", async () => {
      const rubric = {
        criteria: [
          { key: "quality", label: "质量", max: 60, step: 0.5 },
          { key: "impact", label: "影响", max: 40, step: 1 },
        ],
        deductions: [{ key: "late", label: "迟交", max: 5 }],
      };
      const res = await post(
        "/api/v1/contests",
        contestBody({
          rubric,
          prizes: { mode: "count", first: 3, second: 5, third: 12 },
          aggregation: "mean",
          judgesPerEntry: 7,
          rules: { requiresRecommendation: true, recommendationQuota: 3, files: { video: { maxSeconds: 240 } } },
        }),
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const c = res.body.contest;
      expect(c.rubric).to.deep.equal(rubric);
      expect(c.prizes).to.deep.equal({ mode: "count", first: 3, second: 5, third: 12 });
      expect(c).to.include({ aggregation: "mean", judgesPerEntry: 7 });
      expect(c.rules.requiresRecommendation).to.equal(true);
      expect(c.rules.recommendationQuota).to.equal(3);
      expect(c.rules.files.video).to.include({ maxSeconds: 240, minSeconds: 120 });
    });

    it("normalizes instants with an offset to UTC", async () => {
      const res = await post(
        "/api/v1/contests",
        contestBody({ opensAt: "2026-12-01T09:00:00+08:00", closesAt: "2026-12-20T18:00:00+08:00" }),
      );
      expect(res.body.contest.opensAt).to.equal("2026-12-01T01:00:00.000Z");
      expect(res.body.contest.closesAt).to.equal("2026-12-20T10:00:00.000Z");
    });

    it("is audited", async () => {
      const res = await post("/api/v1/contests", contestBody({ title: "审计测试" }));
      const rows = await app.db("audit_log").where({ action: "contest.create", target_id: res.body.contest.id });
      expect(rows).to.have.length(1);
    });
  });

  describe("bad input gets a 4xx with {error: {code, message}} and writes nothing", () => {
    const crit = (over: Record<string, unknown> = {}) => ({ key: "a", label: "A", max: 10, step: 1, ...over });
    const cases: {
      name: string;
      body: unknown;
      status: number;
      code: string;
      field?: string;
      lang?: string;
      message?: RegExp;
    }[] = [
      {
        name: "closesAt before opensAt",
        body: contestBody({ opensAt: "2026-12-10T00:00:00Z", closesAt: "2026-12-01T00:00:00Z" }),
        status: 400,
        code: "invalid_dates",
        message: /截止时间必须晚于开始时间/,
      },
      {
        name: "closesAt equal to opensAt",
        body: contestBody({ opensAt: "2026-12-10T00:00:00Z", closesAt: "2026-12-10T00:00:00Z" }),
        status: 400,
        code: "invalid_dates",
      },
      {
        name: "a date that is not ISO-8601",
        body: contestBody({ opensAt: "12/01/2026" }),
        status: 400,
        code: "validation_failed",
        field: "opensAt",
      },
      {
        name: "an impossible date",
        body: contestBody({ closesAt: "2026-02-30T10:00:00Z" }),
        status: 400,
        code: "validation_failed",
        field: "closesAt",
      },
      {
        name: "a date without a time zone",
        body: contestBody({ closesAt: "2026-12-30T10:00:00" }),
        status: 400,
        code: "validation_failed",
        field: "closesAt",
      },
      {
        name: "an unknown kind",
        body: contestBody({ kind: "poetry" }),
        status: 400,
        code: "validation_failed",
        field: "kind",
      },
      {
        name: "an unknown field",
        body: contestBody({ budget: 100 }),
        status: 400,
        code: "validation_failed",
        field: "budget",
      },
      {
        name: "an empty title",
        body: contestBody({ title: "   " }),
        status: 400,
        code: "validation_failed",
        field: "title",
      },
      {
        name: "judgesPerEntry as a string",
        body: contestBody({ judgesPerEntry: "5" }),
        status: 400,
        code: "validation_failed",
        field: "judgesPerEntry",
      },
      {
        name: "judgesPerEntry zero",
        body: contestBody({ judgesPerEntry: 0 }),
        status: 400,
        code: "validation_failed",
        field: "judgesPerEntry",
      },
      {
        name: "an unknown aggregation",
        body: contestBody({ aggregation: "median" }),
        status: 400,
        code: "validation_failed",
        field: "aggregation",
      },
      {
        name: "a rubric without criteria",
        body: contestBody({ rubric: { criteria: [] } }),
        status: 400,
        code: "validation_failed",
        field: "rubric",
      },
      {
        name: "a rubric with a duplicate key",
        body: contestBody({ rubric: { criteria: [crit(), crit({ label: "B" })] } }),
        status: 400,
        code: "invalid_rubric",
        message: /重复/,
      },
      {
        name: "a rubric whose step does not divide max",
        body: contestBody({ rubric: { criteria: [crit({ max: 10, step: 3 })] } }),
        status: 400,
        code: "invalid_rubric",
        message: /步长/,
      },
      {
        name: "a rubric with max zero",
        body: contestBody({ rubric: { criteria: [crit({ max: 0 })] } }),
        status: 400,
        code: "validation_failed",
        field: "max",
      },
      {
        name: "a rubric with a negative step",
        body: contestBody({ rubric: { criteria: [crit({ step: -1 })] } }),
        status: 400,
        code: "validation_failed",
        field: "step",
      },
      {
        name: "a criterion with a bad key",
        body: contestBody({ rubric: { criteria: [crit({ key: "科学" })] } }),
        status: 400,
        code: "validation_failed",
        field: "key",
      },
      {
        name: "prize shares over 1",
        body: contestBody({ prizes: { mode: "ratio", first: 0.5, second: 0.4, third: 0.3 } }),
        status: 400,
        code: "invalid_prizes",
      },
      {
        name: "an unknown prize mode",
        body: contestBody({ prizes: { mode: "lottery", first: 1, second: 1, third: 1 } }),
        status: 400,
        code: "validation_failed",
      },
      {
        name: "fractional prize counts",
        body: contestBody({ prizes: { mode: "count", first: 1.5, second: 1, third: 1 } }),
        status: 400,
        code: "validation_failed",
      },
      {
        name: "a file role the kind does not have",
        body: contestBody({ rules: { files: { poster: { required: true } } } }),
        status: 400,
        code: "invalid_rules",
      },
      {
        name: "a rules field of the wrong type",
        body: contestBody({ rules: { publicVoteWeight: 0.5 } }),
        status: 400,
        code: "validation_failed",
        field: "publicVoteWeight",
      },
      {
        name: "an English message on request",
        body: contestBody({ opensAt: "2026-12-10T00:00:00Z", closesAt: "2026-12-01T00:00:00Z" }),
        status: 400,
        code: "invalid_dates",
        lang: "en",
        message: /^The closing time must be after the opening time$/,
      },
    ];
    for (const c of cases) {
      it(`${c.name} → ${c.status} ${c.code}`, async () => {
        const before = await snapshot(app.db);
        let req = request(app.server).post("/api/v1/contests").set("Authorization", `Bearer ${admin}`);
        if (c.lang) req = req.set("Accept-Language", c.lang);
        const res = await req.send(c.body as object);
        expect(res.status, JSON.stringify(res.body)).to.equal(c.status);
        expect(res.body.error.code).to.equal(c.code);
        expect(res.body.error.message).to.be.a("string").that.has.length.above(0);
        if (c.field) expect(JSON.stringify(res.body.error.details)).to.include(c.field);
        if (c.message) expect(res.body.error.message).to.match(c.message);
        expect(await snapshot(app.db)).to.deep.equal(before);
      });
    }
  });

  describe("the lifecycle", () => {
    it("walks draft → open → closed → judging → review → notice → final one stage at a time, each audited", async () => {
      const { id } = (await post("/api/v1/contests", contestBody())).body.contest;
      for (const to of ["open", "closed", "judging", "review", "notice", "final"]) {
        if (to === "final") passNoticeWindow();
        const res = await moveTo(id, to);
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        expect(res.body.contest.stage).to.equal(to);
      }
      const moves = await app.db("audit_log").where({ action: "contest.stage", target_id: id }).orderBy("id");
      expect(moves.map((m) => JSON.parse(m.details).to)).to.deep.equal([
        "open",
        "closed",
        "judging",
        "review",
        "notice",
        "final",
      ]);
    });

    it("refuses a skipped stage with 409 and changes nothing", async () => {
      const { id } = (await post("/api/v1/contests", contestBody())).body.contest;
      const before = await snapshot(app.db);
      for (const to of ["closed", "judging", "final"]) {
        const res = await moveTo(id, to);
        expect(res.status).to.equal(409);
        expect(res.body.error.code).to.equal("stage_conflict");
        expect(res.body.error.message).to.include("草稿");
      }
      expect(await snapshot(app.db)).to.deep.equal(before);
    });

    it("refuses moving to the current stage and an unknown stage", async () => {
      const { id } = (await post("/api/v1/contests", contestBody())).body.contest;
      const before = await writtenState(app);
      expect((await moveTo(id, "draft")).status).to.equal(409);
      const unknown = await moveTo(id, "archived");
      expect(unknown.status).to.equal(400);
      expect(unknown.body.error.code).to.equal("validation_failed");
      await expectNothingWritten(app, before);
    });

    it("closing early ends submissions at once: closesAt becomes the moment of closing", async () => {
      const { id, closesAt } = (await post("/api/v1/contests", contestBody())).body.contest;
      await moveTo(id, "open");
      const t0 = clock.now().getTime();
      const res = await moveTo(id, "closed");
      expect(Date.parse(res.body.contest.closesAt)).to.be.lessThan(Date.parse(closesAt));
      expect(Date.parse(res.body.contest.closesAt)).to.be.within(t0 - 1000, clock.now().getTime() + 1000);
    });

    it("may step back before the notice (reopen), never after it", async () => {
      const { id } = (await post("/api/v1/contests", contestBody())).body.contest;
      await moveTo(id, "open");
      await moveTo(id, "closed");
      expect((await moveTo(id, "open")).status).to.equal(200);
      for (const to of ["closed", "judging", "review", "notice"]) await moveTo(id, to);
      const before = await writtenState(app);
      const back = await moveTo(id, "review");
      expect(back.status).to.equal(409);
      expect(back.body.error.code).to.equal("stage_conflict");
      await expectNothingWritten(app, before);
    });

    it("the notice opens a 7-day objection window", async () => {
      const { id } = (await post("/api/v1/contests", contestBody())).body.contest;
      for (const to of ["open", "closed", "judging", "review"]) await moveTo(id, to);
      const t0 = clock.now().getTime();
      const res = await moveTo(id, "notice");
      expect(Date.parse(res.body.contest.noticeEndsAt) - t0).to.be.within(7 * 86_400_000 - 5000, 7 * 86_400_000 + 5000);
    });
  });

  describe("editing", () => {
    it("changes settings allowed in the stage and audits them", async () => {
      const { id } = (await post("/api/v1/contests", contestBody())).body.contest;
      const res = await patch(`/api/v1/contests/${id}`, {
        title: "新名称",
        judgesPerEntry: 3,
        prizes: { mode: "count", first: 1, second: 2, third: 3 },
      });
      expect(res.status).to.equal(200);
      expect(res.body.contest).to.include({ title: "新名称", judgesPerEntry: 3 });
      expect(res.body.contest.prizes).to.deep.equal({ mode: "count", first: 1, second: 2, third: 3 });
      expect(await app.db("audit_log").where({ action: "contest.update", target_id: id })).to.have.length(1);
    });

    it("refuses the rubric once judging has started, and writes nothing", async () => {
      const { id } = (await post("/api/v1/contests", contestBody())).body.contest;
      for (const to of ["open", "closed", "judging"]) await moveTo(id, to);
      const before = await snapshot(app.db);
      const res = await patch(`/api/v1/contests/${id}`, {
        rubric: { criteria: [{ key: "x", label: "X", max: 100, step: 1 }] },
        title: "also",
      });
      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal("stage_conflict");
      expect(res.body.error.details.locked).to.deep.equal(["rubric"]);
      expect(await snapshot(app.db)).to.deep.equal(before);
    });

    it("refuses every change once final", async () => {
      const { id } = (await post("/api/v1/contests", contestBody())).body.contest;
      for (const to of ["open", "closed", "judging", "review", "notice", "final"]) {
        if (to === "final") passNoticeWindow();
        expect((await moveTo(id, to)).status).to.equal(200);
      }
      const before = await writtenState(app);
      const res = await patch(`/api/v1/contests/${id}`, { title: "改名" });
      expect(res.status).to.equal(409);
      await expectNothingWritten(app, before);
    });

    it("refuses closesAt before opensAt, an empty patch and an unknown contest", async () => {
      const { id } = (await post("/api/v1/contests", contestBody())).body.contest;
      const before = await writtenState(app);
      expect((await patch(`/api/v1/contests/${id}`, { closesAt: "2000-01-01T00:00:00Z" })).body.error.code).to.equal(
        "invalid_dates",
      );
      expect((await patch(`/api/v1/contests/${id}`, {})).status).to.equal(400);
      expect((await patch(`/api/v1/contests/no-such-contest`, { title: "x" })).status).to.equal(404);
      await expectNothingWritten(app, before);
    });
  });

  describe("reading", () => {
    it("the public sees contests past the draft; organizers see drafts too", async () => {
      const draft = (await post("/api/v1/contests", contestBody({ title: "草稿赛事" }))).body.contest;
      const open = (await post("/api/v1/contests", contestBody({ title: "公开赛事" }))).body.contest;
      await moveTo(open.id, "open");
      const anonymous = await request(app.server).get("/api/v1/contests");
      expect(anonymous.status).to.equal(200);
      const ids = anonymous.body.contests.map((c: { id: string }) => c.id);
      expect(ids).to.include(open.id).and.not.include(draft.id);
      expect((await request(app.server).get(`/api/v1/contests/${draft.id}`)).status).to.equal(404);
      expect(
        (
          await request(app.server)
            .get(`/api/v1/contests/${draft.id}`)
            .set("Authorization", `Bearer ${contestant.token}`)
        ).status,
      ).to.equal(404);
      const asOrganizer = await request(app.server)
        .get(`/api/v1/contests/${draft.id}`)
        .set("Authorization", `Bearer ${admin}`);
      expect(asOrganizer.body.contest.title).to.equal("草稿赛事");
      const one = await request(app.server).get(`/api/v1/contests/${open.id}`);
      expect(one.body.contest).to.include({ id: open.id, stage: "open", kind: "video" });
      expect(one.body.contest.rubric.criteria).to.have.length(5);
    });

    it("filters by stage", async () => {
      const res = await request(app.server).get("/api/v1/contests?stage=open");
      expect(res.body.contests.length).to.be.greaterThan(0);
      expect(res.body.contests.every((c: { stage: string }) => c.stage === "open")).to.equal(true);
      expect((await request(app.server).get("/api/v1/contests?stage=nonsense")).status).to.equal(400);
    });

    it("when the contest list is asked with an unknown query parameter, it answers 400 validation_failed naming it; ?lang= still passes", async () => {
      const res = await request(app.server).get("/api/v1/contests?stage=open&sort=title").set("Accept-Language", "en");
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal("validation_failed");
      expect(res.body.error.message).to.match(/^The data sent is not valid: sort/);
      expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).to.deep.equal(["sort"]);
      expect((await request(app.server).get("/api/v1/contests?stage=open&lang=en")).status).to.equal(200);
    });

    it("when the audit log is asked with an unknown query parameter, it answers 400 validation_failed naming it; ?lang= still passes", async () => {
      const res = await request(app.server)
        .get("/api/v1/audit?targetType=contest&actor=someone")
        .set("Authorization", `Bearer ${admin}`)
        .set("Accept-Language", "en");
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal("validation_failed");
      expect(res.body.error.message).to.match(/^The data sent is not valid: actor/);
      expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).to.deep.equal(["actor"]);
      expect(
        (
          await request(app.server)
            .get("/api/v1/audit?targetType=contest&lang=en")
            .set("Authorization", `Bearer ${admin}`)
        ).status,
      ).to.equal(200);
    });

    it("organizers read the audit log", async () => {
      const res = await request(app.server)
        .get("/api/v1/audit?targetType=contest")
        .set("Authorization", `Bearer ${admin}`);
      expect(res.status).to.equal(200);
      expect(res.body.records.length).to.be.greaterThan(0);
      expect(res.body.records[0]).to.include.keys(
        "at",
        "actorId",
        "actorName",
        "action",
        "targetType",
        "targetId",
        "details",
      );
    });
  });
});
