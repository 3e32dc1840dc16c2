import { expect } from "chai";
import request from "supertest";
import { createActor, snapshot, startTestApp, type Actor, type TestApp } from "../../helpers/app.js";
import { openContest, submit, videoSubmission } from "../../helpers/entries.js";
import { testMedia } from "../../helpers/media.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

describe("judging API", () => {
  let app: TestApp;
  let admin: string;
  let contestId: string;
  let judges: Actor[];
  const entries: { id: string; code: string; unit: string; author: string }[] = [];

  const as = (token: string) => ({
    get: (path: string) => request(app.server).get(path).set("Authorization", `Bearer ${token}`),
    post: (path: string, body?: object) =>
      request(app.server).post(path).set("Authorization", `Bearer ${token}`).send(body),
    put: (path: string, body?: object) =>
      request(app.server).put(path).set("Authorization", `Bearer ${token}`).send(body),
    patch: (path: string, body?: object) =>
      request(app.server).patch(path).set("Authorization", `Bearer ${token}`).send(body),
    delete: (path: string) => request(app.server).delete(path).set("Authorization", `Bearer ${token}`),
  });

  before(async function () {
    this.timeout(120_000);
    const media = await testMedia();
    app = await startTestApp();
    ({ id: contestId, admin } = await openContest(app, {
      judgesPerEntry: 3,
      rubric: {
        criteria: [
          { key: "science", label: "科学性", max: 40, step: 1 },
          { key: "art", label: "艺术性", max: 30, step: 0.5 },
          { key: "fun", label: "趣味性", max: 30, step: 1 },
        ],
      },
    }));
    const units = ["石家庄一中", "唐山二中", "保定三中", "沧州四中", "廊坊五中", "衡水六中", "邢台七中", "邯郸八中"];
    const contestant = await createActor(app, "contestant", { city: "保定" });
    for (const [i, unit] of units.entries()) {
      const author = `作者${i}号`;
      const res = await submit(
        app,
        contestId,
        contestant.token,
        videoSubmission(media, {
          fields: {
            title: `作品${i}`,
            unit,
            category: i % 2 ? "科学防控" : "科普行动",
            authors: JSON.stringify([{ name: author }]),
          },
        }),
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      entries.push({ id: res.body.entry.id, code: res.body.entry.code, unit, author });
    }
    judges = [];
    for (let i = 0; i < 6; i += 1) {
      // Judge 0 works at the unit of entry 0: a conflict.
      judges.push(
        await createActor(app, "judge", {
          unit: i === 0 ? "石家庄一中" : `评审单位${i}`,
          expertise: [i % 2 ? "科学防控" : "科普行动"],
        }),
      );
    }
  });
  after(() => app.close());

  it("refuses a pool with someone who is not a judge", async () => {
    const contestant = await createActor(app, "contestant");
    const before = await writtenState(app);
    const res = await as(admin).put(`/api/v1/contests/${contestId}/judges`, {
      judgeIds: [judges[0].user.id, contestant.user.id],
    });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal("not_judges");
    await expectNothingWritten(app, before);
  });

  it("sets the pool and assigns: k distinct judges per entry, equal loads, no conflicts", async () => {
    expect(
      (await as(admin).put(`/api/v1/contests/${contestId}/judges`, { judgeIds: judges.map((j) => j.user.id) })).status,
    ).to.equal(200);
    const res = await as(admin).post(`/api/v1/contests/${contestId}/assignments/auto`, { seed: 7 });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.assignments).to.equal(24);
    expect(Object.values(res.body.loads)).to.deep.equal([4, 4, 4, 4, 4, 4]);
    const list = await as(admin).get(`/api/v1/contests/${contestId}/assignments`);
    expect(list.body.assignments).to.have.length(24);
    for (const a of list.body.assignments) expect(a).to.include.keys("id", "entryId", "judgeId", "status");
    for (const e of entries) {
      const mine = list.body.assignments.filter((a: { entryId: string }) => a.entryId === e.id);
      expect(new Set(mine.map((a: { judgeId: string }) => a.judgeId)).size).to.equal(3);
    }
    const conflicting = list.body.assignments.filter(
      (a: { entryId: string; judgeId: string }) => a.entryId === entries[0].id && a.judgeId === judges[0].user.id,
    );
    expect(conflicting).to.deep.equal([]);
  });

  it("the same seed gives the same assignment", async () => {
    const first = (await as(admin).get(`/api/v1/contests/${contestId}/assignments`)).body.assignments
      .map((a: { entryId: string; judgeId: string }) => `${a.entryId}|${a.judgeId}`)
      .sort();
    await as(admin).post(`/api/v1/contests/${contestId}/assignments/auto`, { seed: 7 });
    const again = (await as(admin).get(`/api/v1/contests/${contestId}/assignments`)).body.assignments
      .map((a: { entryId: string; judgeId: string }) => `${a.entryId}|${a.judgeId}`)
      .sort();
    expect(again).to.deep.equal(first);
  });

  it("refuses a hand-made assignment or swap that creates a conflict", async () => {
    const before = await snapshot(app.db);
    const add = await as(admin).post(`/api/v1/contests/${contestId}/assignments`, {
      entryId: entries[0].id,
      judgeId: judges[0].user.id,
    });
    expect(add.status).to.equal(409);
    expect(add.body.error.code).to.equal("conflict_of_interest");
    expect(add.body.error.message).to.include("与作品同一单位");
    const one = (await as(admin).get(`/api/v1/contests/${contestId}/assignments`)).body.assignments.find(
      (a: { entryId: string }) => a.entryId === entries[0].id,
    );
    const swap = await as(admin).patch(`/api/v1/assignments/${one.id}`, { judgeId: judges[0].user.id });
    expect(swap.status).to.equal(409);
    expect(await snapshot(app.db)).to.deep.equal(before);
  });

  describe("once judging starts", () => {
    let judge: Actor;
    let mine: { id: string; entryId: string; code: string; title: string; category: string; status: string }[];

    before(async () => {
      await as(admin).post(`/api/v1/contests/${contestId}/stage`, { to: "closed" });
      await as(admin).post(`/api/v1/contests/${contestId}/stage`, { to: "judging" });
      judge = judges[1]!;
      mine = (await as(judge.token).get("/api/v1/me/assignments")).body.assignments;
    });

    it("a judge's queue has codes, titles and themes, never authors, units or cities", async () => {
      const res = await as(judge.token).get("/api/v1/me/assignments");
      expect(res.status).to.equal(200);
      expect(res.body.assignments).to.have.length(4);
      for (const item of res.body.assignments)
        expect(item).to.include.keys("id", "entryId", "code", "title", "category", "status");
      const text = JSON.stringify(res.body);
      for (const e of entries) {
        expect(text).not.to.include(e.author);
        expect(text).not.to.include(e.unit);
      }
      expect(text).not.to.include("保定");
    });

    it("a judge reads his entry anonymized, and plays its video; not others' entries", async () => {
      const entry = await as(judge.token).get(`/api/v1/entries/${mine[0].entryId}`);
      expect(entry.status).to.equal(200);
      expect(entry.body.entry).to.include.keys("id", "code", "title", "files");
      expect(entry.body.entry).not.to.have.any.keys("authors", "unit", "city", "ownerId");
      expect(JSON.stringify(entry.body)).not.to.match(/作者|中学|保定|originalName/);
      const video = await as(judge.token)
        .get(`/api/v1/entries/${mine[0].entryId}/files/video`)
        .set("Range", "bytes=0-9");
      expect(video.status).to.equal(206);
      // The recommendation form (推荐表) names the authors: neither listed nor served to judges.
      expect(
        (await as(admin).get(`/api/v1/entries/${mine[0].entryId}`)).body.entry.files.map(
          (f: { role: string }) => f.role,
        ),
      ).to.include("form");
      expect(entry.body.entry.files.map((f: { role: string }) => f.role)).not.to.include("form");
      expect((await as(judge.token).get(`/api/v1/entries/${mine[0].entryId}/files/form`)).status).to.equal(404);
      const others = entries.filter((e) => !mine.some((m) => m.entryId === e.id));
      expect((await as(judge.token).get(`/api/v1/entries/${others[0].id}`)).status).to.equal(404);
    });

    it("scoring before the declaration → 403 declaration_required, nothing written", async () => {
      const before = await snapshot(app.db);
      const res = await as(judge.token).put(`/api/v1/assignments/${mine[0].id}/score`, {
        scores: { science: 30, art: 20, fun: 20 },
        submit: true,
      });
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal("declaration_required");
      expect(await snapshot(app.db)).to.deep.equal(before);
    });

    it("the declaration is accepted by judges of the panel only", async () => {
      expect(
        (await as(judge.token).post(`/api/v1/contests/${contestId}/declaration`, { accept: true })).status,
      ).to.equal(200);
      const outsider = await createActor(app, "judge");
      const before = await writtenState(app);
      expect(
        (await as(outsider.token).post(`/api/v1/contests/${contestId}/declaration`, { accept: true })).status,
      ).to.equal(403);
      expect(
        (await as(judge.token).post(`/api/v1/contests/${contestId}/declaration`, { accept: false })).status,
      ).to.equal(400);
      await expectNothingWritten(app, before);
    });

    // Mocha runs a suite's own tests before its sub-suites, so these stay at this level to run in order.
    {
      const cases: { name: string; body: object; status: number; code: string; other?: boolean }[] = [
        {
          name: "a score over its maximum",
          body: { scores: { science: 41, art: 20, fun: 20 }, submit: true },
          status: 400,
          code: "validation_failed",
        },
        {
          name: "a negative score",
          body: { scores: { science: -1, art: 20, fun: 20 }, submit: true },
          status: 400,
          code: "validation_failed",
        },
        {
          name: "a score off its step",
          body: { scores: { science: 30, art: 20.3, fun: 20 }, submit: true },
          status: 400,
          code: "validation_failed",
        },
        {
          name: "a fractional score on a whole step",
          body: { scores: { science: 30.5, art: 20, fun: 20 }, submit: false },
          status: 400,
          code: "validation_failed",
        },
        {
          name: "a missing criterion on submit",
          body: { scores: { science: 30, art: 20 }, submit: true },
          status: 400,
          code: "validation_failed",
        },
        {
          name: "an unknown criterion",
          body: { scores: { science: 30, art: 20, fun: 20, bonus: 5 }, submit: true },
          status: 400,
          code: "validation_failed",
        },
        {
          name: "a score as a string",
          body: { scores: { science: "30", art: 20, fun: 20 }, submit: true },
          status: 400,
          code: "validation_failed",
        },
        {
          name: "no submit flag",
          body: { scores: { science: 30, art: 20, fun: 20 } },
          status: 400,
          code: "validation_failed",
        },
        {
          name: "another judge's assignment",
          body: { scores: { science: 30, art: 20, fun: 20 }, submit: true },
          status: 403,
          code: "not_your_assignment",
          other: true,
        },
      ];
      for (const c of cases) {
        it(`a bad sheet, ${c.name} → ${c.status} ${c.code}, writes nothing`, async () => {
          const list = (await as(admin).get(`/api/v1/contests/${contestId}/assignments`)).body.assignments;
          const target = c.other ? list.find((a: { judgeId: string }) => a.judgeId !== judge.user.id).id : mine[0].id;
          const before = await snapshot(app.db);
          const res = await as(judge.token).put(`/api/v1/assignments/${target}/score`, c.body);
          expect(res.status, JSON.stringify(res.body)).to.equal(c.status);
          expect(res.body.error.code).to.equal(c.code);
          expect(res.body.error.message).to.be.a("string").that.has.length.above(0);
          expect(await snapshot(app.db)).to.deep.equal(before);
        });
      }
    }

    it("saves a partial draft, then submits; the total is exact; every save is in the history", async () => {
      const draft = await as(judge.token).put(`/api/v1/assignments/${mine[0].id}/score`, {
        scores: { science: 35 },
        comment: "科学性强",
        submit: false,
      });
      expect(draft.status, JSON.stringify(draft.body)).to.equal(200);
      expect(draft.body.assignment).to.include({ status: "draft", total: null });
      const sent = await as(judge.token).put(`/api/v1/assignments/${mine[0].id}/score`, {
        scores: { science: 35, art: 22.5, fun: 18 },
        submit: true,
      });
      expect(sent.status).to.equal(200);
      expect(sent.body.assignment).to.include({ status: "submitted", total: 75.5 });
      const history = await as(admin).get(`/api/v1/entries/${mine[0].entryId}/score-history`);
      expect(history.body.history).to.have.length(2);
      expect(history.body.history[1].before.status).to.equal("draft");
      expect(history.body.history[1].after.total).to.equal(75.5);
    });

    it("the organizer sees the progress per judge and per entry", async () => {
      const res = await as(admin).get(`/api/v1/contests/${contestId}/progress`);
      expect(res.status).to.equal(200);
      const row = res.body.judges.find((j: { judgeId: string }) => j.judgeId === judge.user.id);
      expect(row).to.include({ assigned: 4, submitted: 1, drafts: 0, missing: 3, declared: true });
      expect(res.body.totals).to.deep.equal({ assigned: 24, submitted: 1, drafts: 0 });
      expect(res.body.late).to.include(judge.user.id);
      expect(res.body.entries.find((e: { entryId: string }) => e.entryId === mine[0].entryId)).to.include({
        assigned: 3,
        submitted: 1,
      });
    });

    it("a judge who drops out has his unscored work moved to others", async () => {
      const leaving = judges[5];
      const res = await as(admin).post(`/api/v1/contests/${contestId}/judges/${leaving.user.id}/reassign`);
      expect(res.status).to.equal(200);
      expect(res.body.moved).to.equal(4);
      const list = (await as(admin).get(`/api/v1/contests/${contestId}/assignments`)).body.assignments;
      expect(list.filter((a: { judgeId: string }) => a.judgeId === leaving.user.id)).to.have.length(0);
      expect(list).to.have.length(24);
    });

    it("after judging closes, scoring is refused → 409, nothing written", async () => {
      await as(admin).post(`/api/v1/contests/${contestId}/stage`, { to: "review" });
      const before = await snapshot(app.db);
      const res = await as(judge.token).put(`/api/v1/assignments/${mine[1].id}/score`, {
        scores: { science: 30, art: 20, fun: 20 },
        submit: true,
      });
      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal("stage_conflict");
      expect(await snapshot(app.db)).to.deep.equal(before);
    });
  });
});
