import { expect } from "chai";
import request from "supertest";
import { createActor, startTestApp, TestClock, type Actor, type TestApp } from "../../helpers/app.js";
import { judgedContest, type JudgedContest } from "../../helpers/judged.js";
import { streamUpload } from "../../helpers/stream-upload.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

const MB = 1024 * 1024;
// Larger than what the error handler drains to answer politely (16 MB): a refusal then closes the connection.
const rubric = { criteria: [{ key: "science", label: "科学性", max: 50, step: 1 }] };

describe("objections: stage and limits before the evidence is read, per-person limit, evidence size (Trust item 6)", () => {
  const clock = new TestClock(new Date("2026-12-01T02:00:00Z"));
  let app: TestApp;
  let c: JudgedContest;
  let citizen: Actor;
  let other: Actor;

  const post = (token: string, body: object) =>
    request(app.server)
      .post(`/api/v1/contests/${c.contestId}/objections`)
      .set("Authorization", `Bearer ${token}`)
      .send(body);
  /** An objection with a large evidence file, the text fields first. */
  const withEvidence = (token: string, bytes: number, headers: Record<string, string> = {}) =>
    streamUpload(app, {
      path: `/api/v1/contests/${c.contestId}/objections`,
      headers: { Authorization: `Bearer ${token}`, ...headers },
      fields: { entryId: c.entries[0].id, text: "评分与作品质量明显不符。" },
      file: { role: "evidence", name: "证据.pdf", bytes },
    });

  before(async function () {
    this.timeout(120_000);
    app = await startTestApp({
      clock,
      env: { OBJECTIONS_PER_USER_PER_CONTEST: "2", OBJECTION_EVIDENCE_MAX_MB: "1" },
    });
    c = await judgedContest(app, {
      contest: { rubric, opensAt: "2026-01-01T00:00:00Z", closesAt: "2099-01-01T00:00:00Z" },
      sheets: [[{ science: 40 }], [{ science: 30 }]],
    });
    citizen = await createActor(app, "contestant");
    other = await createActor(app, "contestant");
  });
  after(() => app.close());

  it("before the notice, an objection with 30 MB of evidence is refused with 409 before the evidence is read", async function () {
    this.timeout(60_000);
    const before = await writtenState(app);
    const res = await withEvidence(citizen.token, 30 * MB);
    expect(res.status, JSON.stringify(res.body)).to.equal(409);
    expect(res.body.error).to.include({ code: "stage_conflict", message: "不在公示期内，不能提出异议" });
    expect(res.sentWhenAnswered).to.be.below(res.total / 2);
    await expectNothingWritten(app, before);
  });

  it("during the notice, a person files up to the configured number of objections", async () => {
    const as = (path: string) => request(app.server).post(path).set("Authorization", `Bearer ${c.admin}`);
    expect((await as(`/api/v1/contests/${c.contestId}/results/compute`)).status).to.equal(200);
    expect((await as(`/api/v1/contests/${c.contestId}/stage`).send({ to: "review" })).status).to.equal(200);
    expect((await as(`/api/v1/contests/${c.contestId}/stage`).send({ to: "notice" })).status).to.equal(200);
    for (const text of ["第一项异议内容。", "第二项异议内容。"]) {
      const res = await post(citizen.token, { entryId: c.entries[0].id, text });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
    }
  });

  it("one more is refused with 409 objection_limit, before its 30 MB evidence is read; nothing written", async function () {
    this.timeout(60_000);
    const before = await writtenState(app);
    const res = await withEvidence(citizen.token, 30 * MB);
    expect(res.status, JSON.stringify(res.body)).to.equal(409);
    expect(res.body.error).to.include({ code: "objection_limit", message: "每人在本赛事最多提出 2 项异议" });
    expect(res.sentWhenAnswered).to.be.below(res.total / 2);
    const json = await post(citizen.token, { entryId: c.entries[1].id, text: "第三项异议内容。" }).set(
      "Accept-Language",
      "en",
    );
    expect(json.status).to.equal(409);
    expect(json.body.error.message).to.equal("One person may file at most 2 objections in this contest");
    await expectNothingWritten(app, before);
  });

  it("the limit is per person: someone else may still object", async () => {
    const res = await post(other.token, { entryId: c.entries[1].id, text: "另一个人的异议。" });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
  });

  it("evidence over OBJECTION_EVIDENCE_MAX_MB is refused with 413 while it streams; nothing written", async function () {
    this.timeout(60_000);
    const before = await writtenState(app);
    const res = await withEvidence(other.token, 2 * MB);
    expect(res.status, JSON.stringify(res.body)).to.equal(413);
    expect(res.body.error!.code).to.equal("file_too_large");
    await expectNothingWritten(app, before);
  });

  it("an anonymous objection is refused with 401 before its evidence is read", async function () {
    this.timeout(60_000);
    const before = await writtenState(app);
    const res = await streamUpload(app, {
      path: `/api/v1/contests/${c.contestId}/objections`,
      headers: {},
      fields: { entryId: c.entries[0].id, text: "匿名异议。" },
      file: { role: "evidence", name: "e.pdf", bytes: 30 * MB },
    });
    expect(res.status).to.equal(401);
    expect(res.sentWhenAnswered).to.be.below(res.total / 2);
    await expectNothingWritten(app, before);
  });
});
