import { expect } from "chai";
import { parse } from "csv-parse/sync";
import request from "supertest";
import { judgeableEntries } from "../../../src/entries/entries.service.js";
import { getContest } from "../../../src/contests/contests.service.js";
import { createActor, snapshot, startTestApp, type Actor, type TestApp } from "../../helpers/app.js";
import { filesUnder, openContest, submit, videoSubmission } from "../../helpers/entries.js";
import { testMedia, type TestMedia } from "../../helpers/media.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

describe("managing entries", () => {
  let app: TestApp;
  let media: TestMedia;
  let owner: Actor;

  const as = (token: string) => ({
    get: (path: string) => request(app.server).get(path).set("Authorization", `Bearer ${token}`),
    post: (path: string, body?: object) =>
      request(app.server).post(path).set("Authorization", `Bearer ${token}`).send(body),
    patch: (path: string) => request(app.server).patch(path).set("Authorization", `Bearer ${token}`),
    delete: (path: string) => request(app.server).delete(path).set("Authorization", `Bearer ${token}`),
  });

  before(async function () {
    this.timeout(120_000);
    media = await testMedia();
    app = await startTestApp();
    owner = await createActor(app, "contestant", { city: "保定" });
  });
  after(() => app.close());

  describe("while the contest is open, the owner", () => {
    let contest: { id: string; admin: string };
    let entryId: string;

    before(async () => {
      contest = await openContest(app);
      entryId = (await submit(app, contest.id, owner.token, videoSubmission(media))).body.entry.id;
    });

    it("edits fields with a JSON body", async () => {
      const res = await as(owner.token)
        .patch(`/api/v1/entries/${entryId}`)
        .send({ title: "新标题", authors: [{ name: "李明" }] });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.entry).to.include({ title: "新标题" });
      expect(res.body.entry.authors).to.deep.equal([{ name: "李明" }]);
    });

    it("replaces a file with a multipart body; the old file is removed from disk", async () => {
      const before = await app.db("entry_files").where({ entry_id: entryId, role: "video" }).first();
      const res = await as(owner.token)
        .patch(`/api/v1/entries/${entryId}`)
        .field("summary", "换了高清版")
        .attach("video", media.hd720);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const video = res.body.entry.files.find((f: { role: string }) => f.role === "video");
      expect(video.height).to.equal(720);
      expect(res.body.entry.summary).to.equal("换了高清版");
      const stored = filesUnder(app.ctx.config.uploadDir);
      expect(stored.some((f) => f.endsWith(before.storage_key))).to.equal(false);
      expect(await app.db("entry_files").where({ entry_id: entryId })).to.have.length(3);
    });

    it("a replacement that breaks a hard rule changes nothing", async () => {
      const beforeDb = await snapshot(app.db);
      const beforeFiles = filesUnder(app.ctx.config.uploadDir);
      const res = await as(owner.token)
        .patch(`/api/v1/entries/${entryId}`)
        .field("title", "不该生效")
        .attach("video", media.overLength);
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal("file_duration");
      expect(await snapshot(app.db)).to.deep.equal(beforeDb);
      expect(filesUnder(app.ctx.config.uploadDir)).to.deep.equal(beforeFiles);
    });

    it("someone else cannot read, edit or withdraw it (404, nothing written)", async () => {
      const other = await createActor(app, "contestant", { city: "保定" });
      const before = await snapshot(app.db);
      expect((await as(other.token).get(`/api/v1/entries/${entryId}`)).status).to.equal(404);
      expect((await as(other.token).patch(`/api/v1/entries/${entryId}`).send({ title: "偷改" })).status).to.equal(404);
      expect((await as(other.token).delete(`/api/v1/entries/${entryId}`)).status).to.equal(404);
      expect(await snapshot(app.db)).to.deep.equal(before);
    });

    it("withdraws it; a withdrawn entry cannot be edited", async () => {
      const res = await as(owner.token).delete(`/api/v1/entries/${entryId}`);
      expect(res.status).to.equal(200);
      expect(res.body.entry.status).to.equal("withdrawn");
      const before = await writtenState(app);
      const edit = await as(owner.token).patch(`/api/v1/entries/${entryId}`).send({ title: "x" });
      expect(edit.status).to.equal(409);
      await expectNothingWritten(app, before);
    });

    it("cannot change anything after closing", async () => {
      const id = (await submit(app, contest.id, owner.token, videoSubmission(media, { fields: { title: "截止后" } })))
        .body.entry.id;
      await as(contest.admin).post(`/api/v1/contests/${contest.id}/stage`, { to: "closed" });
      const before = await snapshot(app.db);
      expect((await as(owner.token).patch(`/api/v1/entries/${id}`).send({ title: "晚了" })).body.error.code).to.equal(
        "submissions_closed",
      );
      expect((await as(owner.token).delete(`/api/v1/entries/${id}`)).status).to.equal(409);
      expect(await snapshot(app.db)).to.deep.equal(before);
    });
  });

  describe("limits and duplicates", () => {
    it("refuses a third entry by the same first author (video contests allow 2), with a clear message", async () => {
      const contest = await openContest(app);
      const same = { fields: { authors: JSON.stringify([{ name: "张 伟" }]) } };
      expect((await submit(app, contest.id, owner.token, videoSubmission(media, same))).status).to.equal(201);
      expect((await submit(app, contest.id, owner.token, videoSubmission(media, same))).status).to.equal(201);
      const before = await snapshot(app.db);
      const third = await submit(
        app,
        contest.id,
        owner.token,
        videoSubmission(media, { fields: { authors: JSON.stringify([{ name: "张伟" }]) } }),
      );
      expect(third.status).to.equal(409);
      expect(third.body.error.code).to.equal("entry_limit");
      expect(third.body.error.message).to.equal("每位第一作者在本赛事最多提交 2 件作品");
      expect(await snapshot(app.db)).to.deep.equal(before);
    });

    it("refuses a sixth experiment from one unit", async () => {
      const contest = await openContest(app, { kind: "experiment" });
      const body = (i: number) => ({
        fields: {
          title: `实验 ${i}`,
          category: "科普行动",
          unit: "河北师大附中",
          authors: JSON.stringify([{ name: `作者${i}`, role: "队长" }]),
          declaration: "true",
        },
        files: { video: media.valid1080, plan: media.formPdf, form: media.formPdf },
      });
      for (let i = 1; i <= 5; i += 1)
        expect((await submit(app, contest.id, owner.token, body(i))).status).to.equal(201);
      const before = await writtenState(app);
      const sixth = await submit(app, contest.id, owner.token, body(6));
      expect(sixth.status).to.equal(409);
      expect(sixth.body.error.message).to.equal("每个单位在本赛事最多提交 5 件作品");
      await expectNothingWritten(app, before);
    });

    it("flags the same file submitted twice in a contest to organizers", async () => {
      const contest = await openContest(app);
      const a = (
        await submit(
          app,
          contest.id,
          owner.token,
          videoSubmission(media, { fields: { authors: JSON.stringify([{ name: "甲" }]) } }),
        )
      ).body.entry;
      const b = (
        await submit(
          app,
          contest.id,
          owner.token,
          videoSubmission(media, { fields: { authors: JSON.stringify([{ name: "乙" }]) } }),
        )
      ).body.entry;
      const list = await as(contest.admin).get(`/api/v1/contests/${contest.id}/entries`);
      const byId = Object.fromEntries(
        list.body.entries.map((e: { id: string; duplicates: string[] }) => [e.id, e.duplicates]),
      );
      expect(byId[a.id]).to.deep.equal([b.code]);
      expect(byId[b.id]).to.deep.equal([a.code]);
    });
  });

  describe("format review and recommendation", () => {
    let contest: { id: string; admin: string };
    let good: string;
    let lowRes: string;
    let tangshan: string;
    let coordinator: Actor;

    before(async () => {
      contest = await openContest(app, {
        rules: { requiresRecommendation: true, recommendationQuota: 1, maxEntriesPerAuthor: null },
      });
      good = (await submit(app, contest.id, owner.token, videoSubmission(media))).body.entry.id;
      lowRes = (await submit(app, contest.id, owner.token, videoSubmission(media, { files: { video: media.hd720 } })))
        .body.entry.id;
      tangshan = (await submit(app, contest.id, owner.token, videoSubmission(media, { fields: { city: "唐山" } }))).body
        .entry.id;
      coordinator = await createActor(app, "coordinator", { city: "保定" });
    });

    it("organizers filter by city and by failing checks", async () => {
      const admin = as(contest.admin);
      const baoding = await admin.get(`/api/v1/contests/${contest.id}/entries?city=保定`);
      expect(baoding.body.entries.map((e: { id: string }) => e.id).sort()).to.deep.equal([good, lowRes].sort());
      const failing = await admin.get(`/api/v1/contests/${contest.id}/entries?failing=1`);
      expect(failing.body.entries.map((e: { id: string }) => e.id)).to.deep.equal([lowRes]);
      expect(failing.body.entries[0].checks[0]).to.include({
        role: "video",
        check: "resolution",
        ok: false,
        hard: false,
      });
      const search = await admin.get(`/api/v1/contests/${contest.id}/entries?q=${encodeURIComponent("病毒")}`);
      expect(search.body.entries).to.have.length(3);
    });

    it("when the entry list is asked with an unknown query parameter, it answers 400 validation_failed naming it; ?lang= still passes", async () => {
      const admin = as(contest.admin);
      const res = await admin
        .get(`/api/v1/contests/${contest.id}/entries?city=${encodeURIComponent("保定")}&sortBy=title`)
        .set("Accept-Language", "en");
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal("validation_failed");
      expect(res.body.error.message).to.match(/^The data sent is not valid: sortBy/);
      expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).to.deep.equal(["sortBy"]);
      expect((await admin.get(`/api/v1/contests/${contest.id}/entries?failing=1&lang=en`)).status).to.equal(200);
    });

    it("a coordinator lists only his city's entries", async () => {
      const res = await as(coordinator.token).get(`/api/v1/contests/${contest.id}/entries`);
      expect(res.body.entries.map((e: { id: string }) => e.id).sort()).to.deep.equal([good, lowRes].sort());
      expect(res.body.entries.every((e: { city: string }) => e.city === "保定")).to.equal(true);
    });

    it("a coordinator recommends within the quota; past it → 409 quota_full; another city's entry → 404", async () => {
      const ok = await as(coordinator.token).post(`/api/v1/entries/${good}/recommend`);
      expect(ok.status).to.equal(200);
      expect(ok.body.entry.recommended).to.equal(true);
      const before = await snapshot(app.db);
      const full = await as(coordinator.token).post(`/api/v1/entries/${lowRes}/recommend`);
      expect(full.status).to.equal(409);
      expect(full.body.error.code).to.equal("quota_full");
      expect((await as(coordinator.token).post(`/api/v1/entries/${tangshan}/recommend`)).status).to.equal(404);
      expect(await snapshot(app.db)).to.deep.equal(before);
    });

    it("only recommended entries go on to judging", async () => {
      const c = await getContest(app.ctx, null, contest.id);
      expect((await judgeableEntries(app.ctx, c)).map((e) => e.id)).to.deep.equal([good]);
    });

    it("withdrawing a recommendation frees the quota", async () => {
      expect(
        (
          await request(app.server)
            .delete(`/api/v1/entries/${good}/recommend`)
            .set("Authorization", `Bearer ${coordinator.token}`)
        ).body.entry.recommended,
      ).to.equal(false);
      expect((await as(coordinator.token).post(`/api/v1/entries/${lowRes}/recommend`)).status).to.equal(200);
    });

    it("an organizer disqualifies with a reason the owner sees, and re-admits; both audited", async () => {
      await as(contest.admin).post(`/api/v1/contests/${contest.id}/stage`, { to: "closed" });
      const before = await writtenState(app);
      const noReason = await as(contest.admin).post(`/api/v1/entries/${lowRes}/disqualify`, {});
      expect(noReason.status).to.equal(400);
      await expectNothingWritten(app, before);
      const res = await as(contest.admin).post(`/api/v1/entries/${lowRes}/disqualify`, { reason: "分辨率不足 1080p" });
      expect(res.status).to.equal(200);
      const seen = await as(owner.token).get(`/api/v1/entries/${lowRes}`);
      expect(seen.body.entry).to.include({ status: "disqualified", statusReason: "分辨率不足 1080p" });
      expect((await as(contest.admin).post(`/api/v1/entries/${lowRes}/readmit`)).body.entry.status).to.equal(
        "submitted",
      );
      expect(
        await app.db("audit_log").whereIn("action", ["entry.disqualify", "entry.readmit"]).where({ target_id: lowRes }),
      ).to.have.length(2);
    });

    it("the CSV export has a Chinese header and one row per entry", async () => {
      const res = await as(contest.admin).get(`/api/v1/contests/${contest.id}/entries.csv`);
      expect(res.status).to.equal(200);
      expect(res.headers["content-type"]).to.match(/^text\/csv/);
      const rows = parse(res.text.replace(/^\uFEFF/, ""));
      expect(rows[0][0]).to.equal("作品编号");
      expect(rows).to.have.length(1 + 3);
      expect(
        rows
          .slice(1)
          .map((r) => r[0])
          .sort(),
      ).to.deep.equal((await app.db("entries").where({ contest_id: contest.id }).pluck("code")).sort());
    });

    it("judges and contestants cannot list others' entries or export", async () => {
      const judge = await createActor(app, "judge");
      expect((await as(judge.token).get(`/api/v1/contests/${contest.id}/entries`)).status).to.equal(403);
      expect((await as(owner.token).get(`/api/v1/contests/${contest.id}/entries.csv`)).status).to.equal(403);
      const mine = await as(owner.token).get(`/api/v1/contests/${contest.id}/entries`);
      expect(mine.body.entries.every((e: { ownerId: string }) => e.ownerId === owner.user.id)).to.equal(true);
    });
  });
});
