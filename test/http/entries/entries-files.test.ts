import { expect } from "chai";
import { readFileSync } from "node:fs";
import request from "supertest";
import { createActor, startTestApp, type Actor, type TestApp } from "../../helpers/app.js";
import { openContest, videoSubmission } from "../../helpers/entries.js";
import { testMedia } from "../../helpers/media.js";

describe("entry files out", () => {
  let app: TestApp;
  let admin: string;
  let owner: Actor;
  let entryId: string;
  let videoBytes: Buffer;
  const actors: Record<string, Actor> = {};

  before(async function () {
    this.timeout(120_000);
    const media = await testMedia();
    videoBytes = readFileSync(media.valid1080);
    app = await startTestApp();
    const contest = await openContest(app);
    admin = contest.admin;
    owner = await createActor(app, "contestant", { city: "保定" });
    const res = await request(app.server)
      .post(`/api/v1/contests/${contest.id}/entries`)
      .set("Authorization", `Bearer ${owner.token}`)
      .field(videoSubmission(media).fields)
      .attach("video", media.valid1080, "李明-病毒传播.mp4")
      .attach("form", media.formPdf, "推荐表-李明.pdf")
      .attach("cover", media.coverPng);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    entryId = res.body.entry.id;
    actors.coordinatorSameCity = await createActor(app, "coordinator", { city: "保定" });
    actors.coordinatorOtherCity = await createActor(app, "coordinator", { city: "唐山" });
    actors.otherContestant = await createActor(app, "contestant", { city: "保定" });
    actors.judge = await createActor(app, "judge");
  });
  after(() => app.close());

  const get = (path: string, token: string | null) => {
    const req = request(app.server).get(path);
    return token ? req.set("Authorization", `Bearer ${token}`) : req;
  };

  it("streams the whole video with its type and length", async () => {
    const res = await get(`/api/v1/entries/${entryId}/files/video`, owner.token)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).to.equal(200);
    expect(res.headers["content-type"]).to.equal("video/mp4");
    expect(res.headers["accept-ranges"]).to.equal("bytes");
    expect(Number(res.headers["content-length"])).to.equal(videoBytes.length);
    expect(Buffer.compare(res.body as Buffer, videoBytes)).to.equal(0);
  });

  const ranges: [string, number, number][] = [
    ["bytes=0-99", 0, 99],
    ["bytes=1000-1999", 1000, 1999],
    ["bytes=-500", -500, -1],
  ];
  for (const [header, from, to] of ranges) {
    it(`answers Range ${header} with 206 and exactly those bytes`, async () => {
      const res = await get(`/api/v1/entries/${entryId}/files/video`, owner.token)
        .set("Range", header)
        .buffer(true)
        .parse((r, done) => {
          const chunks: Buffer[] = [];
          r.on("data", (c: Buffer) => chunks.push(c));
          r.on("end", () => done(null, Buffer.concat(chunks)));
        });
      expect(res.status).to.equal(206);
      const start = from < 0 ? videoBytes.length + from : from;
      const end = to < 0 ? videoBytes.length - 1 : to;
      expect(res.headers["content-range"]).to.equal(`bytes ${start}-${end}/${videoBytes.length}`);
      expect(Buffer.compare(res.body as Buffer, videoBytes.subarray(start, end + 1))).to.equal(0);
    });
  }

  it("answers a range past the end with 416", async () => {
    const res = await get(`/api/v1/entries/${entryId}/files/video`, owner.token).set(
      "Range",
      `bytes=${videoBytes.length + 10}-`,
    );
    expect(res.status).to.equal(416);
  });

  it("offers the original name on download, and plays inline otherwise", async () => {
    const download = await get(`/api/v1/entries/${entryId}/files/form?download=1`, owner.token);
    expect(download.headers["content-type"]).to.equal("application/pdf");
    expect(download.headers["content-disposition"])
      .to.match(/^attachment;/)
      .and.include(encodeURIComponent("推荐表-李明.pdf"));
    const inline = await get(`/api/v1/entries/${entryId}/files/cover`, owner.token);
    expect(inline.headers["content-type"]).to.equal("image/png");
    expect(inline.headers["content-disposition"]).to.equal(undefined);
  });

  it("an unknown role is 404", async () => {
    expect((await get(`/api/v1/entries/${entryId}/files/poster`, owner.token)).status).to.equal(404);
    expect((await get(`/api/v1/entries/${entryId}/files/..%2F..%2Fetc%2Fpasswd`, owner.token)).status).to.equal(404);
  });

  describe("role × file: only the owner, organizers and the entry's city coordinator (judges once assigned)", () => {
    const cases: [string, number][] = [
      ["owner", 200],
      ["organizer", 200],
      ["coordinatorSameCity", 200],
      ["coordinatorOtherCity", 404],
      ["otherContestant", 404],
      ["judge", 404],
      ["anonymous", 401],
    ];
    for (const [who, status] of cases) {
      for (const role of ["video", "form", "cover"]) {
        it(`${who} reading the ${role} → ${status}`, async () => {
          const token =
            who === "owner"
              ? owner.token
              : who === "organizer"
                ? admin
                : who === "anonymous"
                  ? null
                  : actors[who].token;
          const res = await get(`/api/v1/entries/${entryId}/files/${role}`, token);
          expect(res.status).to.equal(status);
          if (status !== 200) expect(res.body.error.code).to.be.a("string");
        });
      }
      it(`${who} reading the entry → ${status}`, async () => {
        const token =
          who === "owner" ? owner.token : who === "organizer" ? admin : who === "anonymous" ? null : actors[who].token;
        const res = await get(`/api/v1/entries/${entryId}`, token);
        expect(res.status).to.equal(status);
        if (status === 200) expect(res.body.entry.authors[0].name).to.equal("李明");
      });
    }
  });
});
