import { expect } from "chai";
import { createActor, snapshot, startTestApp, type TestApp } from "../../helpers/app.js";
import { filesUnder, openContest, submit, videoSubmission } from "../../helpers/entries.js";
import { testMedia, type TestMedia } from "../../helpers/media.js";

/**
 * Text fields of a multipart entry are not parsed by the JSON body parser, so they reach the service
 * by another road: NUL and other control characters there must be refused with a 4xx on PostgreSQL
 * (which refuses NUL in text) as on SQLite (which would store it), with no row and no file left.
 */
describe("bad text in an entry's multipart fields: a 4xx, nothing written, no file left", function () {
  this.timeout(60_000);
  let app: TestApp;
  let media: TestMedia;
  let contestId: string;
  let contestant: string;
  before(async () => {
    media = await testMedia();
    app = await startTestApp();
    contestId = (await openContest(app)).id;
    contestant = (await createActor(app, "contestant")).token;
  });
  after(() => app.close());

  for (const [field, value] of [
    ["title", "病毒\u0000传播"],
    ["summary", "简介\u0007"],
    ["authors", JSON.stringify([{ name: "李\u0000明" }])],
    ["category", "\u001b科学"],
  ] as const) {
    it(`${field} = ${JSON.stringify(value)} → 400 invalid_text`, async () => {
      const before = { tables: await snapshot(app.db), files: filesUnder(app.ctx.config.uploadDir) };
      const res = await submit(app, contestId, contestant, videoSubmission(media, { fields: { [field]: value } }));
      expect(res.status, res.text.slice(0, 300)).to.equal(400);
      expect(res.body.error.code).to.equal("invalid_text");
      expect({ tables: await snapshot(app.db), files: filesUnder(app.ctx.config.uploadDir) }).to.deep.equal(before);
    });
  }
});
