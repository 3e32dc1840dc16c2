import { expect } from "chai";
import request from "supertest";
import { ADMIN, createActor, startTestApp, TestClock, type Actor, type TestApp } from "../../helpers/app.js";
import { openContest, submit, videoSubmission } from "../../helpers/entries.js";
import { judgedContest, type JudgedContest } from "../../helpers/judged.js";
import { testMedia, type TestMedia } from "../../helpers/media.js";
import { pageSession } from "../../helpers/pages.js";

/**
 * Trust 8: an upload is served as the type detected from its bytes at upload, never one guessed from
 * its name. A PDF named `x.html` came back as `text/html` on download, which a browser renders as a
 * page of this site. Now: the detected type, nosniff, and on download the name with that type's extension.
 */
describe("downloads carry the type detected at upload, not the one of the file's name", () => {
  const clock = new TestClock(new Date("2026-12-01T02:00:00Z"));
  let app: TestApp;
  let media: TestMedia;

  before(async function () {
    this.timeout(120_000);
    media = await testMedia();
    app = await startTestApp({ clock });
  });
  after(() => app.close());

  const expectServedAsPdf = (res: request.Response) => {
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.headers["content-type"]).to.equal("application/pdf");
    expect(res.headers["x-content-type-options"]).to.equal("nosniff");
  };

  describe("an entry's file", () => {
    let owner: Actor;
    let entryId: string;

    before(async function () {
      this.timeout(60_000);
      const contest = await openContest(app, { opensAt: "2026-01-01T00:00:00Z", closesAt: "2099-01-01T00:00:00Z" });
      owner = await createActor(app, "contestant", { city: "保定" });
      const body = videoSubmission(media, { files: { form: undefined } });
      const res = await submit(app, contest.id, owner.token, body).attach("form", media.formPdf, "x.html");
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      entryId = res.body.entry.id;
    });

    it("a PDF uploaded as x.html is downloaded through the API as application/pdf named x.pdf, never text/html", async () => {
      const res = await request(app.server)
        .get(`/api/v1/entries/${entryId}/files/form?download=1`)
        .set("Authorization", `Bearer ${owner.token}`);
      expectServedAsPdf(res);
      expect(res.headers["content-disposition"])
        .to.match(/^attachment;/)
        .and.include("filename=x.pdf");
    });

    it("shown inline it is application/pdf with nosniff too", async () => {
      const res = await request(app.server)
        .get(`/api/v1/entries/${entryId}/files/form`)
        .set("Authorization", `Bearer ${owner.token}`);
      expectServedAsPdf(res);
      expect(res.headers["content-disposition"]).to.equal(undefined);
    });

    it("the page's download link answers the same", async () => {
      const pages = await pageSession(app, owner.email, owner.password);
      const res = await pages.get(`/entries/${entryId}/files/form?download=1`);
      expectServedAsPdf(res);
      expect(res.headers["content-disposition"])
        .to.match(/^attachment;/)
        .and.include("filename=x.pdf");
    });
  });

  describe("an objection's evidence", () => {
    let c: JudgedContest;
    let citizen: Actor;
    let objectionId: string;

    before(async function () {
      this.timeout(120_000);
      const criteria = [{ key: "science", label: "科学性", max: 100, step: 1 }];
      c = await judgedContest(app, {
        contest: {
          rubric: { criteria },
          prizes: { mode: "count", first: 1, second: 0, third: 0 },
          opensAt: "2026-01-01T00:00:00Z",
          closesAt: "2099-01-01T00:00:00Z",
        },
        sheets: [[{ science: 80 }, { science: 82 }, { science: 84 }]],
      });
      const as = (path: string, body: object) =>
        request(app.server).post(path).set("Authorization", `Bearer ${c.admin}`).send(body);
      for (const to of ["review", "notice"]) {
        const moved = await as(`/api/v1/contests/${c.contestId}/stage`, { to });
        expect(moved.status, JSON.stringify(moved.body)).to.equal(200);
      }
      citizen = await createActor(app, "contestant");
      const filed = await request(app.server)
        .post(`/api/v1/contests/${c.contestId}/objections`)
        .set("Authorization", `Bearer ${citizen.token}`)
        .field("entryId", c.entries[0].id)
        .field("text", "该作品与往届作品雷同，见附件。")
        .attach("evidence", media.formPdf, "x.html");
      expect(filed.status, JSON.stringify(filed.body)).to.equal(201);
      objectionId = filed.body.objection.id;
    });

    it("a PDF filed as x.html is served through the API as application/pdf, and downloaded as x.pdf", async () => {
      const get = (path: string) => request(app.server).get(path).set("Authorization", `Bearer ${citizen.token}`);
      const shown = await get(`/api/v1/objections/${objectionId}/evidence`);
      expectServedAsPdf(shown);
      const saved = await get(`/api/v1/objections/${objectionId}/evidence?download=1`);
      expectServedAsPdf(saved);
      expect(saved.headers["content-disposition"])
        .to.match(/^attachment;/)
        .and.include("filename=x.pdf");
    });

    it("the organizer's page link answers the same", async () => {
      const organizer = await pageSession(app, ADMIN.email, ADMIN.password);
      const res = await organizer.get(`/objections/${objectionId}/evidence?download=1`);
      expectServedAsPdf(res);
      expect(res.headers["content-disposition"])
        .to.match(/^attachment;/)
        .and.include("filename=x.pdf");
    });
  });
});
