import { expect } from "chai";
import request from "supertest";
import { createActor, startTestApp, type Actor, type TestApp } from "../../helpers/app.js";
import { openContest, submit, videoSubmission } from "../../helpers/entries.js";
import { testMedia, type TestMedia } from "../../helpers/media.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

/**
 * Trust issue, item 4: an invisible or look-alike character must not make a new author, unit or
 * person. Each name below is the plain one with a zero-width space, a no-break space, a BOM, a
 * right-to-left mark, an ideographic space, a word joiner, a soft hyphen, or full-width letters.
 */
const dodgesOf = (plain: string): [string, string][] => {
  const mid = Math.floor([...plain].length / 2);
  const at = (ch: string) => [...plain].slice(0, mid).join("") + ch + [...plain].slice(mid).join("");
  return [
    ["a zero-width space", at("\u200B")],
    ["a no-break space", at("\u00A0")],
    ["a BOM", `\uFEFF${plain}`],
    ["a right-to-left mark", `${plain}\u200F`],
    ["an ideographic space", at("\u3000")],
    ["a word joiner", at("\u2060")],
    ["a soft hyphen", at("\u00AD")],
  ];
};

describe("identity keys: invisible characters dodge no limit and no conflict", () => {
  let app: TestApp;
  let media: TestMedia;
  let owner: Actor;

  const as = (token: string) => ({
    get: (path: string) => request(app.server).get(path).set("Authorization", `Bearer ${token}`),
    post: (path: string, body?: object) =>
      request(app.server).post(path).set("Authorization", `Bearer ${token}`).send(body),
    put: (path: string, body?: object) =>
      request(app.server).put(path).set("Authorization", `Bearer ${token}`).send(body),
    patch: (path: string) => request(app.server).patch(path).set("Authorization", `Bearer ${token}`),
  });

  const submitWith = (contestId: string, fields: Record<string, string>) =>
    submit(app, contestId, owner.token, videoSubmission(media, { fields }));

  const submitted = async (contestId: string, fields: Record<string, string>): Promise<string> => {
    const res = await submitWith(contestId, fields);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.entry.id as string;
  };

  before(async function () {
    this.timeout(120_000);
    media = await testMedia();
    app = await startTestApp();
    owner = await createActor(app, "contestant", { city: "保定" });
  });
  after(() => app.close());

  describe("the per-author limit (video: at most 2 entries per first author, DESIGN §3)", () => {
    let contestId: string;
    const author = (name: string) => JSON.stringify([{ name }, { name: "王芳" }]);

    before(async () => {
      contestId = (await openContest(app)).id;
      await submitted(contestId, { authors: author("Li Ming") });
      await submitted(contestId, { authors: author("Li Ming") });
      await submitted(contestId, { authors: author("李明") });
      await submitted(contestId, { authors: author("李明") });
    });

    for (const [how, name] of [
      ...dodgesOf("李明"),
      ["full-width Latin letters", "Ｌｉ Ｍｉｎｇ"],
      ["capitals and a zero-width joiner", "LI\u200DMING"],
    ] as [string, string][]) {
      it(`a third entry whose first author is written with ${how} is refused 409 entry_limit and writes nothing`, async () => {
        const before = await writtenState(app);
        const res = await submitWith(contestId, { authors: author(name) });
        expect(res.status, JSON.stringify(res.body)).to.equal(409);
        expect(res.body.error.code).to.equal("entry_limit");
        expect(res.body.error.message).to.equal("每位第一作者在本赛事最多提交 2 件作品");
        await expectNothingWritten(app, before);
      });
    }

    it("the refusal is in English with Accept-Language: en", async () => {
      const res = await submitWith(contestId, { authors: author("李\u200B明") }).set("Accept-Language", "en");
      expect(res.status).to.equal(409);
      expect(res.body.error.message).to.equal("A first author may submit at most 2 entries to this contest");
    });

    it("the author's name is kept as typed; only the key is reduced", async () => {
      const other = await openContest(app);
      const id = await submitted(other.id, { authors: author("Ｌｉ\u00A0Ｍｉｎｇ") });
      const row = await app.db("entries").where({ id }).first();
      expect(JSON.parse(row.authors)[0].name).to.equal("Ｌｉ\u00A0Ｍｉｎｇ");
      expect(row.first_author_key).to.equal("liming");
    });
  });

  describe("the per-unit limit", () => {
    let contestId: string;
    let other: string;

    before(async () => {
      contestId = (await openContest(app, { rules: { maxEntriesPerAuthor: null, maxEntriesPerUnit: 1 } })).id;
      await submitted(contestId, { unit: "河北大学" });
      other = await submitted(contestId, { unit: "保定学院" });
    });

    for (const [how, unit] of dodgesOf("河北大学")) {
      it(`a second entry of the unit written with ${how} is refused 409 entry_limit and writes nothing`, async () => {
        const before = await writtenState(app);
        const res = await submitWith(contestId, { unit });
        expect(res.status, JSON.stringify(res.body)).to.equal(409);
        expect(res.body.error.code).to.equal("entry_limit");
        expect(res.body.error.message).to.equal("每个单位在本赛事最多提交 1 件作品");
        await expectNothingWritten(app, before);
      });
    }

    it("an owner's edit moving another entry into the unit under a zero-width space is refused 409 and writes nothing", async () => {
      const before = await writtenState(app);
      const res = await as(owner.token).patch(`/api/v1/entries/${other}`).send({ unit: "河北\u200B大学" });
      expect(res.status, JSON.stringify(res.body)).to.equal(409);
      expect(res.body.error.code).to.equal("entry_limit");
      await expectNothingWritten(app, before);
    });
  });

  describe("conflicts of interest (DESIGN §3)", () => {
    let contest: { id: string; admin: string };
    let pairs: { how: string; entryId: string; judge: Actor }[];
    let judges: Actor[];

    before(async function () {
      this.timeout(60_000);
      contest = await openContest(app, { judgesPerEntry: 1, rules: { maxEntriesPerAuthor: null } });
      const sameUnit = await createActor(app, "judge", { unit: "河北大学" });
      const avoiding = await createActor(app, "judge", { unit: "评审单位甲", avoidUnits: ["保定学院"] });
      const author = await createActor(app, "judge", { name: "王芳", unit: "评审单位乙" });
      const wide = await createActor(app, "judge", { unit: "HEBEI NORMAL UNIVERSITY" });
      const neutral = [
        await createActor(app, "judge", { unit: "评审单位丙" }),
        await createActor(app, "judge", { unit: "评审单位丁" }),
      ];
      judges = [sameUnit, avoiding, author, wide, ...neutral];
      const authors = (name: string) => JSON.stringify([{ name }]);
      pairs = [
        {
          how: "a unit with a zero-width space",
          judge: sameUnit,
          entryId: await submitted(contest.id, { unit: "河北\u200B大学", authors: authors("作者甲") }),
        },
        {
          how: "a unit with a right-to-left mark",
          judge: sameUnit,
          entryId: await submitted(contest.id, { unit: "河北大学\u200F", authors: authors("作者乙") }),
        },
        {
          how: "an avoided unit with a BOM and an ideographic space",
          judge: avoiding,
          entryId: await submitted(contest.id, { unit: "\uFEFF保定\u3000学院", authors: authors("作者丙") }),
        },
        {
          how: "the judge as an author with a no-break space",
          judge: author,
          entryId: await submitted(contest.id, { unit: "某中学", authors: authors("王\u00A0芳") }),
        },
        {
          how: "the judge as an author with a zero-width space",
          judge: author,
          entryId: await submitted(contest.id, { unit: "某小学", authors: authors("王\u200B芳") }),
        },
        {
          how: "a unit in full-width letters",
          judge: wide,
          entryId: await submitted(contest.id, {
            unit: "Ｈｅｂｅｉ Ｎｏｒｍａｌ\u200BＵｎｉｖｅｒｓｉｔｙ",
            authors: authors("作者丁"),
          }),
        },
      ];
      const pool = await as(contest.admin).put(`/api/v1/contests/${contest.id}/judges`, {
        judgeIds: judges.map((j) => j.user.id),
      });
      expect(pool.status, JSON.stringify(pool.body)).to.equal(200);
    });

    it("a hand-made assignment of each such pair is refused 409 conflict_of_interest and writes nothing", async () => {
      for (const { how, entryId, judge } of pairs) {
        const before = await writtenState(app);
        const res = await as(contest.admin).post(`/api/v1/contests/${contest.id}/assignments`, {
          entryId,
          judgeId: judge.user.id,
        });
        expect(res.status, `${how}: ${JSON.stringify(res.body)}`).to.equal(409);
        expect(res.body.error.code, how).to.equal("conflict_of_interest");
        await expectNothingWritten(app, before, how);
      }
    });

    it("automatic assignment never gives such a pair", async () => {
      for (const seed of [1, 2, 3]) {
        const res = await as(contest.admin).post(`/api/v1/contests/${contest.id}/assignments/auto`, { seed });
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        const list = (await as(contest.admin).get(`/api/v1/contests/${contest.id}/assignments`)).body.assignments as {
          entryId: string;
          judgeId: string;
        }[];
        for (const { how, entryId, judge } of pairs)
          expect(
            list.some((a) => a.entryId === entryId && a.judgeId === judge.user.id),
            how,
          ).to.equal(false);
      }
    });
  });

  describe("the roster import", () => {
    it("an e-mail repeated with an invisible mark or full-width letters is refused as a duplicate; units to avoid are kept once", async () => {
      const admin = (await openContest(app)).admin;
      const csv = [
        "姓名,邮箱,单位,城市,回避单位",
        "张伟,judge.same@example.org,河北大学,保定,保定学院、保定\u200B学院、保定学院\u200F",
        "张伟二,judge.same\u200F@example.org,河北大学,保定,",
        "张伟三,ｊｕｄｇｅ.ｓａｍｅ＠example.org,河北大学,保定,",
        "张伟四,judge.same@exam\u00ADple.org,河北大学,保\u200B定,",
      ].join("\r\n");
      const res = await request(app.server)
        .post("/api/v1/users/import")
        .set("Authorization", `Bearer ${admin}`)
        .attach("file", Buffer.from(csv, "utf8"), "roster.csv");
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const rows = res.body.rows as { row: number; status: string; reasonCode?: string }[];
      expect(rows.map((r) => [r.row, r.status, r.reasonCode ?? null])).to.deep.equal([
        [2, "imported", null],
        [3, "refused", "duplicate_in_file"],
        [4, "refused", "duplicate_in_file"],
        [5, "refused", "duplicate_in_file"],
      ]);
      const user = await app.db("users").where({ email: "judge.same@example.org" }).first();
      expect(JSON.parse(user.avoid_units)).to.deep.equal(["保定学院"]);
    });
  });
});
