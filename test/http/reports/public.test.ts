import { expect } from "chai";
import request from "supertest";
import { createActor, startTestApp, type TestApp } from "../../helpers/app.js";
import { seedActivity, seedNews, seedNewsFile, seedPackage, seedUnit, seedWeek } from "../../helpers/reports.js";

const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");

/** The public 网络展厅 (DESIGN §3): a city's news reports appear once its package is submitted, without personal data. */
describe("public city pages", () => {
  let app: TestApp;
  let publishedImage: string;
  let unpublishedImage: string;
  let reporter: { email: string; name: string };

  before(async () => {
    app = await startTestApp();
    const week = await seedWeek(app);
    const actor = await createActor(app, "reporter", { name: "王报道员", unit: "保定学院", city: "保定" });
    reporter = { email: actor.email, name: actor.user.name };
    const baoding = await seedUnit(app, "保定科技馆", "保定", "其他");
    const tangshan = await seedUnit(app, "唐山科技馆", "唐山", "其他");
    // 21 reports in 保定, one a day from 05-01: a page of 20, then the oldest alone on page 2.
    for (let day = 1; day <= 21; day++) {
      const at = `2026-05-${String(day).padStart(2, "0")}T02:00:00.000Z`;
      const activity = await seedActivity(app, week, {
        unitId: baoding,
        city: "保定",
        title: `保定活动${day}`,
        theme: "科普行动",
        form: "现场活动",
        startsAt: at,
        endsAt: at,
      });
      const news = await seedNews(app, activity, baoding, {
        text: `保定报道${day}`,
        late: false,
        authorId: actor.user.id,
      });
      if (day === 21)
        publishedImage = await seedNewsFile(app, news, {
          role: "image",
          contentType: "png",
          bytes: PNG,
          originalName: "王报道员.png",
        });
    }
    const activity = await seedActivity(app, week, {
      unitId: tangshan,
      city: "唐山",
      title: "唐山活动",
      theme: "科普行动",
      form: "现场活动",
      startsAt: "2026-05-20T02:00:00.000Z",
      endsAt: "2026-05-20T02:00:00.000Z",
    });
    const news = await seedNews(app, activity, tangshan, {
      text: "唐山未发布的报道",
      late: false,
      authorId: actor.user.id,
    });
    unpublishedImage = await seedNewsFile(app, news, {
      role: "image",
      contentType: "png",
      bytes: PNG,
      originalName: "x.png",
    });
    await seedPackage(app, week, "保定");
  });
  after(() => app.close());

  const get = (path: string) => request(app.server).get(path).set("Accept", "text/html");

  it("the index lists every city with its published count, no login needed", async () => {
    const res = await get("/reports");
    expect(res.status).to.equal(200);
    expect(res.text).to.match(/data-city="保定" data-count="21"/);
    expect(res.text).to.match(/data-city="唐山" data-count="0"/);
  });

  it("a city whose package is not submitted shows nothing", async () => {
    const res = await get(`/reports/cities/${encodeURIComponent("唐山")}`);
    expect(res.status).to.equal(200);
    expect(res.text).to.include('data-testid="public-none"');
    expect(res.text).not.to.include("唐山未发布的报道");
  });

  it("a published city shows its reports newest first, 20 a page, with images and no personal data", async () => {
    const first = await get(`/reports/cities/${encodeURIComponent("保定市")}`);
    expect(first.status).to.equal(200);
    const texts = [...first.text.matchAll(/保定报道(\d+)</g)].map((m) => Number(m[1]));
    expect(texts).to.deep.equal(Array.from({ length: 20 }, (_, i) => 21 - i));
    expect(first.text).to.include("保定科技馆");
    expect(first.text).to.include(`src="/reports/files/${publishedImage}"`);
    for (const personal of [reporter.name, reporter.email, "王报道员"]) expect(first.text).not.to.include(personal);
    const second = await get(`/reports/cities/${encodeURIComponent("保定")}?page=2`);
    expect([...second.text.matchAll(/保定报道(\d+)</g)].map((m) => Number(m[1]))).to.deep.equal([1]);
  });

  it("serves a published report's file by id; an unpublished report's file, an unknown city or page → 404/400", async () => {
    const image = await request(app.server).get(`/reports/files/${publishedImage}`);
    expect(image.status).to.equal(200);
    expect(image.headers["content-type"]).to.equal("image/png");
    expect(image.headers["x-content-type-options"]).to.equal("nosniff");
    expect(Buffer.from(image.body as Buffer).equals(PNG)).to.equal(true);
    const download = await request(app.server).get(`/reports/files/${publishedImage}?download`);
    expect(download.headers["content-disposition"]).not.to.include("%E7%8E%8B");
    expect((await request(app.server).get(`/reports/files/${unpublishedImage}`)).status).to.equal(404);
    expect((await request(app.server).get("/reports/files/no-such-file")).status).to.equal(404);
    expect((await get("/reports/cities/nowhere")).status).to.equal(404);
    expect((await get(`/reports/cities/${encodeURIComponent("保定")}?page=0`)).status).to.equal(400);
  });
});
