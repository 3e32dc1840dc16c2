import { expect } from "chai";
import { writeFileSync } from "node:fs";
import path from "node:path";
import request from "supertest";
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
import { docxNamingAuthor, scratchDir } from "../../helpers/metadata.js";
import { csrfOf, pageSession } from "../../helpers/pages.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

/** Unit summaries (DESIGN §3 "Unit summary"): a document and a video of at most 3 minutes, due by the week's deadline. */
describe("unit summaries", () => {
  const DUE = "2026-09-10T15:59:59.000Z";
  const clock = new TestClock(new Date("2026-09-08T02:00:00.000Z"));
  let app: TestApp;
  let admin: string;
  let media: TestMedia;
  let scratch: string;
  let reporter: Actor;
  let lateReporter: Actor;
  let otherReporter: Actor;

  const summary = (actor: Actor, unitId: string, method: "post" | "put" = "post") =>
    request(app.server)[method](`/api/v1/units/${unitId}/summary`).set("Authorization", `Bearer ${actor.token}`);
  const unitOf = (actor: Actor) => actor.user.unitId!;

  /** Sends the request and asserts it was refused with this status and code, having written nothing. */
  async function refused(req: request.Test, status: number, code: string): Promise<request.Response> {
    const before = await writtenState(app);
    const res = await req;
    expect(res.status, JSON.stringify(res.body)).to.equal(status);
    expect(res.body.error.code).to.equal(code);
    await expectNothingWritten(app, before, code);
    return res;
  }

  before(async () => {
    media = await testMedia();
    scratch = scratchDir();
    app = await startTestApp({ clock });
    admin = await tokenFor(app, ADMIN.email, ADMIN.password);
    reporter = await createActor(app, "reporter", { unit: "河北大学", city: "保定" });
    lateReporter = await createActor(app, "reporter", { unit: "保定学院", city: "保定" });
    otherReporter = await createActor(app, "reporter", { unit: "唐山学院", city: "唐山" });
    await as(app, admin).post("/api/v1/report-weeks", { title: "2026 科技活动周", summaryDueAt: DUE });
  });
  after(() => app.close());

  it("the unit's reporter files a PDF and a 2-minute video before the deadline → 201 on time; a second → 409", async () => {
    const res = await summary(reporter, unitOf(reporter))
      .attach("document", media.formPdf, "总结.pdf")
      .attach("video", media.valid1080, "总结视频.mp4");
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.summary).to.deep.equal({ id: res.body.summary.id, late: false, dueAt: DUE });
    const files = await app.db("report_files").where({ owner_type: "summary", owner_id: res.body.summary.id });
    expect(files.map((f: { role: string }) => f.role).sort()).to.deep.equal(["document", "video"]);

    const read = await as(app, admin).get(`/api/v1/units/${unitOf(reporter)}/summary`);
    expect(read.body.summary).to.include({ late: false, filedAt: clock.now().toISOString() });
    expect(read.body.summary.document).to.include({ contentType: "pdf" });
    expect(read.body.summary.video.durationSeconds).to.be.within(124, 126);
    const status = await as(app, admin).get(`/api/v1/report-status?city=${encodeURIComponent("保定")}`);
    const unit = status.body.units.find((u: { unitId: string }) => u.unitId === unitOf(reporter));
    expect(unit.summary).to.equal("onTime");

    await refused(
      summary(reporter, unitOf(reporter))
        .attach("document", media.formPdf, "总结.pdf")
        .attach("video", media.valid1080, "v.mp4"),
      409,
      "summary_exists",
    );
  });

  it("a 4-minute video → 400 with the reason; a text file named .docx → 400; a missing video → 400; nothing written", async () => {
    const fourMinutes = await refused(
      summary(lateReporter, unitOf(lateReporter))
        .set("Accept-Language", "en")
        .attach("document", media.formPdf, "总结.pdf")
        .attach("video", media.fourMinutes, "总结视频.mp4"),
      400,
      "video_too_long",
    );
    expect(fourMinutes.body.error.message).to.equal("Video: 240 s long, over the limit of 180 s");
    const zh = await refused(
      summary(lateReporter, unitOf(lateReporter))
        .attach("document", media.formPdf, "总结.pdf")
        .attach("video", media.fourMinutes, "总结视频.mp4"),
      400,
      "video_too_long",
    );
    expect(zh.body.error.message).to.equal("视频时长 240 秒，超过上限 180 秒");
    const fake = path.join(scratch, "总结.docx");
    writeFileSync(fake, "这是一段文字，不是 Word 文档。\n".repeat(20));
    await refused(
      summary(lateReporter, unitOf(lateReporter))
        .attach("document", fake, "总结.docx")
        .attach("video", media.valid1080, "v.mp4"),
      400,
      "file_type_not_allowed",
    );
    const noVideo = await refused(
      summary(lateReporter, unitOf(lateReporter)).attach("document", media.formPdf, "总结.pdf"),
      400,
      "files_missing",
    );
    expect(noVideo.body.error.details.missing).to.deep.equal(["video"]);
  });

  it("another unit's reporter → 403, a coordinator cannot file → 403; nothing written", async () => {
    await refused(
      summary(otherReporter, unitOf(lateReporter))
        .attach("document", media.formPdf, "总结.pdf")
        .attach("video", media.valid1080, "v.mp4"),
      403,
      "forbidden",
    );
    const coordinator = await createActor(app, "coordinator", { city: "保定" });
    await refused(
      summary(coordinator, unitOf(lateReporter)).attach("document", media.formPdf, "总结.pdf"),
      403,
      "forbidden",
    );
    const tangshan = await createActor(app, "coordinator", { city: "唐山" });
    expect((await as(app, tangshan.token).get(`/api/v1/units/${unitOf(reporter)}/summary`)).status).to.equal(403);
  });

  it("after the deadline a DOCX summary is accepted and marked late; edits replace files until the package locks them (409)", async () => {
    clock.set("2026-09-10T16:30:00.000Z"); // 00:30 on 9-11 in Shanghai: past the deadline
    const res = await summary(lateReporter, unitOf(lateReporter))
      .attach("document", docxNamingAuthor(scratch), "总结.docx")
      .attach("video", media.valid1080, "v.mp4");
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.summary).to.include({ late: true, dueAt: DUE });

    const edited = await summary(reporter, unitOf(reporter), "put").attach("document", media.formPdf, "新总结.pdf");
    expect(edited.status, JSON.stringify(edited.body)).to.equal(200);
    expect(edited.body.summary).to.include({ late: false });
    expect(
      await app.db("report_files").where({ owner_type: "summary", owner_id: edited.body.summary.id }),
    ).to.have.length(2);

    const pkg = await as(app, admin).post(`/api/v1/cities/${encodeURIComponent("保定")}/package`);
    expect(pkg.status).to.equal(201);
    expect(pkg.body.package).to.include({ summaries: 2 });
    await refused(
      summary(reporter, unitOf(reporter), "put").attach("document", media.formPdf, "再改.pdf"),
      409,
      "package_submitted",
    );

    // The reporter's page says so and offers no form.
    const page = await pageSession(app, reporter.email, reporter.password);
    const html = (await page.get("/reports/summary").set("Accept", "text/html")).text;
    expect(html).to.contain('data-testid="summary-locked"').and.not.contain('data-testid="summary-form"');
  });

  it("the reporter's page files the summary through its form", async () => {
    const page = await pageSession(app, otherReporter.email, otherReporter.password);
    const form = (await page.get("/reports/summary").set("Accept", "text/html")).text;
    expect(form).to.contain('data-testid="summary-form"').and.contain("唐山学院");
    const res = await page
      .post(`/reports/summary?_csrf=${csrfOf(form)}`)
      .set("Accept", "text/html")
      .attach("document", media.formPdf, "总结.pdf")
      .attach("video", media.valid1080, "v.mp4");
    expect(res.status, res.text.slice(0, 500)).to.equal(303);
    const after = (await page.get("/reports/summary").set("Accept", "text/html")).text;
    expect(after).to.contain('data-testid="summary-filed"').and.contain('data-testid="summary-files"');
  });
});
