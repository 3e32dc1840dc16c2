import { expect } from "chai";
import request from "supertest";
import { ADMIN, createActor, startTestApp, type Actor, type TestApp } from "../../helpers/app.js";
import { openContest, submit, videoSubmission } from "../../helpers/entries.js";
import { testMedia } from "../../helpers/media.js";
import { csrfOf, pageSession, type PageAgent } from "../../helpers/pages.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

/**
 * Assignment that explains itself (issue 10 item 7): the pool is chosen and assigned in one step; an
 * infeasible pool is refused naming each blocked entry and why, writing nothing; a partial assignment
 * gives everything else its judges and reports the short entries.
 */
describe("automatic assignment, explained", () => {
  let app: TestApp;
  let admin: string;
  let contestId: string;
  let organizer: PageAgent;
  /** In the pool: 河北大学 (unit of entry 0), 保定 (city of entry 0), 唐山 (city of entry 1), the author of entry 1. */
  let pool: Actor[];
  /** Not in the pool, and free of conflicts with every entry. */
  let outsider: Actor;
  const entries: { id: string; code: string; title: string }[] = [];

  const as = (token: string) => ({
    get: (path: string) => request(app.server).get(path).set("Authorization", `Bearer ${token}`),
    post: (path: string, body?: object) =>
      request(app.server).post(path).set("Authorization", `Bearer ${token}`).send(body),
  });
  const auto = (body: object, language = "zh-CN") =>
    as(admin).post(`/api/v1/contests/${contestId}/assignments/auto`, body).set("Accept-Language", language);
  const html = (path: string) => organizer.get(path).set("Accept", "text/html");
  const postForm = (path: string, token: string, fields: Record<string, string | string[]>) => {
    const body = new URLSearchParams({ _csrf: token });
    for (const [name, value] of Object.entries(fields))
      for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
    return organizer.post(path).type("form").set("Accept", "text/html").send(body.toString());
  };
  const poolIds = () => pool.map((j) => j.user.id);

  before(async function () {
    this.timeout(120_000);
    const media = await testMedia();
    app = await startTestApp();
    ({ id: contestId, admin } = await openContest(app, {
      title: "河北省科普微视频大赛（分配说明）",
      judgesPerEntry: 3,
      rules: { sameCityConflict: true, maxEntriesPerAuthor: null },
    }));
    pool = [
      await createActor(app, "judge", { name: "河大评委", unit: "河北大学", city: "石家庄", expertise: ["科普行动"] }),
      await createActor(app, "judge", { name: "保定评委", unit: "保定学院", city: "保定", expertise: ["科学防控"] }),
      await createActor(app, "judge", { name: "唐山评委", unit: "唐山学院", city: "唐山", expertise: [] }),
      await createActor(app, "judge", { name: "赵作者", unit: "邢台学院", city: "邢台", expertise: ["科普行动"] }),
    ];
    outsider = await createActor(app, "judge", { name: "库外评委", unit: "承德学院", city: "承德" });
    const contestant = await createActor(app, "contestant", { city: "保定" });
    const made = [
      { title: "保定的河大作品", unit: "河北大学", city: "保定", author: "钱一" },
      { title: "唐山的赵作者作品", unit: "唐山科技馆", city: "唐山", author: "赵作者" },
      { title: "廊坊作品", unit: "廊坊科技馆", city: "廊坊", author: "孙三" },
      { title: "沧州作品", unit: "沧州科技馆", city: "沧州", author: "李四" },
    ];
    for (const m of made) {
      const res = await submit(
        app,
        contestId,
        contestant.token,
        videoSubmission(media, {
          fields: { title: m.title, unit: m.unit, city: m.city, authors: JSON.stringify([{ name: m.author }]) },
        }),
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      entries.push({ id: res.body.entry.id, code: res.body.entry.code, title: m.title });
    }
    organizer = await pageSession(app, ADMIN.email, ADMIN.password);
    // The organizer opens the judging page first, as he would: the round exists from then on.
    expect((await html(`/contests/${contestId}/judging`)).status).to.equal(200);
  });
  after(() => app?.close());

  describe("through the API", () => {
    it("with no pool saved, it says plainly that no judges are chosen (zh-CN and en), and writes nothing", async () => {
      const before = await writtenState(app);
      const res = await auto({ seed: 1 });
      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal("pool_empty");
      expect(res.body.error.message).to.include("尚未选择评委").and.not.include("只有 0 位");
      expect(res.body.error.details).to.deep.equal({ reason: "pool_empty", needed: 3, pool: 0 });
      const en = await auto({ judgeIds: [] }, "en");
      expect(en.status).to.equal(409);
      expect(en.body.error.message).to.include("No judges chosen yet");
      await expectNothingWritten(app, before, "an assignment without judges");
    });

    it("a pool smaller than judgesPerEntry says how many more judges are needed, and writes nothing", async () => {
      const before = await writtenState(app);
      const res = await auto({ judgeIds: [pool[2].user.id, outsider.user.id] });
      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal("assignment_infeasible");
      expect(res.body.error.message).to.equal("评委库只有 2 位评委，每件作品需要 3 位：请至少再选 1 位");
      expect(res.body.error.details).to.include({ reason: "too_few_judges", needed: 3, pool: 2, more: 1 });
      expect(res.body.error.details.blocked).to.have.length(4);
      await expectNothingWritten(app, before, "a pool too small");
    });

    it("an infeasible pool names each blocked entry with its conflicts and the judges who could help; nothing written", async () => {
      const before = await writtenState(app);
      const res = await auto({ judgeIds: poolIds(), seed: 1 });
      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal("assignment_infeasible");
      expect(res.body.error.message)
        .to.include("2 件作品可选的评委不足 3 位")
        .and.include(entries[0].code)
        .and.include(entries[1].code)
        .and.not.include(entries[2].code);
      const none = { author: 0, unit: 0, avoidUnit: 0, city: 0, declared: 0 };
      expect(res.body.error.details).to.deep.equal({
        reason: "too_few_eligible",
        needed: 3,
        pool: 4,
        blocked: [
          {
            entryId: entries[0].id,
            code: entries[0].code,
            title: entries[0].title,
            eligible: 2,
            needed: 3,
            conflicts: { ...none, unit: 1, city: 1 },
            notInPool: 1,
          },
          {
            entryId: entries[1].id,
            code: entries[1].code,
            title: entries[1].title,
            eligible: 2,
            needed: 3,
            conflicts: { ...none, author: 1, city: 1 },
            notInPool: 1,
          },
        ],
      });
      // The pool chosen in the same step is not saved either.
      await expectNothingWritten(app, before, "an infeasible assignment");
    });

    it("partial: every other entry gets its 3 judges, the blocked ones all they may have, reported as short", async () => {
      const res = await auto({ judgeIds: poolIds(), seed: 1, partial: true });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.short).to.deep.equal([
        { entryId: entries[0].id, code: entries[0].code, title: entries[0].title, assigned: 2, needed: 3 },
        { entryId: entries[1].id, code: entries[1].code, title: entries[1].title, assigned: 2, needed: 3 },
      ]);
      expect(res.body.assignments).to.equal(10);
      // 10 pairs over 4 judges: loads 2 or 3.
      for (const load of Object.values(res.body.loads as Record<string, number>)) expect(load).to.be.within(2, 3);
      const list = (await as(admin).get(`/api/v1/contests/${contestId}/assignments`)).body.assignments as {
        entryId: string;
        judgeId: string;
      }[];
      const judgesOf = (e: number) => list.filter((a) => a.entryId === entries[e].id).map((a) => a.judgeId);
      expect(judgesOf(0)).to.have.members([pool[2].user.id, pool[3].user.id]);
      expect(judgesOf(1)).to.have.members([pool[0].user.id, pool[1].user.id]);
      expect(judgesOf(2)).to.have.length(3);
      expect(judgesOf(3)).to.have.length(3);
      expect((await as(admin).get(`/api/v1/contests/${contestId}/judges`)).body.judgeIds).to.have.members(poolIds());
      const audit = await app.db("audit_log").whereIn("action", ["judging.pool", "judging.auto"]).orderBy("id");
      expect(audit.map((a: { action: string }) => a.action)).to.deep.equal(["judging.pool", "judging.auto"]);
      const details = (row: { details: unknown }) =>
        typeof row.details === "string" ? JSON.parse(row.details) : row.details;
      expect(details(audit[0])).to.deep.include({ judges: { from: 0, to: 4 }, removed: [] });
      expect(details(audit[0]).added).to.have.members(pool.map((j) => j.user.id));
      expect(details(audit[1]).short).to.deep.equal([`${entries[0].code}: 2/3`, `${entries[1].code}: 2/3`]);
    });

    it("bad fields are refused with 400 and write nothing", async () => {
      const before = await writtenState(app);
      for (const body of [
        { partial: "yes" },
        { judgeIds: "all" },
        { judgeIds: [poolIds()[0], poolIds()[0]] },
        { judgeIds: [...poolIds(), "no-such-user"] },
      ]) {
        const res = await auto(body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.error).to.have.keys("code", "message", "details");
      }
      await expectNothingWritten(app, before, "bad assignment fields");
    });
  });

  describe("through the judging page", () => {
    it("the pool form lists each judge's unit, city and expertise and posts the pool with the assignment", async () => {
      const res = await html(`/contests/${contestId}/judging`);
      expect(res.text).to.include("评委库与自动分配").and.include("保存评委库并自动分配").and.include("仅保存评委库");
      expect(res.text).to.include('name="poolChosen" value="1"').and.include("河北大学").and.include("科学防控");
      expect(res.text).to.include('src="/static/js/pool.js"');
    });

    it("an infeasible choice is explained entry by entry with the ticks kept, writes nothing, and offers the rest", async () => {
      const page = await html(`/contests/${contestId}/judging`);
      const before = await writtenState(app);
      const res = await postForm(`/contests/${contestId}/judging/auto`, csrfOf(page.text), {
        poolChosen: "1",
        judgeIds: [pool[0].user.id, pool[1].user.id, pool[2].user.id],
        seed: "5",
      });
      expect(res.status).to.equal(409);
      await expectNothingWritten(app, before, "the refused one-step form");
      expect(res.text).to.include('data-code="assignment_infeasible"').and.include('data-testid="assign-explanation"');
      // Entry 0: 河大评委 same unit, 保定评委 same city; only 唐山评委 left; 赵作者 and the outsider could be added.
      const row = (code: string) => res.text.match(new RegExp(`data-code="${code}">[\\s\\S]*?</tr>`))?.[0] ?? "";
      expect(row(entries[0].code))
        .to.include(entries[0].title)
        .and.include("可选 1 位，需要 3 位，缺 2 位")
        .and.include("同单位 1 位")
        .and.include("同城市 1 位")
        .and.include("2 位可增选");
      expect(row(entries[1].code)).to.include("同城市 1 位").and.include("可选 2 位，需要 3 位，缺 1 位");
      expect(res.text).to.include("先分配其余作品（");
      // The ticks as sent, not the saved pool.
      for (const id of [pool[0], pool[1], pool[2]].map((j) => j.user.id))
        expect(res.text).to.match(new RegExp(`value="${id}" checked`));
      expect(res.text).not.to.match(new RegExp(`value="${pool[3].user.id}" checked`));
    });

    it("assigning the rest flags the short entries in the message and the matrix", async () => {
      const page = await html(`/contests/${contestId}/judging`);
      const res = await postForm(`/contests/${contestId}/judging/auto`, csrfOf(page.text), {
        poolChosen: "1",
        judgeIds: [...poolIds(), outsider.user.id],
        seed: "5",
        partial: "1",
      });
      expect(res.status, res.text.slice(0, 300)).to.equal(303);
      // With the outsider every entry has 3 eligible judges: nothing is short.
      let after = await html(`/contests/${contestId}/judging`);
      expect(after.text).to.include("已自动分配 12 条评审任务").and.not.include('data-testid="short-entry"');
      const again = await postForm(`/contests/${contestId}/judging/auto`, csrfOf(after.text), {
        poolChosen: "1",
        judgeIds: [pool[0].user.id, pool[1].user.id, pool[2].user.id],
        partial: "1",
      });
      expect(again.status).to.equal(303);
      after = await html(`/contests/${contestId}/judging`);
      expect(after.text)
        .to.include("2 件作品评委不足，已分到全部可选评委")
        .and.include(`${entries[0].code}（1/3 位）`)
        .and.include(`${entries[1].code}（2/3 位）`);
      expect(after.text.match(/data-testid="short-entry"/g)).to.have.length(2);
      const saved = (await as(admin).get(`/api/v1/contests/${contestId}/judges`)).body.judgeIds;
      expect(saved).to.have.members([pool[0].user.id, pool[1].user.id, pool[2].user.id]);
      expect(await app.db("assignments").select("entry_id")).to.have.length(1 + 2 + 3 + 3);
    });

    it("a form with no judge ticked says that no judges are chosen", async () => {
      const page = await html(`/contests/${contestId}/judging`);
      const before = await writtenState(app);
      const res = await postForm(`/contests/${contestId}/judging/auto`, csrfOf(page.text), { poolChosen: "1" });
      expect(res.status).to.equal(409);
      expect(res.text).to.include("尚未选择评委");
      await expectNothingWritten(app, before, "an empty pool from the page");
    });
  });
});
