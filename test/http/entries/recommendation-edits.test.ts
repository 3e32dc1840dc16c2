import { expect } from "chai";
import request from "supertest";
import { createActor, startTestApp, type Actor, type TestApp } from "../../helpers/app.js";
import { openContest, submit, videoSubmission } from "../../helpers/entries.js";
import { testMedia, type TestMedia } from "../../helpers/media.js";
import { csrfOf, pageSession } from "../../helpers/pages.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

/**
 * Trust issue, item 3: a recommendation (推荐) vouches for the entry as the coordinator saw it, and
 * uses the quota of the city that made it.
 */
describe("recommendations and the owner's edits", () => {
  let app: TestApp;
  let media: TestMedia;
  let owner: Actor;
  let baoding: Actor;
  let tangshan: Actor;

  const as = (token: string) => ({
    get: (path: string) => request(app.server).get(path).set("Authorization", `Bearer ${token}`),
    post: (path: string, body?: object) =>
      request(app.server).post(path).set("Authorization", `Bearer ${token}`).send(body),
    patch: (path: string) => request(app.server).patch(path).set("Authorization", `Bearer ${token}`),
  });

  /** A contest with a quota of one recommendation per city and no per-author limit. */
  const quotaContest = () =>
    openContest(app, { rules: { requiresRecommendation: true, recommendationQuota: 1, maxEntriesPerAuthor: null } });

  const submitIn = async (contestId: string, fields: Record<string, string> = {}): Promise<string> => {
    const res = await submit(app, contestId, owner.token, videoSubmission(media, { fields }));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.entry.id as string;
  };

  const recommend = async (coordinator: Actor, entryId: string) =>
    as(coordinator.token).post(`/api/v1/entries/${entryId}/recommend`);

  const entryOf = async (entryId: string) => (await as(owner.token).get(`/api/v1/entries/${entryId}`)).body.entry;

  const clearedAudits = (entryId: string) =>
    app.db("audit_log").where({ action: "entry.recommendationCleared", target_id: entryId }).select("*");

  before(async function () {
    this.timeout(120_000);
    media = await testMedia();
    app = await startTestApp();
    owner = await createActor(app, "contestant", { city: "保定" });
    baoding = await createActor(app, "coordinator", { city: "保定" });
    tangshan = await createActor(app, "coordinator", { city: "唐山" });
  });
  after(() => app.close());

  it("when the owner moves a recommended entry to 唐山 and changes its title, authors and video, the recommendation is cleared: 保定's quota is freed and 唐山's is not filled", async () => {
    const contest = await quotaContest();
    const moved = await submitIn(contest.id);
    const tangshanOwn = await submitIn(contest.id, { city: "唐山" });
    expect((await recommend(baoding, moved)).status).to.equal(200);

    const res = await as(owner.token)
      .patch(`/api/v1/entries/${moved}`)
      .field("city", "唐山")
      .field("title", "换了内容的作品")
      .field("authors", JSON.stringify([{ name: "张三" }]))
      .attach("video", media.hd720);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.entry.recommended).to.equal(false);
    expect(res.body.entry.recommendationClearedAt).to.be.a("string");

    const row = await app.db("entries").where({ id: moved }).first();
    expect(row).to.include({ recommended_at: null, recommended_by: null, recommended_city: null });
    const [audit] = await clearedAudits(moved);
    expect(audit.actor_id).to.equal(owner.user.id);
    const details = typeof audit.details === "string" ? JSON.parse(audit.details) : audit.details;
    expect(details.changed).to.have.members(["title", "city", "authors", "files"]);
    expect(details).to.include({ recommendedBy: baoding.user.id, city: "保定" });

    // 唐山's coordinator still has his whole quota: he recommends his city's own entry.
    expect((await recommend(tangshan, tangshanOwn)).status).to.equal(200);
    // The moved entry is 唐山's now and needs 唐山's recommendation, which the quota (full) refuses.
    const unchanged = await writtenState(app);
    const full = await recommend(tangshan, moved);
    expect(full.status).to.equal(409);
    expect(full.body.error.code).to.equal("quota_full");
    await expectNothingWritten(app, unchanged);
    // 保定's quota was freed.
    const other = await submitIn(contest.id);
    expect((await recommend(baoding, other)).status).to.equal(200);
  });

  const edits: [string, (req: request.Test) => request.Test][] = [
    ["title", (req) => req.send({ title: "新的标题" })],
    ["summary", (req) => req.send({ summary: "新的简介" })],
    ["category", (req) => req.send({ category: "科普行动" })],
    ["city", (req) => req.send({ city: "唐山" })],
    ["unit", (req) => req.send({ unit: "另一个单位" })],
    ["authors", (req) => req.send({ authors: [{ name: "李明", role: "编导" }, { name: "赵六" }] })],
    ["files", (req) => req.attach("video", media.hd720)],
  ];
  for (const [field, edit] of edits) {
    it(`an owner's change of ${field} clears the recommendation, audited with what changed`, async () => {
      const contest = await quotaContest();
      const entryId = await submitIn(contest.id);
      expect((await recommend(baoding, entryId)).status).to.equal(200);
      const res = await edit(as(owner.token).patch(`/api/v1/entries/${entryId}`));
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.entry.recommended).to.equal(false);
      const audits = await clearedAudits(entryId);
      expect(audits).to.have.length(1);
      const details = typeof audits[0].details === "string" ? JSON.parse(audits[0].details) : audits[0].details;
      expect(details.changed).to.deep.equal([field]);
    });
  }

  it("saving the same values again (the edit form sends every field) keeps the recommendation", async () => {
    const contest = await quotaContest();
    const entryId = await submitIn(contest.id);
    expect((await recommend(baoding, entryId)).status).to.equal(200);
    const current = await entryOf(entryId);
    const res = await as(owner.token)
      .patch(`/api/v1/entries/${entryId}`)
      .field("title", current.title)
      .field("summary", current.summary)
      .field("category", current.category)
      .field("city", "保定市")
      .field("unit", current.unit)
      .field("authors", JSON.stringify(current.authors))
      .attach("video", media.valid1080);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.entry.recommended).to.equal(true);
    expect(await clearedAudits(entryId)).to.have.length(0);
  });

  it("a recommendation uses the quota of the coordinator's city even after an organizer moves the entry to another city", async () => {
    const contest = await quotaContest();
    const entryId = await submitIn(contest.id);
    const tangshanOwn = await submitIn(contest.id, { city: "唐山" });
    expect((await recommend(baoding, entryId)).status).to.equal(200);
    // An organizer's correction keeps the recommendation (it is audited as a correction).
    const moved = await as(contest.admin).patch(`/api/v1/entries/${entryId}`).send({ city: "唐山" });
    expect(moved.status, JSON.stringify(moved.body)).to.equal(200);
    expect(moved.body.entry).to.include({ city: "唐山", recommended: true });
    // 唐山's quota is not filled by 保定's recommendation...
    expect((await recommend(tangshan, tangshanOwn)).status).to.equal(200);
    // ...and 保定's stays used by it.
    const other = await submitIn(contest.id);
    const unchanged = await writtenState(app);
    const full = await recommend(baoding, other);
    expect(full.status).to.equal(409);
    expect(full.body.error.code).to.equal("quota_full");
    expect(full.body.error.message).to.equal("本市推荐名额（1 个）已用完");
    await expectNothingWritten(app, unchanged);
    // 唐山's coordinator sees the moved entry but cannot take back 保定's recommendation.
    const before = await writtenState(app);
    const taken = await request(app.server)
      .delete(`/api/v1/entries/${entryId}/recommend`)
      .set("Authorization", `Bearer ${tangshan.token}`);
    expect(taken.status).to.equal(403);
    expect(taken.body.error.code).to.equal("forbidden");
    await expectNothingWritten(app, before);
  });

  it("the owner sees on the entry page, and in a message after saving the form, that the recommendation was cleared; a new recommendation removes the notice", async () => {
    const contest = await quotaContest();
    const entryId = await submitIn(contest.id);
    expect((await recommend(baoding, entryId)).status).to.equal(200);
    const agent = await pageSession(app, owner.email, owner.password);
    const page = await agent.get(`/entries/${entryId}`).set("Accept", "text/html");
    expect(page.text).not.to.include('data-testid="recommendation-cleared"');
    const current = await entryOf(entryId);
    const saved = await agent
      .post(`/entries/${entryId}?_csrf=${csrfOf(page.text)}`)
      .set("Accept", "text/html")
      .field("title", "改过的标题")
      .field("summary", current.summary)
      .field("category", current.category)
      .field("city", current.city)
      .field("unit", current.unit)
      .field("authorName", "李明")
      .field("authorRole", "编导")
      .field("authorName", "王芳")
      .field("authorRole", "");
    expect(saved.status, saved.text.slice(0, 500)).to.equal(303);
    const after = await agent.get(`/entries/${entryId}`).set("Accept", "text/html");
    expect(after.text).to.include("原推荐已撤销");
    expect(after.text).to.include('data-testid="recommendation-cleared"');
    expect(after.text).to.match(/flash-info[^>]*>作品修改后，原推荐已撤销/);
    const mine = await agent.get("/my/entries").set("Accept", "text/html");
    expect(mine.text).to.include("推荐已因修改撤销，待重新推荐");
    // Recommended again: the notice goes.
    expect((await recommend(baoding, entryId)).status).to.equal(200);
    const again = await agent.get(`/entries/${entryId}`).set("Accept", "text/html");
    expect(again.text).not.to.include('data-testid="recommendation-cleared"');
  });

  it("in English, the notice is in English", async () => {
    const contest = await quotaContest();
    const entryId = await submitIn(contest.id);
    expect((await recommend(baoding, entryId)).status).to.equal(200);
    await as(owner.token).patch(`/api/v1/entries/${entryId}`).send({ title: "Another title" });
    const agent = await pageSession(app, owner.email, owner.password);
    const page = await agent.get(`/entries/${entryId}?lang=en`).set("Accept", "text/html").set("Accept-Language", "en");
    expect(page.text).to.include("so its recommendation was cleared");
  });

  it("a city's own quota (保定 2) overrides the common one (1), and 0 lets a city recommend nothing", async () => {
    const contest = await openContest(app, {
      rules: {
        requiresRecommendation: true,
        recommendationQuota: 1,
        recommendationQuotas: { 保定: 2, 唐山: 0 },
        maxEntriesPerAuthor: null,
      },
    });
    const shown = await as(contest.admin).get(`/api/v1/contests/${contest.id}`);
    expect(shown.body.contest.rules.recommendationQuotas).to.deep.equal({ 保定: 2, 唐山: 0 });
    const [first, second, third] = [await submitIn(contest.id), await submitIn(contest.id), await submitIn(contest.id)];
    expect((await recommend(baoding, first)).status).to.equal(200);
    expect((await recommend(baoding, second)).status).to.equal(200);
    const unchanged = await writtenState(app);
    const refused = await recommend(baoding, third);
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal("quota_full");
    expect(refused.body.error.message).to.include("2");
    await expectNothingWritten(app, unchanged);
    const tangshanOwn = await submitIn(contest.id, { city: "唐山" });
    expect((await recommend(tangshan, tangshanOwn)).body.error.code).to.equal("quota_full");
  });

  it("a quota for a place that is not one of the province's recommending units is refused", async () => {
    const res = await request(app.server)
      .post("/api/v1/contests")
      .set("Authorization", `Bearer ${(await createActor(app, "organizer")).token}`)
      .send({
        kind: "video",
        title: "配额",
        opensAt: "2026-01-01T00:00:00Z",
        closesAt: "2027-01-01T00:00:00Z",
        rules: { recommendationQuotas: { 北京: 3 } },
      });
    expect(res.status).to.equal(400);
  });
});
