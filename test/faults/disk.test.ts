import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { statfs } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import request from "supertest";
import { ADMIN, as, createActor, type Actor, type TestApp, startTestApp, tokenFor } from "../helpers/app.js";
import { check, filesUnder, openContest, submit, videoSubmission } from "../helpers/entries.js";
import { testMedia, type TestMedia } from "../helpers/media.js";
import { seedActivity } from "../helpers/reports.js";

if (process.getuid?.() !== 0) {
  // Not a pending test (mocha forbids those here): mounting a tmpfs needs root, as CI has.
  console.warn("disk.test.ts skipped: mounting a small tmpfs as the upload folder needs root");
} else {
  describe("faults: uploads into a full disk (a real 8 MB tmpfs as UPLOAD_DIR)", function () {
    this.timeout(60_000);
    let mount: string;
    let uploads: string;
    let filler: string;
    let app: TestApp;
    let contestId: string;
    let contestant: Actor;
    let media: TestMedia;

    /** Fills the disk but for `pages` free blocks (pages, on a tmpfs). */
    const leaveFree = async (pages: number) => {
      rmSync(filler, { force: true });
      const fs = await statfs(mount);
      writeFileSync(filler, Buffer.alloc((fs.bavail - pages) * fs.bsize));
    };
    const entryCount = async () => Number((await app.db("entries").count({ n: "*" }))[0].n);

    before(async () => {
      mount = mkdtempSync(path.join(os.tmpdir(), "sw-full-disk-"));
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", mount]);
      uploads = path.join(mount, "uploads");
      filler = path.join(mount, "filler");
      app = await startTestApp({ env: { UPLOAD_DIR: uploads } });
      contestId = (await openContest(app)).id;
      contestant = await createActor(app, "contestant", { city: "保定" });
      media = await testMedia();
    });
    after(async () => {
      await app?.close();
      if (mount) {
        execFileSync("umount", [mount]);
        rmSync(mount, { recursive: true, force: true });
      }
    });

    it("an upload that does not fit is answered 507 with the error shape, leaves no partial file and no entry, and the server keeps serving", async () => {
      // Two pages left: the 19 KB video starts to be written and breaks off part-way.
      await leaveFree(2);
      const res = await submit(app, contestId, contestant.token, videoSubmission(media)).set("Accept-Language", "en");
      expect(res.status).to.equal(507);
      expect(res.body.error.code).to.equal("insufficient_storage");
      expect(res.body.error.message).to.match(/no room left/);
      expect(filesUnder(uploads)).to.deep.equal([]);
      expect(await entryCount()).to.equal(0);
      // Reads go on while the disk is full; once there is room, the same upload is stored.
      check(await app.http.get(`/api/v1/contests/${contestId}`), "contest while the disk is full");
      unlinkSync(filler);
      const stored = check(
        await submit(app, contestId, contestant.token, videoSubmission(media)),
        "after room is made",
      );
      expect(stored.status).to.equal(201);
      expect(await entryCount()).to.equal(1);
    });

    it("a full disk while the judges' anonymized copy is made is 507 too (not 'cannot be anonymized'), with nothing left behind", async () => {
      const before = filesUnder(uploads);
      const entries = await entryCount();
      // Room for the three files received (7 pages), not for the copies made of them: the tools that make
      // them fail in their own words (exiftool "error writing output file", ffmpeg a short copy).
      await leaveFree(9);
      const res = await submit(app, contestId, contestant.token, videoSubmission(media));
      expect(res.status).to.equal(507);
      expect(res.body.error.code).to.equal("insufficient_storage");
      expect(filesUnder(uploads)).to.deep.equal(before);
      expect(await entryCount()).to.equal(entries);
    });

    it("a full disk while a news report's image is stripped of its metadata is 507 too, with no report and nothing left behind", async () => {
      rmSync(filler, { force: true });
      const admin = await tokenFor(app, ADMIN.email, ADMIN.password);
      const week = check(
        await as(app, admin).post("/api/v1/report-weeks", {
          title: "满盘活动周",
          summaryDueAt: "2026-05-30T15:59:59Z",
        }),
        "week",
      );
      const reporter = await createActor(app, "reporter", { city: "保定", unit: "保定市科学技术馆" });
      const activityId = await seedActivity(app, week.body.week.id as string, {
        unitId: reporter.user.unitId!,
        city: "保定",
        title: "满盘时的科普活动",
        startsAt: "2026-05-20T01:00:00.000Z",
        endsAt: "2026-05-20T09:00:00.000Z",
      });
      const fileNews = () =>
        request(app.server)
          .post(`/api/v1/activities/${activityId}/news`)
          .set("Authorization", `Bearer ${reporter.token}`)
          .field("text", "满盘时报送的新闻")
          .attach("images", media.coverPng, "合影.png");
      const newsCount = async () => Number((await app.db("news_reports").count({ n: "*" }))[0].n);
      const before = filesUnder(uploads);
      // Room for the image received, not for its stripped copy.
      await leaveFree(Math.ceil(statSync(media.coverPng).size / (await statfs(mount)).bsize));
      const res = await fileNews();
      expect(res.status, JSON.stringify(res.body)).to.equal(507);
      expect(res.body.error.code).to.equal("insufficient_storage");
      expect(filesUnder(uploads)).to.deep.equal(before);
      expect(await newsCount()).to.equal(0);
      unlinkSync(filler);
      expect(check(await fileNews(), "after room is made").status).to.equal(201);
      expect(await newsCount()).to.equal(1);
    });
  });
}
