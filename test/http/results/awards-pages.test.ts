/**
 * The award forms of the results review page (issue 10 item 4): the award rules and a named award's
 * choices are saved through plain form posts; a refused post says why and writes nothing.
 */
import { expect } from "chai";
import request from "supertest";
import { ADMIN, startTestApp, type TestApp } from "../../helpers/app.js";
import { judgedContest, type JudgedContest } from "../../helpers/judged.js";
import { csrfOf, pageSession, type PageAgent } from "../../helpers/pages.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

const rubric = { criteria: [{ key: "science", label: "科学性", max: 100, step: 1 }] };
const html = (agent: PageAgent, path: string) => agent.get(path).set("Accept", "text/html");

describe("results review page: the award forms", () => {
  let app: TestApp;
  let c: JudgedContest;
  let organizer: PageAgent;
  const review = () => `/contests/${c.contestId}/review/results`;

  before(async function () {
    this.timeout(120_000);
    app = await startTestApp();
    c = await judgedContest(app, {
      // The awards' first form, {key, label, count}: chosen by the organizer.
      contest: {
        rubric,
        prizes: {
          mode: "count",
          first: 1,
          second: 0,
          third: 0,
          extras: [{ key: "creative", label: "最佳创意奖", count: 1 }],
        },
      },
      sheets: [[{ science: 90 }], [{ science: 80 }], [{ science: 70 }]],
    });
    const moved = await request(app.server)
      .post(`/api/v1/contests/${c.contestId}/stage`)
      .set("Authorization", `Bearer ${c.admin}`)
      .send({ to: "review" });
    expect(moved.status).to.equal(200);
    organizer = await pageSession(app, ADMIN.email, ADMIN.password);
  });
  after(() => app.close());

  const post = async (path: string, fields: Record<string, string | string[]>) => {
    const token = csrfOf((await html(organizer, review())).text);
    return organizer
      .post(path)
      .type("form")
      .send({ _csrf: token, ...fields });
  };

  it("shows the award rules form and a form per named award, with every ranked entry to choose from", async () => {
    const page = (await html(organizer, review())).text;
    expect(page).to.include('data-testid="award-rules-form"').and.include("最佳创意奖").and.include("名额 1 个");
    for (const e of c.entries) expect(page).to.include(`${e.code} 作品`);
    expect(page).to.include("最佳创意奖：由组织方在参与排名的作品中评选，至多 1 件，每件写明理由");
  });

  it("refuses bad award rules and bad choices with a message, writing nothing", async () => {
    const before = await writtenState(app);
    const awardRow = (label: string, basis: string, count: string, ratio: string) => ({
      awardKey: ["creative", ""],
      awardLabel: ["最佳创意奖", label],
      awardBasis: ["chosen", basis],
      awardCount: ["1", count],
      awardRatio: ["", ratio],
    });
    const refusals: [string, Record<string, string | string[]>, string][] = [
      [`${review()}/awards`, awardRow("优秀奖", "ranked", "2", "0.2"), "名额和比例请填其中一项"],
      [`${review()}/awards`, awardRow("优秀奖", "ranked", "", "三成"), "flash-error"],
      [`${review()}/awards/creative`, { entryId: [c.entries[0].id], reason: [""] }, "flash-error"],
      [
        `${review()}/awards/creative`,
        { entryId: [c.entries[0].id, c.entries[1].id], reason: ["好", "好"] },
        "“最佳创意奖”至多 1 件，现选了 2 件",
      ],
    ];
    for (const [path, fields, words] of refusals) {
      const res = await post(path, fields);
      expect(res.status, path).to.equal(303);
      expect(res.headers.location).to.equal(`${review()}#awards`);
      expect((await html(organizer, review())).text).to.include(words);
    }
    await expectNothingWritten(app, before);
  });

  it("saves a new 优秀奖 row (given the first free key) and a creative choice with its reason", async () => {
    const saved = await post(`${review()}/awards`, {
      awardKey: ["creative", ""],
      awardLabel: ["最佳创意奖", "优秀奖"],
      awardBasis: ["chosen", "ranked"],
      awardCount: ["1", "1"],
      awardRatio: ["0.5", ""],
    });
    expect(saved.status).to.equal(303);
    const contest = await app.db("contests").where({ id: c.contestId }).first();
    expect(JSON.parse(String(contest.prizes)).extras).to.deep.equal([
      { key: "creative", label: "最佳创意奖", basis: "chosen", count: 1 },
      { key: "award1", label: "优秀奖", basis: "ranked", count: 1 },
    ]);
    const chosen = await post(`${review()}/awards/creative`, { entryId: [c.entries[2].id], reason: ["构思新颖"] });
    expect(chosen.status).to.equal(303);
    const page = (await html(organizer, review())).text;
    expect(page).to.include("“最佳创意奖”已评选 1 件作品").and.include("最佳创意奖（构思新颖）");
    const rows = await app.db("award_choices").where({ contest_id: c.contestId });
    expect(rows.map((r: { entry_id: string; reason: string }) => [r.entry_id, r.reason])).to.deep.equal([
      [c.entries[2].id, "构思新颖"],
    ]);
  });
});
