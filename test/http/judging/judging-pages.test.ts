import { expect } from "chai";
import { parse } from "csv-parse/sync";
import request from "supertest";
import { ADMIN, createActor, snapshot, startTestApp, type Actor, type TestApp } from "../../helpers/app.js";
import { openContest, submit, videoSubmission } from "../../helpers/entries.js";
import { testMedia } from "../../helpers/media.js";
import { csrfOf, pageSession, type PageAgent } from "../../helpers/pages.js";

/**
 * The judging pages through the real app: the judge's workspace and score form (anonymous entries,
 * the declaration first, the rubric's limits on the server), the organizer's pool, assignment
 * matrix, progress (and its CSV) and score history.
 */
describe("judging pages", () => {
  let app: TestApp;
  let admin: string;
  let contestId: string;
  let organizer: PageAgent;
  let judges: Actor[];
  let judgePage: PageAgent;
  // Who made the entries: distinctive strings that must never reach a judge's page.
  const people = [
    { author: "欧阳铁柱", second: "司马小翠", unit: "燕赵奇点科技研究所", city: "张家口" },
    { author: "诸葛春晓", second: "上官秋水", unit: "渤海湾星辰实验学校", city: "承德" },
    { author: "慕容青松", second: "东方晨曦", unit: "太行山麓创客工坊", city: "张家口" },
  ];
  const entries: { id: string; code: string; title: string }[] = [];

  const as = (token: string) => ({
    get: (path: string) => request(app.server).get(path).set("Authorization", `Bearer ${token}`),
    post: (path: string, body?: object) =>
      request(app.server).post(path).set("Authorization", `Bearer ${token}`).send(body),
  });
  const html = (agent: PageAgent, path: string) => agent.get(path).set("Accept", "text/html");
  /** Posts a form as the browser does (urlencoded, with the page's CSRF token). */
  const postForm = (agent: PageAgent, path: string, token: string, fields: Record<string, string | string[]>) => {
    const body = new URLSearchParams({ _csrf: token });
    for (const [name, value] of Object.entries(fields))
      for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
    return agent.post(path).type("form").set("Accept", "text/html").send(body.toString());
  };
  const assignments = async () =>
    (await as(admin).get(`/api/v1/contests/${contestId}/assignments`)).body.assignments as {
      id: string;
      entryId: string;
      judgeId: string;
      status: string;
    }[];
  const expectAnonymous = (text: string) => {
    for (const p of people) {
      expect(text).not.to.include(p.author);
      expect(text).not.to.include(p.second);
      expect(text).not.to.include(p.unit);
      expect(text).not.to.include(p.city);
    }
    // Nor the names the files were uploaded under.
    expect(text).not.to.match(/valid-1080p|form\.pdf|cover\.png/);
  };

  before(async function () {
    this.timeout(120_000);
    const media = await testMedia();
    app = await startTestApp();
    ({ id: contestId, admin } = await openContest(app, {
      title: "河北省科普微视频大赛（评审页面）",
      judgesPerEntry: 2,
      rubric: {
        criteria: [
          { key: "science", label: "科学性", max: 40, step: 1, description: "内容科学准确" },
          { key: "art", label: "艺术性", max: 30, step: 0.5 },
          { key: "fun", label: "趣味性", max: 30, step: 1 },
        ],
        deductions: [{ key: "overtime", label: "超时扣分", max: 5, step: 1 }],
      },
    }));
    const contestant = await createActor(app, "contestant", { city: "张家口", unit: people[0].unit });
    for (const [i, p] of people.entries()) {
      const title = `流感病毒的秘密 第${i + 1}集`;
      const res = await submit(
        app,
        contestId,
        contestant.token,
        videoSubmission(media, {
          fields: {
            title,
            unit: p.unit,
            city: p.city,
            category: i % 2 ? "科学防控" : "科普行动",
            authors: JSON.stringify([{ name: p.author, role: "编导" }, { name: p.second }]),
          },
        }),
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      entries.push({ id: res.body.entry.id, code: res.body.entry.code, title });
    }
    judges = [];
    // Judge 0 works at the unit of entry 0: a conflict of interest.
    judges.push(
      await createActor(app, "judge", {
        name: "评委甲",
        unit: people[0].unit,
        city: "石家庄",
        expertise: ["科普行动"],
      }),
    );
    judges.push(
      await createActor(app, "judge", {
        name: "评委乙",
        unit: "河北师范大学",
        city: "石家庄",
        expertise: ["科学防控"],
      }),
    );
    judges.push(
      await createActor(app, "judge", {
        name: "评委丙",
        unit: "河北大学",
        city: "保定",
        expertise: ["科普行动", "科学防控"],
      }),
    );
    organizer = await pageSession(app, ADMIN.email, ADMIN.password);
  });
  after(() => app?.close());

  describe("the organizer prepares judging", () => {
    it("the judging page lists every active judge with unit and expertise, and the empty matrix", async () => {
      const res = await html(organizer, `/contests/${contestId}/judging`);
      expect(res.status).to.equal(200);
      expect(res.text).to.include("评审管理").and.include("评委库").and.include("自动分配");
      for (const j of judges) expect(res.text).to.include(j.user.name).and.include(`value="${j.user.id}"`);
      expect(res.text).to.include("河北师范大学").and.include("科学防控");
      for (const e of entries) expect(res.text).to.include(e.code);
    });

    it("the contest page links organizers to the judging and progress pages", async () => {
      const res = await html(organizer, `/contests/${contestId}`);
      expect(res.text)
        .to.include(`href="/contests/${contestId}/judging"`)
        .and.include(`href="/contests/${contestId}/progress"`);
    });

    it("saves the pool through the form (setPool)", async () => {
      const page = await html(organizer, `/contests/${contestId}/judging`);
      const res = await postForm(organizer, `/contests/${contestId}/judging/pool`, csrfOf(page.text), {
        judgeIds: judges.map((j) => j.user.id),
      });
      expect(res.status, res.text.slice(0, 500)).to.equal(303);
      expect((await as(admin).get(`/api/v1/contests/${contestId}/judges`)).body.judgeIds).to.have.members(
        judges.map((j) => j.user.id),
      );
      const after = await html(organizer, `/contests/${contestId}/judging`);
      expect(after.text).to.include("评委库已保存（3 位评委）");
      expect(after.text).to.match(/data-testid="pool-size">3</);
    });

    it("assigns automatically with a seed and shows the count, mismatches and loads", async () => {
      const page = await html(organizer, `/contests/${contestId}/judging`);
      const res = await postForm(organizer, `/contests/${contestId}/judging/auto`, csrfOf(page.text), { seed: "7" });
      expect(res.status).to.equal(303);
      const after = await html(organizer, `/contests/${contestId}/judging`);
      expect(after.text).to.match(/已自动分配 6 条评审任务；专业不匹配 \d+ 条；每位评委 2–2 件/);
      const list = await assignments();
      expect(list).to.have.length(6);
      // The matrix: a row per entry, a cell per assignment, the loads in the footer.
      expect(after.text.match(/data-testid="cell"/g)).to.have.length(6);
      for (const j of judges) expect(after.text).to.include(`data-testid="load" data-judge="${j.user.id}">2<`);
      expect(list.some((a) => a.entryId === entries[0].id && a.judgeId === judges[0].user.id)).to.equal(false);
    });

    it("a conflicting manual add is refused with the server's message, and writes nothing", async () => {
      const page = await html(organizer, `/contests/${contestId}/judging`);
      const before = await snapshot(app.db);
      const res = await postForm(organizer, `/contests/${contestId}/judging/assignments`, csrfOf(page.text), {
        entryId: entries[0].id,
        judgeId: judges[0].user.id,
      });
      expect(res.status).to.equal(409);
      expect(res.text)
        .to.include("该评委需回避此作品（与作品同一单位）")
        .and.include('data-code="conflict_of_interest"');
      // The form keeps what was chosen.
      expect(res.text).to.match(new RegExp(`<option value="${entries[0].id}" selected>`));
      expect(await snapshot(app.db)).to.deep.equal(before);
    });

    it("removes, adds back and swaps single assignments through the matrix forms", async () => {
      const entry = entries[1];
      const mine = (await assignments()).filter((a) => a.entryId === entry.id);
      const free = judges.find((j) => !mine.some((a) => a.judgeId === j.user.id))!;
      let token = csrfOf((await html(organizer, `/contests/${contestId}/judging`)).text);
      const removePath = `/contests/${contestId}/judging/assignments/${mine[0].id}/remove`;
      const asked = await postForm(organizer, removePath, token, {});
      expect(asked.status).to.equal(200);
      expect(asked.text).to.include("评分草稿将一并删除");
      expect((await assignments()).filter((a) => a.entryId === entry.id)).to.have.length(2);
      expect((await postForm(organizer, removePath, token, { confirmed: "1" })).status).to.equal(303);
      expect((await assignments()).filter((a) => a.entryId === entry.id)).to.have.length(1);
      token = csrfOf((await html(organizer, `/contests/${contestId}/judging`)).text);
      expect(
        (
          await postForm(organizer, `/contests/${contestId}/judging/assignments`, token, {
            entryId: entry.id,
            judgeId: mine[0].judgeId,
          })
        ).status,
      ).to.equal(303);
      expect((await assignments()).filter((a) => a.entryId === entry.id)).to.have.length(2);
      const again = (await assignments()).find((a) => a.entryId === entry.id && a.judgeId === mine[0].judgeId)!;
      token = csrfOf((await html(organizer, `/contests/${contestId}/judging`)).text);
      const swapped = await postForm(organizer, `/contests/${contestId}/judging/assignments/${again.id}/swap`, token, {
        judgeId: free.user.id,
      });
      expect(swapped.status).to.equal(303);
      const now = (await assignments()).filter((a) => a.entryId === entry.id).map((a) => a.judgeId);
      expect(now).to.include(free.user.id).and.not.include(mine[0].judgeId);
      // Back to the seeded assignment: equal loads for the rest of the tests.
      token = csrfOf((await html(organizer, `/contests/${contestId}/judging`)).text);
      expect((await postForm(organizer, `/contests/${contestId}/judging/auto`, token, { seed: "7" })).status).to.equal(
        303,
      );
    });

    it("a swap to a conflicting judge is refused with the message", async () => {
      const target = (await assignments()).find((a) => a.entryId === entries[0].id)!;
      const before = await snapshot(app.db);
      const token = csrfOf((await html(organizer, `/contests/${contestId}/judging`)).text);
      const res = await postForm(organizer, `/contests/${contestId}/judging/assignments/${target.id}/swap`, token, {
        judgeId: judges[0].user.id,
      });
      expect(res.status).to.equal(409);
      expect(res.text).to.include("与作品同一单位");
      expect(await snapshot(app.db)).to.deep.equal(before);
    });

    it("judges and contestants cannot open the organizer's pages; forms need their CSRF token", async () => {
      const judge = await pageSession(app, judges[1].email, judges[1].password);
      expect((await html(judge, `/contests/${contestId}/judging`)).status).to.equal(403);
      expect((await html(judge, `/contests/${contestId}/progress`)).status).to.equal(403);
      expect((await html(judge, `/entries/${entries[0].id}/history`)).status).to.equal(403);
      expect((await html(request.agent(app.server), `/contests/${contestId}/judging`)).status).to.equal(401);
      const before = await snapshot(app.db);
      const res = await organizer
        .post(`/contests/${contestId}/judging/auto`)
        .type("form")
        .set("Accept", "text/html")
        .send("seed=3");
      expect(res.status).to.equal(403);
      expect(await snapshot(app.db)).to.deep.equal(before);
    });
  });

  describe("a judge scores", () => {
    let judge: Actor;
    let mine: { id: string; entryId: string }[];

    before(async () => {
      expect((await as(admin).post(`/api/v1/contests/${contestId}/stage`, { to: "closed" })).status).to.equal(200);
      expect((await as(admin).post(`/api/v1/contests/${contestId}/stage`, { to: "judging" })).status).to.equal(200);
      judge = judges[2]!;
      mine = (await assignments()).filter((a) => a.judgeId === judge.user.id);
      expect(mine).to.have.length(2);
      judgePage = await pageSession(app, judge.email, judge.password);
    });

    it("the nav leads a judge to 评审任务; contestants may not open it", async () => {
      const res = await html(judgePage, "/contests");
      expect(res.text).to.include('href="/judge"').and.include("评审任务");
      const contestant = await createActor(app, "contestant");
      expect((await html(await pageSession(app, contestant.email, contestant.password), "/judge")).status).to.equal(
        403,
      );
    });

    it("before the declaration, /judge shows the declaration first and no entry", async () => {
      const res = await html(judgePage, "/judge");
      expect(res.status).to.equal(200);
      expect(res.text)
        .to.include("回避声明")
        .and.include("与所评作品的作者及其所在单位不存在")
        .and.include("严格保密")
        .and.include("主动申请回避");
      expect(res.text).to.include(`action="/judge/contests/${contestId}/declaration"`);
      expect(res.text).not.to.include('data-testid="queue-item"');
      for (const e of entries) expect(res.text).not.to.include(e.code);
      expectAnonymous(res.text);
    });

    it("before the declaration, the entry page shows the declaration, and scoring through the form is refused (403), writing nothing", async () => {
      const page = await html(judgePage, `/judge/assignments/${mine[0].id}`);
      expect(page.status).to.equal(200);
      expect(page.text).to.include('data-testid="declaration"');
      expect(page.text).not.to.include("<video").and.not.include('data-testid="score-form"');
      const before = await snapshot(app.db);
      const res = await postForm(judgePage, `/judge/assignments/${mine[0].id}`, csrfOf(page.text), {
        "scores[science]": "30",
        "scores[art]": "20",
        "scores[fun]": "20",
        action: "submit",
      });
      expect(res.status).to.equal(403);
      expect(res.text).to.include("请先阅读并接受回避声明");
      expect(await snapshot(app.db)).to.deep.equal(before);
    });

    it("accepting the declaration through the form opens the queue: codes, titles, themes, status; never who made them", async () => {
      const page = await html(judgePage, "/judge");
      const res = await postForm(judgePage, `/judge/contests/${contestId}/declaration`, csrfOf(page.text), {
        accept: "true",
        next: "/judge",
      });
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal("/judge");
      const queue = await html(judgePage, "/judge");
      expect(queue.text).to.include("已接受回避声明");
      expect(queue.text).not.to.include('data-testid="declaration"');
      expect(queue.text.match(/data-testid="queue-item"/g)).to.have.length(2);
      for (const a of mine) {
        const e = entries.find((x) => x.id === a.entryId)!;
        expect(queue.text).to.include(e.code).and.include(e.title).and.include(`href="/judge/assignments/${a.id}"`);
      }
      expect(queue.text).to.include("待评").and.include("已提交 0 / 2 件").and.include("初评");
      expectAnonymous(queue.text);
    });

    it("the entry page plays the video from an anonymous file route and names documents by code; no author, unit or city", async () => {
      const res = await html(judgePage, `/judge/assignments/${mine[0].id}`);
      expect(res.status).to.equal(200);
      const entry = entries.find((e) => e.id === mine[0].entryId)!;
      expect(res.text).to.include(entry.code).and.include(entry.title).and.include("用动画讲解飞沫与接触传播");
      const video = /<video controls playsinline preload="metadata" src="([^"]+)"/.exec(res.text);
      expect(video, "a <video controls playsinline preload=metadata>").to.not.equal(null);
      expect(video![1]).to.equal(`/judge/entries/${entry.id}/files/video`);
      const range = await judgePage.get(video![1]).set("Range", "bytes=0-99");
      expect(range.status).to.equal(206);
      expect(range.headers["content-type"]).to.equal("video/mp4");
      // The recommendation form names the author's unit: never offered to judges, and refused by the route.
      expect(res.text).not.to.include("/files/form");
      expect((await judgePage.get(`/judge/entries/${entry.id}/files/form`).set("Accept", "text/html")).status).to.equal(
        404,
      );
      // Another judge's entry is not served.
      const other = entries.find((e) => !mine.some((a) => a.entryId === e.id))!;
      expect(
        (await judgePage.get(`/judge/entries/${other.id}/files/video`).set("Accept", "text/html")).status,
      ).to.equal(404);
      // Downloads are named by the entry's code, never by the uploaded file's name.
      expect(res.text).to.include(`href="${video![1]}?download"`);
      const download = await judgePage.get(`${video![1]}?download`).set("Range", "bytes=0-9");
      expect(download.headers["content-disposition"]).to.include(`${entry.code}-video.mp4`);
      // The score form, from the rubric.
      expect(res.text).to.match(
        /<input type="number" inputmode="decimal" id="score-science" name="scores\[science\]" min="0" max="40" step="1"/,
      );
      expect(res.text).to.match(/name="scores\[art\]" min="0" max="30" step="0.5"/);
      expect(res.text).to.match(/name="deductions\[overtime\]" min="0" max="5" step="1"/);
      expect(res.text)
        .to.include('type="range"')
        .and.include("科学性")
        .and.include("内容科学准确")
        .and.include("满分 100 分");
      expect(res.text)
        .to.include('value="draft"')
        .and.include("保存草稿")
        .and.include('value="submit"')
        .and.include("提交评分");
      expect(res.text).to.include('name="comment"').and.include('src="/static/js/score.js"');
      expectAnonymous(res.text);
    });

    it("a score over its maximum re-renders the form with the message and the values typed, writing nothing", async () => {
      const page = await html(judgePage, `/judge/assignments/${mine[0].id}`);
      const before = await snapshot(app.db);
      const res = await postForm(judgePage, `/judge/assignments/${mine[0].id}`, csrfOf(page.text), {
        "scores[science]": "41",
        "scores[art]": "20",
        "scores[fun]": "18",
        comment: "画面很好",
        action: "submit",
      });
      expect(res.status).to.equal(400);
      expect(res.text)
        .to.include('data-code="validation_failed"')
        .and.include("科学性")
        .and.include("分数须在 0–40 之间");
      expect(res.text).not.to.include("scores.science");
      expect(res.text)
        .to.match(/name="scores\[science\]"[^>]*value="41"/)
        .and.match(/name="scores\[fun\]"[^>]*value="18"/);
      expect(res.text).to.include("画面很好");
      expectAnonymous(res.text);
      expect(await snapshot(app.db)).to.deep.equal(before);
    });

    it("a score off its step re-renders with the step message, writing nothing", async () => {
      const page = await html(judgePage, `/judge/assignments/${mine[0].id}`);
      const before = await snapshot(app.db);
      const res = await postForm(judgePage, `/judge/assignments/${mine[0].id}`, csrfOf(page.text), {
        "scores[science]": "30",
        "scores[art]": "20.3",
        "scores[fun]": "18",
        action: "draft",
      });
      expect(res.status).to.equal(400);
      expect(res.text).to.include("艺术性").and.include("分数须为 0.5 的整数倍");
      expect(res.text).to.match(/name="scores\[art\]"[^>]*value="20.3"/);
      expect(await snapshot(app.db)).to.deep.equal(before);
    });

    it("a submit with a criterion left empty is refused, naming it", async () => {
      const page = await html(judgePage, `/judge/assignments/${mine[0].id}`);
      const before = await snapshot(app.db);
      const res = await postForm(judgePage, `/judge/assignments/${mine[0].id}`, csrfOf(page.text), {
        "scores[science]": "30",
        "scores[art]": "",
        "scores[fun]": "18",
        action: "submit",
      });
      expect(res.status).to.equal(400);
      expect(res.text).to.include("请填写此项分数");
      expect(await snapshot(app.db)).to.deep.equal(before);
    });

    it("saves a partial draft through the form, then submits it: status, total and history", async () => {
      const url = `/judge/assignments/${mine[0].id}`;
      let page = await html(judgePage, url);
      const draft = await postForm(judgePage, url, csrfOf(page.text), {
        "scores[science]": "35",
        "scores[art]": "",
        "scores[fun]": "",
        comment: "科学性强",
        action: "draft",
      });
      expect(draft.status, draft.text.slice(0, 400)).to.equal(303);
      page = await html(judgePage, url);
      expect(page.text)
        .to.include("草稿已保存")
        .and.match(/data-testid="sheet-status">草稿</);
      expect(page.text)
        .to.match(/name="scores\[science\]"[^>]*value="35"/)
        .and.include("科学性强");
      let row = await app.db("assignments").where({ id: mine[0].id }).first();
      expect(row.status).to.equal("draft");

      const sent = await postForm(judgePage, url, csrfOf(page.text), {
        "scores[science]": "35",
        "scores[art]": "22.5",
        "scores[fun]": "18",
        "deductions[overtime]": "1",
        comment: "科学性强",
        action: "submit",
      });
      expect(sent.status).to.equal(303);
      row = await app.db("assignments").where({ id: mine[0].id }).first();
      expect(row.status).to.equal("submitted");
      expect(Number(row.total)).to.equal(74.5);
      page = await html(judgePage, url);
      expect(page.text)
        .to.include("评分已提交，总分 74.5")
        .and.match(/data-testid="total">74.5</);
      expect(page.text).to.include('data-testid="next-entry"');
      // Changed from now on by submitting again, never turned back into a draft by a stray tap.
      expect(page.text).to.include('data-testid="resubmit-hint"').and.not.include('data-testid="save-draft"');
      const queue = await html(judgePage, "/judge");
      expect(queue.text).to.include("已提交 1 / 2 件").and.include("74.5 分");
    });

    it("another judge's assignment is refused (403 page)", async () => {
      const others = (await assignments()).find((a) => a.judgeId !== judge.user.id)!;
      expect((await html(judgePage, `/judge/assignments/${others.id}`)).status).to.equal(403);
      const token = csrfOf((await html(judgePage, "/judge")).text);
      const before = await snapshot(app.db);
      const res = await postForm(judgePage, `/judge/assignments/${others.id}`, token, {
        "scores[science]": "30",
        "scores[art]": "20",
        "scores[fun]": "20",
        action: "submit",
      });
      expect(res.status).to.equal(403);
      expect(await snapshot(app.db)).to.deep.equal(before);
    });

    it("the organizer's progress page counts per judge and per entry, late judges first", async () => {
      const res = await html(organizer, `/contests/${contestId}/progress`);
      expect(res.status).to.equal(200);
      expect(res.text).to.include("评审进度").and.include('data-testid="late-judges"').and.include("3 位评委尚未完成");
      expect(res.text)
        .to.match(/data-testid="total-assigned">6</)
        .and.match(/data-testid="total-submitted">1</);
      const late = res.text.indexOf('data-testid="late-judges"');
      expect(late).to.be.greaterThan(0).and.lessThan(res.text.indexOf('data-testid="judge-progress"'));
      for (const e of entries) expect(res.text).to.include(e.code);
      expect(res.text).to.include(`href="/contests/${contestId}/progress.csv"`);
    });

    it("the progress CSV has a BOM, Chinese headers and one row per judge", async () => {
      const res = await organizer
        .get(`/contests/${contestId}/progress.csv`)
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on("data", (c: Buffer) => chunks.push(c));
          r.on("end", () => cb(null, Buffer.concat(chunks).toString("utf8")));
        });
      expect(res.status).to.equal(200);
      expect(res.headers["content-type"]).to.match(/text\/csv/);
      const body = res.body as string;
      expect(body.charCodeAt(0)).to.equal(0xfeff);
      const rows: string[][] = parse(body.slice(1));
      expect(rows[0]).to.deep.equal(["评委", "已分配", "已提交", "草稿", "未完成", "已签回避声明"]);
      expect(rows.slice(1)).to.have.length(3);
      const mineRow = rows.find((r) => r[0] === judge.user.name)!;
      expect(mineRow).to.deep.equal([judge.user.name, "2", "1", "0", "1", "是"]);
    });

    it("the organizer sees an entry's score history: judge, time, old and new values", async () => {
      const res = await html(organizer, `/entries/${mine[0].entryId}/history`);
      expect(res.status).to.equal(200);
      expect(res.text.match(/data-testid="history-item"/g)).to.have.length(2);
      expect(res.text).to.include(judge.user.name).and.include("科学性").and.include("艺术性").and.include("超时扣分");
      expect(res.text).to.include("状态：草稿 → 已提交").and.include("总分：— → 74.5");
    });

    it("the pages switch to English", async () => {
      const res = await html(judgePage, `/judge/assignments/${mine[1].id}?lang=en`);
      await html(judgePage, "/judge?lang=zh-CN");
      expect(res.text)
        .to.include('<html lang="en">')
        .and.include("Save draft")
        .and.include("Submit score")
        .and.include("out of 100")
        .and.include("Category: ");
    });

    it("after the round closes, the sheet is read-only and a form post is refused, writing nothing", async () => {
      expect((await as(admin).post(`/api/v1/contests/${contestId}/stage`, { to: "review" })).status).to.equal(200);
      const page = await html(judgePage, `/judge/assignments/${mine[1].id}`);
      expect(page.status).to.equal(200);
      expect(page.text)
        .to.include('data-testid="read-only"')
        .and.include("评分不能再修改")
        .and.match(/<fieldset class="plain" disabled>/);
      expect(page.text).not.to.include('data-testid="submit-score"');
      const before = await snapshot(app.db);
      const res = await postForm(judgePage, `/judge/assignments/${mine[1].id}`, csrfOf(page.text), {
        "scores[science]": "30",
        "scores[art]": "20",
        "scores[fun]": "20",
        action: "submit",
      });
      expect(res.status).to.equal(409);
      expect(res.text).to.include("不能评分");
      expect(await snapshot(app.db)).to.deep.equal(before);
    });
  });
});
