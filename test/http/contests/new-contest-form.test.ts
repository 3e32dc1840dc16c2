import { expect } from "chai";
import { defaultRubric, type ContestKind } from "../../../src/contests/rubric.js";
import { defaultRules } from "../../../src/contests/rules.js";
import { ADMIN, startTestApp, type TestApp } from "../../helpers/app.js";
import { csrfOf, pageSession, type PageAgent } from "../../helpers/pages.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

/** Issue 10 item 1: the new-contest form fills the chosen kind's defaults, without JavaScript too. */
describe("contests: the new-contest form by kind (no JavaScript)", () => {
  let app: TestApp;
  let page: PageAgent;
  const json = (value: unknown) => (typeof value === "string" ? JSON.parse(value) : value);

  /** The form's criteria rows as a browser posts them, for a rubric. */
  const rows = (kind: ContestKind, edit?: (i: number, field: string, value: string) => string) =>
    defaultRubric(kind).criteria.flatMap((c, i) =>
      (["key", "label", "max", "step", "description"] as const).map(
        (f) => [`criteria[${i}][${f}]`, edit ? edit(i, f, String(c[f] ?? "")) : String(c[f] ?? "")] as [string, string],
      ),
    );

  const postForm = async (pairs: [string, string][]) => {
    const form = await page.get("/contests/new").set("Accept", "text/html");
    const body = new URLSearchParams([
      ["_csrf", csrfOf(form.text)],
      ["title", "表单赛事"],
      ["opensAt", "2026-12-10T08:00"],
      ["closesAt", "2026-12-30T18:00"],
      ["judgesPerEntry", "5"],
      ["aggregation", "trimmed"],
      ...pairs,
    ]).toString();
    return page.post("/contests").type("form").set("Accept", "text/html").send(body);
  };
  const created = async (res: { status: number; headers: Record<string, string> }) => {
    expect(res.status).to.equal(302);
    const id = res.headers.location.split("/").pop()!;
    const row = await app.db("contests").where({ id }).first();
    return { kind: row.kind as string, rubric: json(row.rubric), rules: json(row.rules) };
  };

  before(async function () {
    this.timeout(60_000);
    app = await startTestApp();
    page = await pageSession(app, ADMIN.email, ADMIN.password);
  });
  after(() => app.close());

  it("GET /contests/new?kind=explainer is filled with the explainer rubric and shows its default requirements", async () => {
    const res = await page.get("/contests/new?kind=explainer").set("Accept", "text/html");
    expect(res.status).to.equal(200);
    expect(res.text).to.include('name="filledFrom" value="explainer"');
    expect(res.text).to.match(/name="criteria\[0\]\[label\]" value="科学准确"/);
    expect(res.text).to.match(/data-testid="kind-defaults-explainer">/);
    expect(res.text).to.match(/data-testid="kind-defaults-video" hidden>/);
  });

  for (const kind of ["explainer", "video", "experiment", "report"] as const) {
    it(`a ${kind} contest created through the form gets DESIGN §3's rubric and rules`, async () => {
      const c = await created(await postForm([["kind", kind], ["filledFrom", kind], ...rows(kind)]));
      expect(c.kind).to.equal(kind);
      expect(c.rubric.criteria).to.deep.equal(defaultRubric(kind).criteria);
      expect(c.rules).to.deep.equal(defaultRules(kind));
    });
  }

  it("when 赛事类型 changed but the rubric was left as filled for video, the explainer's default rubric is used", async () => {
    const c = await created(await postForm([["kind", "explainer"], ["filledFrom", "video"], ...rows("video")]));
    expect(c.rubric.criteria.map((k: { label: string }) => k.label)).to.deep.equal([
      "科学准确",
      "内容新颖",
      "仪态形象",
      "语言表达",
    ]);
    expect(c.rules.timeRules).to.include({ targetSeconds: 240, cutoffSeconds: 270 });
  });

  it("an edited rubric is kept whatever the kind", async () => {
    const edited = rows("video", (i, f, v) => (i === 0 && f === "max" ? "40" : i === 1 && f === "max" ? "10" : v));
    const c = await created(await postForm([["kind", "explainer"], ["filledFrom", "video"], ...edited]));
    expect(c.rubric.criteria.map((k: { max: number }) => k.max)).to.deep.equal([40, 10, 20, 15, 15]);
  });

  it("a refused form writes nothing and keeps which kind its rubric was filled from", async () => {
    const before = await writtenState(app);
    const res = await postForm([["kind", "report"], ["filledFrom", "report"], ["title", ""], ...rows("report")]);
    expect(res.status).to.equal(400);
    expect(res.text).to.include('name="filledFrom" value="report"');
    await expectNothingWritten(app, before);
  });
});
