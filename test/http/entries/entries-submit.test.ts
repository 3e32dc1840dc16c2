import { expect } from "chai";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import request from "supertest";
import { createActor, snapshot, startTestApp, type Actor, type TestApp } from "../../helpers/app.js";
import { filesUnder, openContest, submit, videoSubmission } from "../../helpers/entries.js";
import { testMedia, type TestMedia } from "../../helpers/media.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

describe("submitting entries", () => {
  let app: TestApp;
  let media: TestMedia;
  let contestId: string;
  let admin: string;
  let contestant: Actor;

  before(async function () {
    this.timeout(120_000);
    media = await testMedia();
    app = await startTestApp();
    ({ id: contestId, admin } = await openContest(app, {
      title: "科普微视频大赛",
      opensAt: "2026-01-01T00:00:00Z",
      rules: { maxEntriesPerAuthor: 10 },
    }));
    contestant = await createActor(app, "contestant", { city: "保定" });
  });
  after(() => app.close());

  it("a valid video entry gets 201 {entry} with id, code, files probed and stored under random names", async () => {
    const res = await submit(app, contestId, contestant.token, videoSubmission(media));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const entry = res.body.entry;
    expect(entry.id).to.be.a("string");
    expect(entry.code).to.match(/^SP-2026-\d{4}$/);
    expect(entry).to.include({
      contestId,
      title: "病毒是怎样传播的",
      category: "科学防控",
      status: "submitted",
      city: "保定",
      unit: "保定市科技馆",
    });
    expect(entry.authors).to.deep.equal([{ name: "李明", role: "编导" }, { name: "王芳" }]);
    const video = entry.files.find((f: { role: string }) => f.role === "video");
    expect(video).to.include({
      contentType: "mp4",
      mime: "video/mp4",
      width: 1920,
      height: 1080,
      videoCodec: "h264",
      originalName: "valid-1080p-125s.mp4",
    });
    expect(video.durationSeconds).to.be.closeTo(125, 0.5);
    expect(video.sha256).to.equal(createHash("sha256").update(readFileSync(media.valid1080)).digest("hex"));
    expect(entry.files.map((f: { role: string }) => f.role).sort()).to.deep.equal(["cover", "form", "video"]);
    expect(entry.checks).to.deep.equal([]);

    const rows = await app.db("entry_files").where({ entry_id: entry.id });
    expect(rows).to.have.length(3);
    const stored = filesUnder(app.ctx.config.uploadDir);
    for (const row of rows) {
      expect(stored).to.include(path.join(row.storage_key.slice(0, 2), row.storage_key));
      expect(row.storage_key).not.to.include("valid");
    }
    expect(stored.filter((f) => f.startsWith(".incoming"))).to.deep.equal([]);
  });

  it("codes count up per contest", async () => {
    const a = await submit(app, contestId, contestant.token, videoSubmission(media, { fields: { title: "第二件" } }));
    const b = await submit(app, contestId, contestant.token, videoSubmission(media, { fields: { title: "第三件" } }));
    const seq = (code: string) => Number(code.split("-")[2]);
    expect(seq(b.body.entry.code)).to.equal(seq(a.body.entry.code) + 1);
  });

  it("a 720p video is accepted and flagged for the format review", async () => {
    const res = await submit(
      app,
      contestId,
      contestant.token,
      videoSubmission(media, { files: { video: media.hd720 } }),
    );
    expect(res.status).to.equal(201);
    expect(res.body.entry.checks.map((c: { check: string; hard: boolean }) => [c.check, c.hard])).to.deep.equal([
      ["resolution", false],
    ]);
  });

  it("Chinese file names are kept", async () => {
    const res = await request(app.server)
      .post(`/api/v1/contests/${contestId}/entries`)
      .set("Authorization", `Bearer ${contestant.token}`)
      .field(videoSubmission(media).fields)
      .attach("video", media.valid1080, "我的视频.mp4")
      .attach("form", media.formPdf, "推荐表.pdf");
    expect(res.status).to.equal(201);
    expect(res.body.entry.files.map((f: { originalName: string }) => f.originalName).sort()).to.deep.equal([
      "我的视频.mp4",
      "推荐表.pdf",
    ]);
  });

  describe("bad input gets a 4xx with {error: {code, message}}; the database and UPLOAD_DIR stay exactly as they were", () => {
    const cases: {
      name: string;
      body: (m: TestMedia) => ReturnType<typeof videoSubmission>;
      who?: "anonymous" | "organizer";
      status: number;
      code: string;
      message?: RegExp;
    }[] = [
      {
        name: "a text file named .mp4 (spoofed type)",
        body: (m) => videoSubmission(m, { files: { video: m.textAsMp4 } }),
        status: 415,
        code: "file_type_not_allowed",
        message: /视频文件类型不符合要求/,
      },
      {
        name: "a PNG as the video",
        body: (m) => videoSubmission(m, { files: { video: m.coverPng } }),
        status: 415,
        code: "file_type_not_allowed",
      },
      {
        name: "an over-length video",
        body: (m) => videoSubmission(m, { files: { video: m.overLength } }),
        status: 400,
        code: "file_duration",
        message: /^视频时长 5分30秒，超过上限 5分钟$/,
      },
      {
        name: "an under-length video",
        body: (m) => videoSubmission(m, { files: { video: m.underLength } }),
        status: 400,
        code: "file_duration",
        message: /^视频时长 1分30秒，低于下限 2分钟$/,
      },
      {
        name: "a missing required role (the form)",
        body: (m) => videoSubmission(m, { files: { form: undefined } }),
        status: 400,
        code: "missing_files",
        message: /推荐表/,
      },
      {
        name: "a missing declaration",
        body: (m) => videoSubmission(m, { fields: { declaration: undefined } }),
        status: 400,
        code: "validation_failed",
        message: /declaration/,
      },
      {
        name: "a declaration that is false",
        body: (m) => videoSubmission(m, { fields: { declaration: "false" } }),
        status: 400,
        code: "validation_failed",
      },
      {
        name: "an unknown file field",
        body: (m) => videoSubmission(m, { files: { poster: m.coverPng } }),
        status: 400,
        code: "unknown_file_field",
        message: /poster/,
      },
      {
        name: "an unknown text field",
        body: (m) => videoSubmission(m, { fields: { prize: "first" } }),
        status: 400,
        code: "validation_failed",
        message: /prize/,
      },
      {
        name: "authors that are not JSON",
        body: (m) => videoSubmission(m, { fields: { authors: "李明, 王芳" } }),
        status: 400,
        code: "validation_failed",
        message: /authors/,
      },
      {
        name: "no authors",
        body: (m) => videoSubmission(m, { fields: { authors: "[]" } }),
        status: 400,
        code: "validation_failed",
      },
      {
        name: "an unknown city",
        body: (m) => videoSubmission(m, { fields: { city: "纽约" } }),
        status: 400,
        code: "validation_failed",
      },
      {
        name: "a PDF as the cover",
        body: (m) => videoSubmission(m, { files: { cover: m.formPdf } }),
        status: 415,
        code: "file_type_not_allowed",
      },
      {
        name: "no one logged in",
        body: (m) => videoSubmission(m),
        who: "anonymous",
        status: 401,
        code: "unauthenticated",
      },
      {
        name: "an organizer instead of a contestant",
        body: (m) => videoSubmission(m),
        who: "organizer",
        status: 403,
        code: "forbidden",
      },
    ];
    for (const c of cases) {
      it(`${c.name} → ${c.status} ${c.code}`, async () => {
        const before = await snapshot(app.db);
        const uploads = filesUnder(app.ctx.config.uploadDir);
        const token = c.who === "anonymous" ? null : c.who === "organizer" ? admin : contestant.token;
        const res = await submit(app, contestId, token, c.body(media));
        expect(res.status, JSON.stringify(res.body)).to.equal(c.status);
        expect(res.body.error.code).to.equal(c.code);
        expect(res.body.error.message).to.be.a("string").that.has.length.above(0);
        if (c.message) expect(res.body.error.message).to.match(c.message);
        expect(await snapshot(app.db)).to.deep.equal(before);
        expect(filesUnder(app.ctx.config.uploadDir)).to.deep.equal(uploads);
      });
    }

    it("an over-length video answers in English on request", async () => {
      const res = await submit(
        app,
        contestId,
        contestant.token,
        videoSubmission(media, { files: { video: media.overLength } }),
      ).set("Accept-Language", "en");
      expect(res.body.error.message).to.equal("Video runs 5 min 30 s, over the limit of 5 min");
    });

    it("a file over its size limit → 413 file_too_large, stopped while streaming", async () => {
      const small = await openContest(app, { rules: { files: { form: { maxBytes: 100 } } } });
      const before = await snapshot(app.db);
      const uploads = filesUnder(app.ctx.config.uploadDir);
      const res = await submit(app, small.id, contestant.token, videoSubmission(media));
      expect(res.status).to.equal(413);
      expect(res.body.error.code).to.equal("file_too_large");
      expect(res.body.error.message).to.equal("推荐表文件超过大小上限 100B");
      expect(await snapshot(app.db)).to.deep.equal(before);
      expect(filesUnder(app.ctx.config.uploadDir)).to.deep.equal(uploads);
    });

    it("a video over the contest's largest limit → 413 naming the video, not a generic upload error", async () => {
      const small = await openContest(app, { rules: { files: { video: { maxBytes: 10_000 } } } });
      const before = await snapshot(app.db);
      const uploads = filesUnder(app.ctx.config.uploadDir);
      const res = await submit(app, small.id, contestant.token, videoSubmission(media));
      expect(res.status, JSON.stringify(res.body)).to.equal(413);
      expect(res.body.error.code).to.equal("file_too_large");
      expect(res.body.error.details).to.include({ role: "video" });
      expect(await snapshot(app.db)).to.deep.equal(before);
      expect(filesUnder(app.ctx.config.uploadDir)).to.deep.equal(uploads);
    });

    it("an upload after closing → 409 submissions_closed", async () => {
      const closing = await openContest(app);
      await request(app.server)
        .post(`/api/v1/contests/${closing.id}/stage`)
        .set("Authorization", `Bearer ${admin}`)
        .send({ to: "closed" });
      const before = await snapshot(app.db);
      const uploads = filesUnder(app.ctx.config.uploadDir);
      const res = await submit(app, closing.id, contestant.token, videoSubmission(media));
      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal("submissions_closed");
      expect(await snapshot(app.db)).to.deep.equal(before);
      expect(filesUnder(app.ctx.config.uploadDir)).to.deep.equal(uploads);
    });

    it("an upload to an open contest whose closing time has passed → 409", async () => {
      const late = await openContest(app, { opensAt: "2026-01-01T00:00:00Z", closesAt: "2026-01-02T00:00:00Z" });
      const before = await writtenState(app);
      const res = await submit(app, late.id, contestant.token, videoSubmission(media));
      expect(res.status).to.equal(409);
      await expectNothingWritten(app, before);
    });

    it("a JSON body instead of multipart → 415", async () => {
      const before = await writtenState(app);
      const res = await request(app.server)
        .post(`/api/v1/contests/${contestId}/entries`)
        .set("Authorization", `Bearer ${contestant.token}`)
        .send(videoSubmission(media).fields);
      expect(res.status).to.equal(415);
      expect(res.body.error.code).to.equal("multipart_required");
      await expectNothingWritten(app, before);
    });

    it("a draft contest is not found", async () => {
      const res = await request(app.server)
        .post("/api/v1/contests")
        .set("Authorization", `Bearer ${admin}`)
        .send({ kind: "video", title: "草稿", opensAt: "2026-01-01T00:00:00Z", closesAt: "2027-01-01T00:00:00Z" });
      const before = await writtenState(app);
      const sent = await submit(app, res.body.contest.id, contestant.token, videoSubmission(media));
      expect(sent.status).to.equal(404);
      await expectNothingWritten(app, before);
    });
  });

  it("an upload cut off halfway (socket destroyed) leaves no file and no row", async () => {
    const before = await snapshot(app.db);
    const uploads = filesUnder(app.ctx.config.uploadDir);
    const boundary = "----swtestboundary";
    const video = readFileSync(media.overLength);
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n中断测试\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="form"; filename="form.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    );
    const form = readFileSync(media.formPdf);
    const videoHead = Buffer.from(
      `\r\n--${boundary}\r\nContent-Disposition: form-data; name="video"; filename="v.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
    );
    const total = head.length + form.length + videoHead.length + video.length + 200;
    const url = new URL(app.url);
    await new Promise<void>((resolve) => {
      const req = http.request({
        host: url.hostname,
        port: url.port,
        method: "POST",
        path: `/api/v1/contests/${contestId}/entries`,
        headers: {
          Authorization: `Bearer ${contestant.token}`,
          "Content-Type": `multipart/form-data; boundary=${boundary}`,
          "Content-Length": total,
        },
      });
      req.on("error", () => resolve());
      req.write(head);
      req.write(form);
      req.write(videoHead);
      req.write(video.subarray(0, Math.floor(video.length / 2)), () => {
        // Let the server receive and write the first half, then cut the connection.
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 300);
      });
    });
    // The server notices the abort asynchronously; give it a moment, then check nothing was left.
    for (let i = 0; i < 50 && filesUnder(app.ctx.config.uploadDir).length !== uploads.length; i += 1)
      await new Promise((r) => setTimeout(r, 100));
    expect(filesUnder(app.ctx.config.uploadDir)).to.deep.equal(uploads);
    expect(await snapshot(app.db)).to.deep.equal(before);
    expect(await app.db("entries").where({ title: "中断测试" })).to.have.length(0);
  });
});
