import { expect } from "chai";
import request from "supertest";
import { createActor, startTestApp, type Actor, type TestApp } from "../../helpers/app.js";
import { openContest, submit, videoSubmission } from "../../helpers/entries.js";
import { testMedia, type TestMedia } from "../../helpers/media.js";
import { streamUpload } from "../../helpers/stream-upload.js";
import * as migration from "../../../migrations/20261201133000_entries-per-contestant.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

describe("entries per contestant, a contest rule (Trust item 6: unlimited 500 MB entries)", () => {
  let app: TestApp;
  let media: TestMedia;
  let contestId: string;
  let admin: string;
  let contestant: Actor;
  const entryIds: string[] = [];

  const entryBy = (author: string) =>
    videoSubmission(media, { fields: { authors: JSON.stringify([{ name: author }]), unit: `${author}的学校` } });

  before(async function () {
    this.timeout(120_000);
    media = await testMedia();
    app = await startTestApp();
    ({ id: contestId, admin } = await openContest(app, {
      opensAt: "2026-01-01T00:00:00Z",
      rules: { maxEntriesPerContestant: 2, maxEntriesPerAuthor: null },
    }));
    contestant = await createActor(app, "contestant", { city: "保定" });
  });
  after(() => app.close());

  it("a new contest allows 30 entries per contestant unless its rules say otherwise", async () => {
    const { id } = await openContest(app, { opensAt: "2026-01-01T00:00:00Z" });
    const res = await request(app.server).get(`/api/v1/contests/${id}`).set("Authorization", `Bearer ${admin}`);
    expect(res.body.contest.rules.maxEntriesPerContestant).to.equal(30);
  });

  it("a contestant submits up to the contest's limit", async () => {
    for (const author of ["甲", "乙"]) {
      const res = await submit(app, contestId, contestant.token, entryBy(author));
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      entryIds.push(res.body.entry.id as string);
    }
  });

  it("one more is refused with 409 entry_limit before its 50 MB body is read; nothing written", async function () {
    this.timeout(60_000);
    const before = await writtenState(app);
    const res = await streamUpload(app, {
      path: `/api/v1/contests/${contestId}/entries`,
      headers: { Authorization: `Bearer ${contestant.token}` },
      fields: { title: "第三件", category: "科学防控", authors: JSON.stringify([{ name: "丙" }]), declaration: "true" },
      file: { role: "video", name: "v.mp4", bytes: 50 * 1024 * 1024 },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(409);
    expect(res.body.error).to.include({
      code: "entry_limit",
      message: "每个账号在本赛事最多提交 2 件作品（已撤回的也计入）",
    });
    expect(res.sentWhenAnswered).to.be.below(res.total / 2);
    await expectNothingWritten(app, before);
  });

  it("withdrawing does not free a place (the withdrawn entry's files are kept); the refusal reads in English on request", async () => {
    const withdrawn = await request(app.server)
      .delete(`/api/v1/entries/${entryIds[0]}`)
      .set("Authorization", `Bearer ${contestant.token}`);
    expect(withdrawn.status).to.equal(200);
    const before = await writtenState(app);
    const res = await submit(app, contestId, contestant.token, entryBy("丁")).set("Accept-Language", "en");
    expect(res.status).to.equal(409);
    expect(res.body.error.message).to.equal(
      "One account may submit at most 2 entries to this contest (withdrawn ones included)",
    );
    await expectNothingWritten(app, before);
  });

  it("another contestant is not affected", async () => {
    const other = await createActor(app, "contestant", { city: "保定" });
    const res = await submit(app, contestId, other.token, entryBy("戊"));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
  });

  it("contests stored before the rule existed get the default from the migration (and lose it again on down)", async () => {
    const rulesOf = async () =>
      (await app.db<{ rules: string }>("contests").select("rules")).map(
        (r) => (JSON.parse(r.rules) as Record<string, unknown>).maxEntriesPerContestant,
      );
    await migration.down(app.db);
    expect(new Set(await rulesOf())).to.deep.equal(new Set([undefined]));
    await migration.up(app.db);
    expect(new Set(await rulesOf())).to.deep.equal(new Set([30]));
  });
});
