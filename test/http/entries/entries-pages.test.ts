import { expect } from "chai";
import { parse } from "csv-parse/sync";
import request from "supertest";
import { ADMIN, createActor, snapshot, startTestApp, type Actor, type TestApp } from "../../helpers/app.js";
import { defaultRules } from "../../../src/contests/rules.js";
import { acceptOf, fileRuleText } from "../../../src/entries/entries.file-rules.js";
import { filesUnder, openContest, submit, videoSubmission } from "../../helpers/entries.js";
import { testMedia, type TestMedia } from "../../helpers/media.js";
import { csrfOf, pageSession, type PageAgent } from "../../helpers/pages.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

/** A multipart form post as a browser without script sends it: author rows, the token in the action's query. */
function formPost(
  agent: PageAgent,
  url: string,
  fields: Record<string, string | string[]>,
  files: Record<string, string>,
) {
  let req = agent.post(url).set("Accept", "text/html,application/xhtml+xml");
  for (const [name, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) req = req.field(name, v);
  for (const [role, file] of Object.entries(files)) req = req.attach(role, file);
  return req;
}

const FORM_FIELDS = {
  title: "病毒是怎样传播的",
  summary: "用动画讲解飞沫与接触传播。",
  category: "科学防控",
  city: "保定",
  unit: "保定市科技馆",
  // Two filled rows and two left blank, as the form offers them without script.
  authorName: ["李明", "王芳", "", ""],
  authorRole: ["编导", "", "", ""],
  declaration: "true",
};

describe("entry pages", () => {
  let app: TestApp;
  let media: TestMedia;
  let contestId: string;
  let admin: string;
  let owner: Actor;
  let ownerPages: PageAgent;
  let token: string;
  let organizerPages: PageAgent;

  const files = () => ({ video: media.valid1080, form: media.formPdf, cover: media.coverPng });
  const submitUrl = (t = token) => `/contests/${contestId}/entries?_csrf=${t}`;
  const entryRow = (id: string) => app.db("entries").where({ id }).first();

  before(async function () {
    this.timeout(120_000);
    media = await testMedia();
    app = await startTestApp();
    ({ id: contestId, admin } = await openContest(app, {
      title: "河北省科普微视频大赛",
      rules: { maxEntriesPerAuthor: 20, requiresRecommendation: true, recommendationQuota: 1 },
    }));
    owner = await createActor(app, "contestant", { city: "保定", unit: "保定市科技馆" });
    ownerPages = await pageSession(app, owner.email, owner.password);
    token = csrfOf((await ownerPages.get(`/contests/${contestId}/submit`)).text);
    organizerPages = await pageSession(app, ADMIN.email, ADMIN.password);
  });
  after(() => app?.close());

  describe("submitting", () => {
    it("the submit page shows each file role with its rules in plain Chinese, the themes, the user's city and the declaration", async () => {
      const res = await ownerPages.get(`/contests/${contestId}/submit`);
      expect(res.status).to.equal(200);
      expect(res.text).to.include('<html lang="zh-CN">').and.include("提交作品");
      expect(res.text).to.include(
        '<p class="hint" data-rule="video">MP4，2–5 分钟，不超过 500MB，建议 1080p、16:9</p>',
      );
      expect(res.text).to.include('<p class="hint" data-rule="form">PDF/JPG/PNG，不超过 20MB</p>');
      expect(res.text).to.include('<p class="hint" data-rule="cover">JPG/PNG，不超过 10MB</p>');
      expect(res.text).to.match(/<input type="file" name="video" accept="\.mp4,video\/mp4" required>/);
      expect(res.text).to.match(/<input type="file" name="cover" accept="[^"]*image\/png">/);
      for (const theme of ["科学防控", "科普行动", "科技扶贫", "科创惠民"])
        expect(res.text).to.include(`<option value="${theme}">`);
      expect(res.text).to.include('<option value="保定" selected>');
      expect(res.text).to.include('name="declaration" value="true" required').and.include("原创声明");
      expect(res.text)
        .to.include(`action="/contests/${contestId}/entries?_csrf=${token}"`)
        .and.include('enctype="multipart/form-data"');
      expect(res.text).to.include('<script src="/static/js/upload.js" defer></script>');
      expect(res.text.match(/name="authorName"/g)).to.have.length.greaterThan(2);
      expect((await request(app.server).get("/static/js/upload.js")).status).to.equal(200);
    });

    it("rule texts of the other kinds read as contest notices write them", () => {
      const experiment = defaultRules("experiment").files;
      expect(fileRuleText(experiment.video, "zh-CN")).to.equal("MP4/MOV，不超过 6 分钟，不超过 500MB，建议 1080p");
      expect(fileRuleText(experiment.intro, "zh-CN")).to.equal("MP4/MOV，不超过 20 秒，不超过 100MB");
      expect(fileRuleText(defaultRules("explainer").files.video, "zh-CN")).to.equal(
        "MP4/MOV，不超过 4 分 30 秒，不超过 500MB",
      );
      expect(fileRuleText({ ...experiment.video, minSeconds: 90, videoCodecs: ["hevc"] }, "en")).to.equal(
        "MP4/MOV, 1 min 30 s–6 min, up to 500MB, ideally 1080p and HEVC",
      );
      expect(acceptOf(experiment.plan)).to.equal(
        ".pdf,application/pdf,.docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      );
    });

    it("the same page in English, through the language switch", async () => {
      const en = await ownerPages.get(`/contests/${contestId}/submit?lang=en`);
      expect(en.text)
        .to.include('<html lang="en">')
        .and.include("Submit an entry")
        .and.include("Originality declaration");
      expect(en.text).to.include('data-rule="video">MP4, 2–5 min, up to 500MB, ideally 1080p and 16:9</p>');
      expect(en.text).to.include('<option value="科学防控">Epidemic science</option>');
      const zh = await ownerPages.get(`/contests/${contestId}/submit?lang=zh-CN`);
      expect(zh.text).to.include('<html lang="zh-CN">');
    });

    it("the contest page shows the same rule text and, to a contestant, a button to submit", async () => {
      const res = await ownerPages.get(`/contests/${contestId}`);
      expect(res.text).to.include("MP4，2–5 分钟，不超过 500MB，建议 1080p、16:9");
      expect(res.text).to.include(`href="/contests/${contestId}/submit"`);
      const organizer = await organizerPages.get(`/contests/${contestId}`);
      expect(organizer.text)
        .to.include(`href="/contests/${contestId}/entries"`)
        .and.include(`href="/contests/${contestId}/review"`);
      expect(organizer.text).not.to.include(`href="/contests/${contestId}/submit"`);
    });

    it("a plain form post (no script) with ?_csrf= creates the entry and redirects to its page with a message", async () => {
      const res = await formPost(ownerPages, submitUrl(), FORM_FIELDS, files());
      expect(res.status, res.text.slice(0, 500)).to.equal(303);
      const id = /^\/entries\/([^/?]+)$/.exec(res.headers.location)?.[1];
      expect(id).to.be.a("string");
      const row = await entryRow(id!);
      expect(row).to.include({
        title: "病毒是怎样传播的",
        category: "科学防控",
        city: "保定",
        unit: "保定市科技馆",
        status: "submitted",
      });
      expect(JSON.parse(row.authors)).to.deep.equal([{ name: "李明", role: "编导" }, { name: "王芳" }]);
      expect(await app.db("entry_files").where({ entry_id: id })).to.have.length(3);
      const page = await ownerPages.get(res.headers.location);
      expect(page.text).to.include(`作品已提交，编号 ${row.code}`);
    });

    it("a multipart post without a CSRF token, or with a wrong one, gets 403 and writes no row and no file", async () => {
      const before = await snapshot(app.db);
      const stored = filesUnder(app.ctx.config.uploadDir);
      const none = await formPost(ownerPages, `/contests/${contestId}/entries`, FORM_FIELDS, files());
      expect(none.status).to.equal(403);
      expect(none.text).to.include("页面已过期");
      const wrong = await formPost(ownerPages, submitUrl("0".repeat(64)), FORM_FIELDS, files()).set(
        "Accept",
        "application/json",
      );
      expect(wrong.status).to.equal(403);
      expect(wrong.body.error.code).to.equal("csrf_invalid");
      // The token in a form field does not count for multipart: it would be read only after the files.
      const inBody = await formPost(
        ownerPages,
        `/contests/${contestId}/entries`,
        { ...FORM_FIELDS, _csrf: token },
        files(),
      );
      expect(inBody.status).to.equal(403);
      expect(await snapshot(app.db)).to.deep.equal(before);
      expect(filesUnder(app.ctx.config.uploadDir)).to.deep.equal(stored);
    });

    it("the upload script's post (Accept: application/json, X-CSRF-Token) answers 201 {entry}", async () => {
      const body = videoSubmission(media, { fields: { title: "脚本提交的作品" } });
      let req = ownerPages
        .post(`/contests/${contestId}/entries`)
        .set("Accept", "application/json")
        .set("X-CSRF-Token", token);
      for (const [name, value] of Object.entries(body.fields)) req = req.field(name, value);
      for (const [role, file] of Object.entries(body.files)) req = req.attach(role, file);
      const res = await req;
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.entry).to.include({ title: "脚本提交的作品", status: "submitted", city: "保定" });
      expect(res.body.entry.code).to.match(/^SP-\d{4}-\d{4}$/);
    });

    it("a refusal answers the script with {error}, and re-renders the plain form with the message and what was typed", async () => {
      const before = await snapshot(app.db);
      const json = await formPost(ownerPages, submitUrl(), FORM_FIELDS, {
        video: media.valid1080,
        cover: media.coverPng,
      }).set("Accept", "application/json");
      expect(json.status).to.equal(400);
      expect(json.body.error).to.include({ code: "missing_files", message: "缺少必交材料：推荐表" });
      const html = await formPost(
        ownerPages,
        submitUrl(),
        { ...FORM_FIELDS, title: "没有推荐表" },
        { video: media.overLength, form: media.formPdf },
      );
      expect(html.status).to.equal(400);
      expect(html.text)
        .to.include("视频时长 5分30秒，超过上限 5分钟")
        .and.include('value="没有推荐表"')
        .and.include('value="李明"')
        .and.include("请重新选择");
      expect(await snapshot(app.db)).to.deep.equal(before);
      expect(filesUnder(app.ctx.config.uploadDir).filter((f) => f.startsWith(".incoming"))).to.deep.equal([]);
    });
  });

  describe("my entries and the entry page", () => {
    let entryId: string;
    let code: string;

    before(async () => {
      const res = await submit(
        app,
        contestId,
        owner.token,
        videoSubmission(media, { fields: { title: "我的作品页测试" } }),
      );
      ({ id: entryId, code } = res.body.entry);
    });

    it('"我的作品" is in the contestant\'s navigation and lists his entries with code, contest, status and checks', async () => {
      const res = await ownerPages.get("/my/entries");
      expect(res.status).to.equal(200);
      expect(res.text).to.include('href="/my/entries"').and.include("我的作品");
      expect(res.text)
        .to.include(code)
        .and.include("我的作品页测试")
        .and.include("河北省科普微视频大赛")
        .and.include("已提交")
        .and.include("待推荐")
        .and.include("全部符合要求");
      expect(res.text).to.include(`href="/entries/${entryId}"`);
    });

    it("the entry page shows the entry and plays its video from the file route, which honours Range (206)", async () => {
      const res = await ownerPages.get(`/entries/${entryId}`);
      expect(res.status).to.equal(200);
      expect(res.text)
        .to.include(code)
        .and.include("我的作品页测试")
        .and.include("李明（编导）、王芳")
        .and.include("保定市科技馆");
      expect(res.text).to.include(`<video controls preload="metadata" src="/entries/${entryId}/files/video"`);
      expect(res.text).to.include(`<img class="cover" src="/entries/${entryId}/files/cover"`);
      expect(res.text).to.include(`href="/entries/${entryId}/files/form?download=1"`);
      expect(res.text).to.include("✓ 视频分辨率 1920×1080");
      const range = await ownerPages.get(`/entries/${entryId}/files/video`).set("Range", "bytes=0-99");
      expect(range.status).to.equal(206);
      expect(range.headers["content-range"]).to.match(/^bytes 0-99\//);
      expect(range.headers["content-type"]).to.equal("video/mp4");
      const download = await ownerPages.get(`/entries/${entryId}/files/form?download=1`);
      expect(download.status).to.equal(200);
      expect(download.headers["content-disposition"]).to.match(/^attachment/);
    });

    it("another contestant gets 404 for the page and the file", async () => {
      const other = await createActor(app, "contestant", { city: "保定" });
      const pages = await pageSession(app, other.email, other.password);
      expect((await pages.get(`/entries/${entryId}`)).status).to.equal(404);
      expect((await pages.get(`/entries/${entryId}/files/video`)).status).to.equal(404);
    });
  });

  describe("organizer: list, CSV, format review, disqualification", () => {
    let hd720Id: string;
    let tangshanId: string;

    before(async () => {
      const tangshan = await createActor(app, "contestant", { city: "唐山" });
      tangshanId = (
        await submit(
          app,
          contestId,
          tangshan.token,
          videoSubmission(media, { fields: { title: "唐山的作品", city: "唐山", unit: "唐山一中" } }),
        )
      ).body.entry.id;
      hd720Id = (
        await submit(
          app,
          contestId,
          owner.token,
          videoSubmission(media, { fields: { title: "720p 的作品" }, files: { video: media.hd720 } }),
        )
      ).body.entry.id;
    });

    it("filters by city and by failing rule checks", async () => {
      const all = await organizerPages.get(`/contests/${contestId}/entries`);
      expect(all.status).to.equal(200);
      const total = await app.db("entries").where({ contest_id: contestId }).count({ n: "*" }).first();
      expect(all.text.match(/<tr data-code=/g)).to.have.length(Number(total!.n));

      const tangshan = await organizerPages.get(`/contests/${contestId}/entries?city=唐山&status=&q=`);
      expect(tangshan.status).to.equal(200);
      expect(tangshan.text.match(/<tr data-code=/g)).to.have.length(1);
      expect(tangshan.text).to.include("唐山的作品").and.not.include("720p 的作品");

      const failing = await organizerPages.get(`/contests/${contestId}/entries?failing=1`);
      expect(failing.text.match(/<tr data-code=/g)).to.have.length(1);
      expect(failing.text).to.include("720p 的作品").and.include("视频分辨率 1280×720，低于 1080p");
      // Handlebars writes "=" in attributes as "&#x3D;".
      expect(failing.text.replace(/&#x3D;/g, "=")).to.include(`href="/contests/${contestId}/entries.csv?failing=1"`);
      // The same file in several entries is flagged for organizers.
      expect(all.text).to.include("与以下作品文件相同");
    });

    it("the CSV export has one row per entry, and applies the same filters", async () => {
      const res = await organizerPages.get(`/contests/${contestId}/entries.csv`);
      expect(res.status).to.equal(200);
      expect(res.headers["content-type"]).to.match(/^text\/csv/);
      const rows: string[][] = parse(res.text, { bom: true });
      const total = await app.db("entries").where({ contest_id: contestId }).count({ n: "*" }).first();
      expect(rows[0]).to.include("作品编号");
      expect(rows.length - 1).to.equal(Number(total!.n));
      const codes = rows.slice(1).map((r) => r[0]);
      expect(new Set(codes).size).to.equal(codes.length);
      const tangshan: string[][] = parse(
        (await organizerPages.get(`/contests/${contestId}/entries.csv?city=唐山`)).text,
        { bom: true },
      );
      expect(tangshan).to.have.length(2);
      expect(tangshan[1][1]).to.equal("唐山的作品");
    });

    it("the format review page shows every rule's result and the 720p entry's resolution flag; 'only failing' narrows it", async () => {
      const res = await organizerPages.get(`/contests/${contestId}/review`);
      expect(res.status).to.equal(200);
      expect(res.text)
        .to.include("✗ 视频分辨率 1280×720，低于 1080p")
        .and.include("✓ 视频分辨率 1920×1080")
        .and.include("✓ 视频时长 2分5秒");
      const failing = await organizerPages.get(`/contests/${contestId}/review?failing=1`);
      expect(failing.text.match(/<tr data-code=/g)).to.have.length(1);
      expect(failing.text).to.include("720p 的作品");
    });

    it("the review pages are for organizers only", async () => {
      expect((await ownerPages.get(`/contests/${contestId}/review`)).status).to.equal(403);
      expect((await ownerPages.get(`/contests/${contestId}/entries`)).status).to.equal(403);
      expect((await ownerPages.get(`/contests/${contestId}/entries.csv`)).status).to.equal(403);
    });

    it("disqualifying needs a reason; the owner sees the reason; re-admitting clears it", async () => {
      const page = await organizerPages.get(`/contests/${contestId}/review`);
      const csrf = csrfOf(page.text);
      const noReason = await organizerPages
        .post(`/entries/${hd720Id}/disqualify`)
        .type("form")
        .send({ _csrf: csrf, reason: "  ", next: `/contests/${contestId}/review` });
      expect(noReason.status).to.equal(303);
      expect((await entryRow(hd720Id)).status).to.equal("submitted");
      expect((await organizerPages.get(noReason.headers.location)).text).to.include("提交的数据不符合要求");

      // It asks first, saying what disqualifying does, and changes nothing until confirmed.
      const asked = await organizerPages
        .post(`/entries/${hd720Id}/disqualify`)
        .type("form")
        .send({ _csrf: csrf, reason: "分辨率不足 1080p", next: `/contests/${contestId}/review` });
      expect(asked.status).to.equal(200);
      expect(asked.text).to.include("不参加排名，理由将告知参赛者").and.include("理由：分辨率不足 1080p");
      expect((await entryRow(hd720Id)).status).to.equal("submitted");
      const done = await organizerPages
        .post(`/entries/${hd720Id}/disqualify`)
        .type("form")
        .send({ _csrf: csrf, reason: "分辨率不足 1080p", next: `/contests/${contestId}/review`, confirmed: "1" });
      expect(done.status).to.equal(303);
      expect(done.headers.location).to.equal(`/contests/${contestId}/review`);
      expect(await entryRow(hd720Id)).to.include({ status: "disqualified", status_reason: "分辨率不足 1080p" });

      const ownerView = await ownerPages.get(`/entries/${hd720Id}`);
      expect(ownerView.text).to.include("不合格").and.include("不合格原因：分辨率不足 1080p");
      expect((await ownerPages.get("/my/entries")).text).to.include("分辨率不足 1080p");

      const readmit = await organizerPages.post(`/entries/${hd720Id}/readmit`).type("form").send({ _csrf: csrf });
      expect(readmit.headers.location).to.equal(`/entries/${hd720Id}`);
      expect(await entryRow(hd720Id)).to.include({ status: "submitted", status_reason: null });
    });

    it("a contestant cannot disqualify (403) and a form without its token is refused (403)", async () => {
      const csrf = csrfOf((await ownerPages.get("/my/entries")).text);
      const before = await writtenState(app);
      expect(
        (await ownerPages.post(`/entries/${tangshanId}/disqualify`).type("form").send({ _csrf: csrf, reason: "x" }))
          .status,
      ).to.equal(403);
      expect(
        (await organizerPages.post(`/entries/${tangshanId}/disqualify`).type("form").send({ reason: "x" })).status,
      ).to.equal(403);
      expect((await entryRow(tangshanId)).status).to.equal("submitted");
      await expectNothingWritten(app, before);
    });
  });

  describe("coordinator: city entries and recommendation within the quota", () => {
    let coordinatorPages: PageAgent;
    let first: { id: string; code: string };
    let second: { id: string; code: string };

    before(async () => {
      const coordinator = await createActor(app, "coordinator", { city: "保定" });
      coordinatorPages = await pageSession(app, coordinator.email, coordinator.password);
      first = (await submit(app, contestId, owner.token, videoSubmission(media, { fields: { title: "推荐一" } }))).body
        .entry;
      second = (await submit(app, contestId, owner.token, videoSubmission(media, { fields: { title: "推荐二" } }))).body
        .entry;
    });

    it("sees only his city's entries, with the quota and recommend buttons; the contest page links to them", async () => {
      const contest = await coordinatorPages.get(`/contests/${contestId}`);
      expect(contest.text).to.include(`href="/contests/${contestId}/entries"`).and.include("本市作品");
      const res = await coordinatorPages.get(`/contests/${contestId}/entries`);
      expect(res.status).to.equal(200);
      expect(res.text).to.include("本市作品").and.include("推荐一").and.not.include("唐山的作品");
      expect(res.text).to.include("本市推荐名额：已用 0 / 共 1");
      expect(res.text).to.include(`action="/entries/${first.id}/recommend"`);
    });

    it("recommends within the quota and is refused past it", async () => {
      const list = `/contests/${contestId}/entries`;
      const csrf = csrfOf((await coordinatorPages.get(list)).text);
      const ok = await coordinatorPages
        .post(`/entries/${first.id}/recommend`)
        .type("form")
        .send({ _csrf: csrf, next: list });
      expect(ok.status).to.equal(303);
      expect(ok.headers.location).to.equal(list);
      expect((await entryRow(first.id)).recommended_at).to.be.a("string");
      const after = await coordinatorPages.get(list);
      expect(after.text).to.include(`已推荐作品 ${first.code}`).and.include("本市推荐名额：已用 1 / 共 1");

      const before = await snapshot(app.db);
      const refused = await coordinatorPages
        .post(`/entries/${second.id}/recommend`)
        .type("form")
        .send({ _csrf: csrf, next: list });
      expect(refused.status).to.equal(303);
      expect((await coordinatorPages.get(list)).text).to.include("本市推荐名额（1 个）已用完");
      expect(await snapshot(app.db)).to.deep.equal(before);

      // Withdrawing the recommendation frees the place.
      await coordinatorPages.post(`/entries/${first.id}/unrecommend`).type("form").send({ _csrf: csrf });
      expect((await entryRow(first.id)).recommended_at).to.equal(null);
      const page = await coordinatorPages.get(`/entries/${second.id}`);
      expect(page.text)
        .to.include("本市推荐名额：已用 0 / 共 1")
        .and.include(`action="/entries/${second.id}/recommend"`);
    });
  });

  describe("the owner's edit and withdraw", () => {
    it("work while the contest is open, and are refused after closing", async () => {
      const { contestId: _c, ...created } = (
        await submit(app, contestId, owner.token, videoSubmission(media, { fields: { title: "待修改" } }))
      ).body.entry;
      const id = created.id as string;
      const page = await ownerPages.get(`/entries/${id}`);
      expect(page.text)
        .to.include('data-testid="edit-form"')
        .and.include(`action="/entries/${id}?_csrf=${token}"`)
        .and.include('data-testid="withdraw"');
      // Replacing is optional: no file input is required in the edit form.
      expect(page.text).not.to.match(/<input type="file"[^>]* required>/);

      const edit = await formPost(
        ownerPages,
        `/entries/${id}?_csrf=${token}`,
        { ...FORM_FIELDS, declaration: [], title: "已修改", authorName: ["赵强", ""], authorRole: ["", ""] },
        { cover: media.coverJpeg },
      );
      expect(edit.status, edit.text.slice(0, 400)).to.equal(303);
      const row = await entryRow(id);
      expect(row.title).to.equal("已修改");
      expect(JSON.parse(row.authors)).to.deep.equal([{ name: "赵强" }]);
      expect((await app.db("entry_files").where({ entry_id: id, role: "cover" }).first()).content_type).to.equal(
        "jpeg",
      );

      const csrf = csrfOf(page.text);
      const other = (await submit(app, contestId, owner.token, videoSubmission(media, { fields: { title: "待撤回" } })))
        .body.entry.id as string;
      const withdraw = await ownerPages.post(`/entries/${other}/withdraw`).type("form").send({ _csrf: csrf });
      expect(withdraw.status).to.equal(303);
      expect((await entryRow(other)).status).to.equal("withdrawn");
      expect((await ownerPages.get(`/entries/${other}`)).text)
        .to.include("已撤回")
        .and.not.include('data-testid="edit-form"');

      const closed = await request(app.server)
        .post(`/api/v1/contests/${contestId}/stage`)
        .set("Authorization", `Bearer ${admin}`)
        .send({ to: "closed" });
      expect(closed.status).to.equal(200);
      const before = await snapshot(app.db);
      const afterPage = await ownerPages.get(`/entries/${id}`);
      expect(afterPage.text).not.to.include('data-testid="edit-form"').and.not.include('data-testid="withdraw"');
      const lateEdit = await formPost(ownerPages, `/entries/${id}?_csrf=${token}`, { title: "截止后修改" }, {});
      expect(lateEdit.status).to.equal(409);
      expect(lateEdit.text).to.include("该赛事当前不接受作品提交或修改");
      const lateJson = await formPost(ownerPages, `/entries/${id}?_csrf=${token}`, { title: "截止后修改" }, {}).set(
        "Accept",
        "application/json",
      );
      expect(lateJson.status).to.equal(409);
      expect(lateJson.body.error.code).to.equal("submissions_closed");
      const lateWithdraw = await ownerPages.post(`/entries/${id}/withdraw`).type("form").send({ _csrf: csrf });
      expect(lateWithdraw.status).to.equal(303);
      expect((await ownerPages.get(lateWithdraw.headers.location)).text).to.include("该赛事当前不接受作品提交或修改");
      expect(await snapshot(app.db)).to.deep.equal(before);
      // And the submission page itself says the contest is closed.
      expect((await ownerPages.get(`/contests/${contestId}/submit`)).status).to.equal(409);
    });
  });
});
