import { expect } from "chai";
import request from "supertest";
import { createActor, startTestApp, type Actor, type TestApp } from "../../helpers/app.js";
import { filesUnder, openContest, submit, videoSubmission } from "../../helpers/entries.js";
import { testMedia, type TestMedia } from "../../helpers/media.js";
import { csrfOf, pageSession } from "../../helpers/pages.js";
import { streamUpload } from "../../helpers/stream-upload.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

const MB = 1024 * 1024;
/** The video part streamed after the text fields: far more than any buffer between client and server. */
const VIDEO_BYTES = 50 * MB;

/** The fields as upload.js sends them, before the files. */
function textFields(over: Record<string, string> = {}): Record<string, string> {
  return {
    title: "又一件作品",
    category: "科学防控",
    city: "保定",
    unit: "保定市第一中学",
    authors: JSON.stringify([{ name: "李明" }]),
    declaration: "true",
    ...over,
  };
}

describe("refusals decided by the text fields come before the file is read (Trust item 7)", () => {
  let app: TestApp;
  let media: TestMedia;
  let contestId: string;
  let contestant: Actor;
  let admin: string;
  let firstEntryId: string;

  before(async function () {
    this.timeout(120_000);
    media = await testMedia();
    app = await startTestApp();
    ({ id: contestId, admin } = await openContest(app, {
      opensAt: "2026-01-01T00:00:00Z",
      rules: { maxEntriesPerAuthor: 1, maxEntriesPerUnit: 2 },
    }));
    contestant = await createActor(app, "contestant", { city: "保定" });
    const first = await submit(
      app,
      contestId,
      contestant.token,
      videoSubmission(media, { fields: { authors: JSON.stringify([{ name: "李明" }]), unit: "保定市第一中学" } }),
    );
    expect(first.status, JSON.stringify(first.body)).to.equal(201);
    firstEntryId = first.body.entry.id as string;
  });
  after(() => app.close());

  const api = (token: string, fields: Record<string, string>) =>
    streamUpload(app, {
      path: `/api/v1/contests/${contestId}/entries`,
      headers: { Authorization: `Bearer ${token}` },
      fields,
      file: { role: "video", name: "大文件.mp4", bytes: VIDEO_BYTES },
    });

  it("a first author at the per-author limit is refused with 409 while the 50 MB video is still being sent; no file, no row", async function () {
    this.timeout(60_000);
    const before = await writtenState(app);
    const res = await api(contestant.token, textFields());
    expect(res.status, JSON.stringify(res.body)).to.equal(409);
    expect(res.body.error).to.include({ code: "entry_limit", message: "每位第一作者在本赛事最多提交 1 件作品" });
    // Answered with most of the video unsent: the server did not wait for (or read) the file.
    expect(res.sentWhenAnswered).to.be.below(res.total / 2);
    await expectNothingWritten(app, before);
    expect(filesUnder(app.ctx.config.uploadDir).filter((f) => f.startsWith(".incoming"))).to.deep.equal([]);
  });

  it("the same author's name written with other spacing and width is the same author, refused as early", async function () {
    this.timeout(60_000);
    const before = await writtenState(app);
    const res = await api(contestant.token, textFields({ authors: JSON.stringify([{ name: " 李 明 " }]) }));
    expect(res.status).to.equal(409);
    expect(res.sentWhenAnswered).to.be.below(res.total / 2);
    await expectNothingWritten(app, before);
  });

  it("invalid text fields (an unknown city) are refused before the file, in English on request", async function () {
    this.timeout(60_000);
    const before = await writtenState(app);
    const res = await streamUpload(app, {
      path: `/api/v1/contests/${contestId}/entries`,
      headers: { Authorization: `Bearer ${contestant.token}`, "Accept-Language": "en" },
      fields: textFields({ authors: JSON.stringify([{ name: "张新" }]), city: "火星" }),
      file: { role: "video", name: "v.mp4", bytes: VIDEO_BYTES },
    });
    expect(res.status).to.equal(400);
    expect(res.body.error).to.include({ code: "validation_failed" });
    expect(res.body.error!.message).to.include("Unknown city");
    expect(res.sentWhenAnswered).to.be.below(res.total / 2);
    await expectNothingWritten(app, before);
  });

  it("allowed text fields let the file through: the same request is read to its end (what the measure compares with)", async function () {
    this.timeout(60_000);
    const before = await writtenState(app);
    // A new author within every limit; the zero-filled "video" is refused only once read (it is no MP4).
    const res = await api(
      contestant.token,
      textFields({ authors: JSON.stringify([{ name: "王新" }]), unit: "别的单位" }),
    );
    expect(res.status).to.be.within(400, 499);
    expect(res.body.error!.code).to.not.equal("entry_limit");
    expect(res.sentWhenAnswered).to.equal(res.total);
    await expectNothingWritten(app, before);
  });

  it("a client that sends the files first is still refused, after the upload, and nothing is kept", async () => {
    const before = await writtenState(app);
    const res = await request(app.server)
      .post(`/api/v1/contests/${contestId}/entries`)
      .set("Authorization", `Bearer ${contestant.token}`)
      .attach("video", media.valid1080)
      .attach("form", media.formPdf)
      .field(textFields());
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal("entry_limit");
    await expectNothingWritten(app, before);
  });

  it("the page's upload (upload.js: fields first, JSON answer) is refused before the file too", async function () {
    this.timeout(60_000);
    const agent = await pageSession(app, contestant.email, contestant.password);
    const form = await agent.get(`/contests/${contestId}/submit`).set("Accept", "text/html");
    expect(form.status).to.equal(200);
    const cookie = (form.request as unknown as { cookies?: string }).cookies;
    const action = /action="([^"]+)"/.exec(form.text.slice(form.text.indexOf("data-upload")))?.[1] ?? "";
    expect(action).to.include(`/contests/${contestId}/entries`);
    const before = await writtenState(app);
    const res = await streamUpload(app, {
      path: action.replace(/&amp;/g, "&"),
      headers: {
        Accept: "application/json",
        "X-CSRF-Token": csrfOf(form.text),
        ...(cookie ? { Cookie: cookie } : {}),
      },
      fields: { ...textFields(), authors: JSON.stringify([{ name: "李明" }]) },
      file: { role: "video", name: "v.mp4", bytes: VIDEO_BYTES },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(409);
    expect(res.body.error!.code).to.equal("entry_limit");
    expect(res.sentWhenAnswered).to.be.below(res.total / 2);
    await expectNothingWritten(app, before);
  });

  it("the page's check (upload.js asks it with the text fields before sending files) answers the refusal at once", async () => {
    const agent = await pageSession(app, contestant.email, contestant.password);
    const form = await agent.get(`/contests/${contestId}/submit`).set("Accept", "text/html");
    expect(form.text).to.include(`data-check="/contests/${contestId}/entries/check"`);
    const check = (fields: Record<string, string>, lang = "zh-CN") =>
      agent
        .post(`/contests/${contestId}/entries/check`)
        .type("form")
        .set("Accept", "application/json")
        .set("Accept-Language", lang)
        .set("X-CSRF-Token", csrfOf(form.text))
        .send(fields);
    const before = await writtenState(app);
    const refused = await check(textFields());
    expect(refused.status).to.equal(409);
    expect(refused.body.error).to.include({ code: "entry_limit", message: "每位第一作者在本赛事最多提交 1 件作品" });
    const english = await check(textFields(), "en");
    expect(english.body.error.message).to.equal("A first author may submit at most 1 entries to this contest");
    const allowed = await check(textFields({ authors: JSON.stringify([{ name: "赵新" }]), unit: "另一所学校" }));
    expect(allowed.status, JSON.stringify(allowed.body)).to.equal(204);
    await expectNothingWritten(app, before);
  });

  it("the page's check without the CSRF token is refused with 403", async () => {
    const agent = await pageSession(app, contestant.email, contestant.password);
    const res = await agent
      .post(`/contests/${contestId}/entries/check`)
      .type("form")
      .set("Accept", "application/json")
      .send(textFields());
    expect(res.status).to.equal(403);
  });

  it("after closing, the owner's edit with a 50 MB video is refused with 409 before the video is read", async function () {
    this.timeout(60_000);
    const closed = await request(app.server)
      .post(`/api/v1/contests/${contestId}/stage`)
      .set("Authorization", `Bearer ${admin}`)
      .send({ to: "closed" });
    expect(closed.status).to.equal(200);
    const before = await writtenState(app);
    const res = await streamUpload(app, {
      method: "PATCH",
      path: `/api/v1/entries/${firstEntryId}`,
      headers: { Authorization: `Bearer ${contestant.token}` },
      fields: { title: "改个标题" },
      file: { role: "video", name: "v.mp4", bytes: VIDEO_BYTES },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(409);
    expect(res.body.error!.code).to.equal("submissions_closed");
    expect(res.sentWhenAnswered).to.be.below(res.total / 2);
    await expectNothingWritten(app, before);
  });
});
