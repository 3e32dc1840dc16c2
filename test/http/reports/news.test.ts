import { expect } from "chai";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import request from "supertest";
import { newId } from "../../../src/lib/ids.js";
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
import { testMedia, type TestMedia } from "../../helpers/media.js";
import { gpsTags, jpegNamingAuthor, scratchDir, tagsNaming, videoNamingAuthor } from "../../helpers/metadata.js";
import { pageSession } from "../../helpers/pages.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

/** News reports (DESIGN §3 "News report"): one per activity, filed by its unit's reporter, due 3 Shanghai days after. */
describe("news reports", () => {
  const clock = new TestClock(new Date("2026-05-21T02:00:00.000Z"));
  let app: TestApp;
  let admin: string;
  let media: TestMedia;
  let scratch: string;
  let weekId: string;
  let reporter: Actor;
  let other: Actor;
  let coordinator: Actor;

  /** An activity of the week for the unit (the import is another part's; its row is what matters here). */
  async function activity(unitId: string, city: string, title: string, endsAt: string): Promise<string> {
    const id = newId();
    const now = clock.now().toISOString();
    await app.db("activities").insert({
      id,
      week_id: weekId,
      unit_id: unitId,
      city,
      title,
      theme: "科普行动",
      form: "现场活动",
      starts_at: new Date(Date.parse(endsAt) - 3_600_000).toISOString(),
      ends_at: endsAt,
      place: "科技馆",
      import_key: `${unitId}|${title}`,
      created_at: now,
      updated_at: now,
    });
    return id;
  }

  const file = (actor: Actor, activityId: string, method: "post" | "put" = "post") =>
    request(app.server)[method](`/api/v1/activities/${activityId}/news`).set("Authorization", `Bearer ${actor.token}`);

  const storedPath = async (fileId: string) =>
    app.ctx.storage.pathOf(String((await app.db("report_files").where({ id: fileId }).first()).storage_key));

  before(async () => {
    app = await startTestApp({ clock });
    admin = await tokenFor(app, ADMIN.email, ADMIN.password);
    media = await testMedia();
    scratch = scratchDir();
    const week = await as(app, admin).post("/api/v1/report-weeks", {
      title: "2026 科技活动周",
      summaryDueAt: "2026-05-30T15:59:59Z",
    });
    weekId = week.body.week.id;
    reporter = await createActor(app, "reporter", { city: "保定", unit: "保定市科学技术馆" });
    other = await createActor(app, "reporter", { city: "保定", unit: "河北大学" });
    coordinator = await createActor(app, "coordinator", { city: "保定", unit: "保定市科技局" });
  });
  after(() => app.close());

  it("filed on time with text, stripped images and a stripped video: 201 {news: {id, late, dueAt}}; read back by role", async () => {
    const id = await activity(reporter.user.unitId!, "保定", "科普进社区", "2026-05-20T10:00:00.000Z");
    const photo = await jpegNamingAuthor(scratch);
    expect(await tagsNaming(photo)).to.have.length.above(0);
    const clip = await videoNamingAuthor(media.hd720, scratch);
    expect(await tagsNaming(clip)).to.have.length.above(0);
    const res = await file(reporter, id)
      .field("text", "  保定市科学技术馆走进社区，开展科普讲座。 ")
      .attach("images", photo, "现场.jpg")
      .attach("images", media.coverPng, "合影.png")
      .attach("video", clip, "现场.mp4");
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.news).to.deep.equal({ id: res.body.news.id, late: false, dueAt: "2026-05-23T15:59:59.999Z" });

    const read = await as(app, reporter.token).get(`/api/v1/activities/${id}/news`);
    expect(read.status).to.equal(200);
    expect(read.body.news).to.include({ text: "保定市科学技术馆走进社区，开展科普讲座。", late: false });
    expect(read.body.news.images.map((i: { contentType: string }) => i.contentType)).to.deep.equal(["jpeg", "png"]);
    // Stored as the role `image`, which the public pages and the export count (the form's field is `images`).
    expect(read.body.news.images.map((i: { role: string }) => i.role)).to.deep.equal(["image", "image"]);
    expect(read.body.news.video).to.include({ contentType: "mp4" });
    expect(read.body.news.video.durationSeconds).to.be.closeTo(125, 1);

    // The stored photo has lost its author, unit and GPS tags, and is still the same kind of picture.
    const jpeg = read.body.news.images[0];
    expect(await tagsNaming(await storedPath(jpeg.id))).to.deep.equal([]);
    expect(await gpsTags(await storedPath(jpeg.id))).to.deep.equal([]);
    expect(await tagsNaming(await storedPath(read.body.news.video.id))).to.deep.equal([]);
    const served = await as(app, coordinator.token).get(jpeg.url);
    expect(served.status).to.equal(200);
    expect(served.headers["content-type"]).to.equal("image/jpeg");
    expect(served.headers["content-disposition"] ?? "").not.to.include("现场");
    // Another unit's reporter is not told the file exists; the city's coordinator and the organizer read the report.
    expect((await as(app, other.token).get(jpeg.url)).status).to.equal(404);
    expect((await as(app, other.token).get(`/api/v1/activities/${id}/news`)).status).to.equal(403);
    expect((await as(app, coordinator.token).get(`/api/v1/activities/${id}/news`)).status).to.equal(200);
    expect((await as(app, admin).get(`/api/v1/activities/${id}/news`)).status).to.equal(200);
  });

  it("due by the end of the third Shanghai day: 23:59 and 00:00 endings differ by a day, late is marked", async () => {
    const lastMinute = await activity(reporter.user.unitId!, "保定", "夜观星空", "2026-05-20T15:59:00.000Z");
    const firstMinute = await activity(reporter.user.unitId!, "保定", "午夜实验", "2026-05-20T16:00:00.000Z");
    // 00:00:30 on 24 May in Shanghai: just past the first deadline, well inside the second.
    clock.set("2026-05-23T16:00:30.000Z");
    const late = await file(reporter, lastMinute).field("text", "迟报的新闻稿");
    expect(late.status, JSON.stringify(late.body)).to.equal(201);
    expect(late.body.news).to.include({ late: true, dueAt: "2026-05-23T15:59:59.999Z" });
    const onTime = await file(reporter, firstMinute).field("text", "按时的新闻稿");
    expect(onTime.body.news).to.include({ late: false, dueAt: "2026-05-24T15:59:59.999Z" });
    const rows = await app.db("news_reports").whereIn("activity_id", [lastMinute, firstMinute]).orderBy("due_at");
    expect(rows.map((r) => [r.filed_at, Boolean(r.late)])).to.deep.equal([
      ["2026-05-23T16:00:30.000Z", true],
      ["2026-05-23T16:00:30.000Z", false],
    ]);
    clock.set("2026-05-21T02:00:00.000Z");
  });

  it("refuses, writing nothing: a non-image named .jpg, a tenth image, a 6-minute video, empty text", async () => {
    const id = await activity(reporter.user.unitId!, "保定", "科普展览", "2026-05-20T10:00:00.000Z");
    const fakeJpeg = path.join(scratch, "照片.jpg");
    writeFileSync(fakeJpeg, "这不是图片，只是文字。\n".repeat(40));
    const cases: [string, (r: request.Test) => request.Test, number, string][] = [
      ["text named .jpg", (r) => r.field("text", "稿").attach("images", fakeJpeg), 400, "file_type_not_allowed"],
      [
        "ten images",
        (r) => {
          r.field("text", "稿");
          for (let i = 0; i < 10; i += 1) r.attach("images", media.coverJpeg, `${i}.jpg`);
          return r;
        },
        400,
        "too_many_files",
      ],
      ["6-minute video", (r) => r.field("text", "稿").attach("video", media.sixMinutes), 400, "video_too_long"],
      ["blank text", (r) => r.field("text", "   ").attach("images", media.coverJpeg), 400, "validation_failed"],
    ];
    for (const [what, send, status, code] of cases) {
      const before = await writtenState(app);
      const res = await send(file(reporter, id));
      expect(res.status, `${what}: ${JSON.stringify(res.body)}`).to.equal(status);
      expect(res.body.error.code, what).to.equal(code);
      await expectNothingWritten(app, before, what);
    }
    // The reason names the limit, in the reader's language.
    const tooLong = await file(reporter, id)
      .set("Accept-Language", "en")
      .field("text", "稿")
      .attach("video", media.sixMinutes);
    expect(tooLong.body.error.message).to.include("300");
  });

  it("another unit's activity → 403, a second report → 409 news_exists; nothing written", async () => {
    const theirs = await activity(other.user.unitId!, "保定", "河大开放日", "2026-05-20T10:00:00.000Z");
    const judge = await createActor(app, "judge");
    let before = await writtenState(app);
    const refused = await file(reporter, theirs).field("text", "冒名报送").attach("images", media.coverJpeg);
    expect(refused.status).to.equal(403);
    expect(refused.body.error.code).to.equal("forbidden");
    await expectNothingWritten(app, before, "another unit's activity");
    // Anonymous → 401; the city's coordinator and a judge → 403: reporting is the unit's.
    expect((await request(app.server).post(`/api/v1/activities/${theirs}/news`).field("text", "x")).status).to.equal(
      401,
    );
    expect((await file(coordinator, theirs).field("text", "x")).status).to.equal(403);
    expect((await as(app, judge.token).get(`/api/v1/activities/${theirs}/news`)).status).to.equal(403);
    await expectNothingWritten(app, before, "other roles");
    // The organizer files nothing himself either.
    expect(
      (
        await request(app.server)
          .post(`/api/v1/activities/${theirs}/news`)
          .set("Authorization", `Bearer ${admin}`)
          .field("text", "x")
      ).status,
    ).to.equal(403);

    expect((await file(other, theirs).field("text", "第一次")).status).to.equal(201);
    before = await writtenState(app);
    const again = await file(other, theirs).field("text", "第二次").attach("images", media.coverJpeg);
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal("news_exists");
    await expectNothingWritten(app, before, "a second report");
  });

  it("the reasons, in zh-CN by default and English on request: an image that is not one, another unit's activity, an empty edit; nothing written", async () => {
    const mine = await activity(reporter.user.unitId!, "保定", "科普讲座", "2026-05-20T10:00:00.000Z");
    const theirs = await activity(other.user.unitId!, "保定", "河大科普讲座", "2026-05-20T10:00:00.000Z");
    const fakePng = path.join(scratch, "海报.png");
    writeFileSync(fakePng, "这不是图片。\n".repeat(40));
    const before = await writtenState(app);
    const notImage = await file(reporter, mine).field("text", "稿").attach("images", fakePng);
    expect(notImage.status).to.equal(400);
    expect(notImage.body.error.message).to.include("图片文件类型不符合要求").and.include("jpeg/png/webp");
    const notImageEn = await file(reporter, mine)
      .set("Accept-Language", "en")
      .field("text", "稿")
      .attach("images", fakePng);
    expect(notImageEn.body.error.message).to.include("wrong type").and.include("jpeg/png/webp");
    const foreign = await file(reporter, theirs).field("text", "冒名").attach("images", media.coverJpeg);
    expect(foreign.status).to.equal(403);
    expect(foreign.body.error.message).to.equal("您只能为本单位的活动报送");
    const foreignEn = await file(reporter, theirs).set("Accept-Language", "en").field("text", "冒名");
    expect(foreignEn.body.error.message).to.equal("You may only report for your own unit's activities");
    await expectNothingWritten(app, before, "refused filings");

    expect((await file(reporter, mine).field("text", "初稿")).status).to.equal(201);
    const filed = await writtenState(app);
    // No text and no file (here a body sent as text/plain, which is not read): nothing to change, not a silent touch.
    const empty = await file(reporter, mine, "put").set("Content-Type", "text/plain").send('{"text":"改稿"}');
    expect(empty.status).to.equal(400);
    expect(empty.body.error).to.include({ code: "validation_failed", message: "没有需要修改的内容" });
    const emptyEn = await file(reporter, mine, "put").set("Accept-Language", "en").send({});
    expect(emptyEn.body.error.message).to.equal("Nothing to change");
    await expectNothingWritten(app, filed, "empty edits");
  });

  it("PUT edits text and replaces images until the city's package is submitted; then 409 package_submitted", async () => {
    const id = await activity(other.user.unitId!, "保定", "科学实验秀", "2026-05-20T10:00:00.000Z");
    const first = await file(other, id)
      .field("text", "初稿")
      .attach("images", media.coverJpeg)
      .attach("images", media.coverPng);
    expect(first.status).to.equal(201);
    const oldFiles = await app.db("report_files").where({ owner_id: first.body.news.id });
    const edited = await file(other, id, "put").field("text", "改稿").attach("images", media.coverPng, "新图.png");
    expect(edited.status, JSON.stringify(edited.body)).to.equal(200);
    expect(edited.body.news).to.include({ text: "改稿", late: false });
    expect(edited.body.news.images.map((i: { contentType: string }) => i.contentType)).to.deep.equal(["png"]);
    // The replaced images are gone from storage with their rows.
    const old = oldFiles.map((f) => app.ctx.storage.pathOf(String(f.storage_key)));
    expect(old.filter((p) => existsSync(p))).to.deep.equal([]);
    // A JSON edit of the text alone keeps the files.
    const textOnly = await as(app, other.token).put(`/api/v1/activities/${id}/news`, { text: "三稿" });
    expect(textOnly.body.news.images).to.have.length(1);

    await app.db("city_packages").insert({
      id: newId(),
      week_id: weekId,
      city: "保定",
      submitted_at: clock.now().toISOString(),
      submitted_by: coordinator.user.id,
    });
    const before = await writtenState(app);
    const locked = await file(other, id, "put").field("text", "封存后再改").attach("images", media.coverJpeg);
    expect(locked.status).to.equal(409);
    expect(locked.body.error.code).to.equal("package_submitted");
    const lockedNew = await activity(other.user.unitId!, "保定", "封存后的活动", "2026-05-20T10:00:00.000Z");
    expect((await file(other, lockedNew).field("text", "新稿")).body.error.code).to.equal("package_submitted");
    await app.db("activities").where({ id: lockedNew }).delete();
    await expectNothingWritten(app, before, "an edit after the package");
    await app.db("city_packages").where({ week_id: weekId, city: "保定" }).delete();
  });

  it("the reporter's page lists his unit's activities with due dates and the four statuses; the form files a report", async () => {
    const mine = await createActor(app, "reporter", { city: "唐山", unit: "唐山市科协" });
    const pending = await activity(mine.user.unitId!, "唐山", "待报活动", "2026-05-20T10:00:00.000Z");
    const overdue = await activity(mine.user.unitId!, "唐山", "逾期活动", "2026-05-10T10:00:00.000Z");
    const onTime = await activity(mine.user.unitId!, "唐山", "按时活动", "2026-05-20T10:00:00.000Z");
    const late = await activity(mine.user.unitId!, "唐山", "迟报活动", "2026-05-12T10:00:00.000Z");
    expect((await file(mine, onTime).field("text", "按时")).status).to.equal(201);
    expect((await file(mine, late).field("text", "迟报")).status).to.equal(201);
    const page = await pageSession(app, mine.email, mine.password);
    const list = await page.get("/reports/mine").set("Accept", "text/html");
    expect(list.status).to.equal(200);
    const status = (activityId: string) =>
      new RegExp(`data-activity="${activityId}"[\\s\\S]*?data-testid="news-status"[^>]*>([^<]+)<`).exec(list.text)?.[1];
    expect([pending, onTime, late, overdue].map(status)).to.deep.equal(["待报送", "已报送", "逾期报送", "逾期未报"]);
    expect(list.text).to.include("2026年05月23日 23:59");

    // The form without script: multipart with the token in the action, then back to the list.
    const form = await page.get(`/reports/mine/${pending}`).set("Accept", "text/html");
    expect(form.status).to.equal(200);
    const action = /action="([^"]+)"/.exec(form.text.slice(form.text.indexOf('data-testid="news-form"') - 400))![1];
    const sent = await page
      .post(action.replace(/&amp;/g, "&"))
      .set("Accept", "text/html")
      .field("text", "网页报送")
      .attach("images", media.coverJpeg);
    expect(sent.status, sent.text.slice(0, 300)).to.equal(303);
    expect((await as(app, mine.token).get(`/api/v1/activities/${pending}/news`)).body.news.text).to.equal("网页报送");
    // An activity that is not there has no page.
    expect((await page.get(`/reports/mine/${newId()}`).set("Accept", "text/html")).status).to.equal(404);
  });
});
