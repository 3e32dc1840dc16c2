import { expect } from "chai";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import request from "supertest";
import { createActor, startTestApp, type Actor, type TestApp } from "../../helpers/app.js";
import { filesUnder, openContest, submit, videoSubmission } from "../../helpers/entries.js";
import { testMedia, type TestMedia } from "../../helpers/media.js";
import {
  brokenPdf,
  carries,
  docxNamingAuthor,
  durations,
  gpsTags,
  jpegNamingAuthor,
  NAMES,
  pdfNamingAuthor,
  scratchDir,
  tagsNaming,
  videoNamingAuthor,
} from "../../helpers/metadata.js";
import { pageSession, type PageAgent } from "../../helpers/pages.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

const FFPROBE = "/usr/bin/ffprobe";

/** The whole body of a file response, as bytes. */
function bytesOf(req: request.Test): Promise<request.Response> {
  return req.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("end", () => done(null, Buffer.concat(chunks)));
  });
}

describe("blind files (DESIGN §4): judges get the work without its authors' metadata", function () {
  this.timeout(120_000);
  let app: TestApp;
  let media: TestMedia;
  let dir: string;
  let admin: string;
  let contestant: Actor;
  let judge: Actor;
  let judgePages: PageAgent;
  /** The uploaded originals by entry and role, each naming the author somewhere in its metadata. */
  const originals: Record<string, Record<string, string>> = {};
  const entryIds: Record<string, string> = {};
  let experimentId: string;

  /** Where a response's bytes are put, for exiftool and ffprobe to read. */
  let saved = 0;
  function save(bytes: Buffer): string {
    saved += 1;
    const file = path.join(dir, `received-${saved}`);
    writeFileSync(file, bytes);
    return file;
  }

  const api = (token: string, url: string) =>
    bytesOf(request(app.server).get(url).set("Authorization", `Bearer ${token}`));

  async function assign(contestId: string): Promise<void> {
    const as = (p: string) => request(app.server).put(p).set("Authorization", `Bearer ${admin}`);
    expect((await as(`/api/v1/contests/${contestId}/judges`).send({ judgeIds: [judge.user.id] })).status).to.equal(200);
    const auto = await request(app.server)
      .post(`/api/v1/contests/${contestId}/assignments/auto`)
      .set("Authorization", `Bearer ${admin}`)
      .send({ seed: 1 });
    expect(auto.status, JSON.stringify(auto.body)).to.equal(200);
  }

  before(async () => {
    media = await testMedia();
    dir = scratchDir();
    app = await startTestApp();
    contestant = await createActor(app, "contestant", { city: "保定" });
    judge = await createActor(app, "judge", { unit: "石家庄评审中心" });
    judgePages = await pageSession(app, judge.email, judge.password);

    // A video contest: the video (tagged) and its cover photo (EXIF with GPS) go to judges, the form never.
    const video = await openContest(app, { judgesPerEntry: 1 });
    admin = video.admin;
    originals.video = {
      video: await videoNamingAuthor(media.valid1080, dir),
      cover: await jpegNamingAuthor(dir),
      form: await pdfNamingAuthor(dir),
    };
    const res = await submit(app, video.id, contestant.token, videoSubmission(media, { files: originals.video }));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    entryIds.video = res.body.entry.id;

    // An experiment contest: one plan as DOCX, one as a PDF naming the author.
    const experiment = await openContest(app, { kind: "experiment", judgesPerEntry: 1 });
    experimentId = experiment.id;
    for (const [name, plan] of [
      ["docx", docxNamingAuthor(dir)],
      ["pdf", await pdfNamingAuthor(dir)],
    ]) {
      originals[name] = { video: media.valid1080, plan, form: media.formPdf };
      const sent = await submit(app, experiment.id, contestant.token, {
        fields: { ...videoSubmission(media).fields, title: `实验 ${name}`, category: "物理" },
        files: originals[name],
      });
      expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
      entryIds[name] = sent.body.entry.id;
    }
    await assign(video.id);
    await assign(experiment.id);
  });
  after(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cases: [string, string][] = [
    ["video", "video"],
    ["video", "cover"],
    ["docx", "plan"],
    ["pdf", "plan"],
  ];
  for (const [entry, role] of cases) {
    it(`the judge's ${entry === role ? role : `${entry} ${role}`} (API and judge page) names no one, in its bytes or to exiftool`, async () => {
      const original = originals[entry][role];
      expect(await tagsNaming(original), "the uploaded original names the author").to.have.length.above(0);
      for (const res of [
        await api(judge.token, `/api/v1/entries/${entryIds[entry]}/files/${role}`),
        await bytesOf(judgePages.get(`/judge/entries/${entryIds[entry]}/files/${role}`)),
      ]) {
        expect(res.status).to.equal(200);
        const bytes = res.body as Buffer;
        expect(Buffer.compare(bytes, readFileSync(original)), "the judge got the original").to.not.equal(0);
        for (const name of NAMES) expect(carries(bytes, name), `the judge's bytes carry ${name}`).to.equal(false);
        const received = save(bytes);
        expect(await tagsNaming(received), "exiftool on the judge's copy").to.deep.equal([]);
        expect(await gpsTags(received), "GPS in the judge's copy").to.deep.equal([]);
        expect(Number(res.headers["content-length"])).to.equal(bytes.length);
      }
    });
  }

  it("the judge's video still plays: same streams, same length, same picture size", async () => {
    const res = await api(judge.token, `/api/v1/entries/${entryIds.video}/files/video`);
    const received = save(res.body as Buffer);
    const before = await durations(FFPROBE, originals.video.video);
    const after = await durations(FFPROBE, received);
    expect(after.streams).to.deep.equal(before.streams);
    expect(after.format).to.be.closeTo(before.format, 0.13);
    const entry = await request(app.server)
      .get(`/api/v1/entries/${entryIds.video}`)
      .set("Authorization", `Bearer ${judge.token}`);
    const file = (entry.body.entry.files as { role: string; size: number; durationSeconds: number }[]).find(
      (f) => f.role === "video",
    )!;
    expect(file.size, "the size the judge is told is his copy's").to.equal((res.body as Buffer).length);
    expect(file.durationSeconds).to.be.closeTo(after.format, 0.13);
  });

  for (const who of ["owner", "organizer"]) {
    it(`the ${who} gets every original, byte for byte`, async () => {
      const token = who === "owner" ? contestant.token : admin;
      for (const [entry, files] of Object.entries(originals)) {
        for (const [role, original] of Object.entries(files)) {
          const res = await api(token, `/api/v1/entries/${entryIds[entry]}/files/${role}`);
          expect(res.status).to.equal(200);
          expect(Buffer.compare(res.body as Buffer, readFileSync(original)), `${entry} ${role}`).to.equal(0);
        }
      }
    });
  }

  it("the copies are made once, at upload, and kept beside the originals: none for the form, which judges never get", async () => {
    const rows = await app.db("entry_files").where({ entry_id: entryIds.video }).orderBy("role");
    const byRole = Object.fromEntries(rows.map((r: Record<string, unknown>) => [r.role, r]));
    expect(byRole.form.blind_storage_key).to.equal(null);
    for (const role of ["cover", "video"]) {
      const key = String(byRole[role].blind_storage_key);
      expect(key)
        .to.match(/^[0-9a-f-]{36}$/)
        .and.not.equal(byRole[role].storage_key);
      expect(existsSync(app.ctx.storage.pathOf(key))).to.equal(true);
    }
    expect((await api(judge.token, `/api/v1/entries/${entryIds.video}/files/form`)).status).to.equal(404);
  });

  it("a plan replaced on edit gets its own copy; the old original and old copy are gone from storage", async () => {
    const before = await app.db("entry_files").where({ entry_id: entryIds.docx, role: "plan" }).first();
    const stored = filesUnder(app.ctx.config.uploadDir).length;
    const replacement = await pdfNamingAuthor(dir);
    const res = await request(app.server)
      .patch(`/api/v1/entries/${entryIds.docx}`)
      .set("Authorization", `Bearer ${contestant.token}`)
      .attach("plan", replacement);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const after = await app.db("entry_files").where({ entry_id: entryIds.docx, role: "plan" }).first();
    expect(after.blind_storage_key).to.be.a("string").and.not.equal(before.blind_storage_key);
    expect(existsSync(app.ctx.storage.pathOf(String(before.storage_key)))).to.equal(false);
    expect(existsSync(app.ctx.storage.pathOf(String(before.blind_storage_key)))).to.equal(false);
    expect(filesUnder(app.ctx.config.uploadDir)).to.have.length(stored);
    const judged = await api(judge.token, `/api/v1/entries/${entryIds.docx}/files/plan`);
    expect(judged.headers["content-type"]).to.equal("application/pdf");
    for (const name of NAMES) expect(carries(judged.body as Buffer, name), name).to.equal(false);
    const owned = await api(contestant.token, `/api/v1/entries/${entryIds.docx}/files/plan`);
    expect(Buffer.compare(owned.body as Buffer, readFileSync(replacement))).to.equal(0);
  });

  for (const language of ["zh-CN", "en"]) {
    it(`a plan no tool can anonymize is refused with 422 file_not_anonymizable (${language}) and nothing is written`, async () => {
      const before = await writtenState(app);
      const res = await submit(app, experimentId, contestant.token, {
        fields: { ...videoSubmission(media).fields, title: "坏的方案", category: "物理" },
        files: { video: media.valid1080, plan: brokenPdf(dir), form: media.formPdf },
      }).set("Accept-Language", language);
      expect(res.status, JSON.stringify(res.body)).to.equal(422);
      expect(res.body.error.code).to.equal("file_not_anonymizable");
      expect(res.body.error.details).to.deep.equal({ role: "plan" });
      expect(res.body.error.message).to.match(language === "en" ? /cannot be removed/ : /无法去除/);
      await expectNothingWritten(app, before);
    });
  }

  it("a file stored before copies were made gets its copy on the judge's first request, recorded once", async () => {
    const row = await app.db("entry_files").where({ entry_id: entryIds.pdf, role: "plan" }).first();
    await app.db("entry_files").where({ id: row.id }).update({ blind_storage_key: null, blind_size: null });
    await app.ctx.storage.remove(String(row.blind_storage_key));
    const first = await api(judge.token, `/api/v1/entries/${entryIds.pdf}/files/plan`);
    expect(first.status).to.equal(200);
    for (const name of NAMES) expect(carries(first.body as Buffer, name), name).to.equal(false);
    const made = await app.db("entry_files").where({ id: row.id }).first();
    expect(made.blind_storage_key).to.be.a("string");
    const stored = filesUnder(app.ctx.config.uploadDir);
    const second = await api(judge.token, `/api/v1/entries/${entryIds.pdf}/files/plan`);
    expect(Buffer.compare(second.body as Buffer, first.body as Buffer)).to.equal(0);
    expect((await app.db("entry_files").where({ id: row.id }).first()).blind_storage_key).to.equal(
      made.blind_storage_key,
    );
    expect(filesUnder(app.ctx.config.uploadDir)).to.deep.equal(stored);
  });
});
