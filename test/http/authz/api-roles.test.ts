import { expect } from "chai";
import type { Router } from "express";
import request from "supertest";
import { entriesApi } from "../../../src/entries/entries.routes.js";
import { judgingApi } from "../../../src/judging/judging.routes.js";
import { objectionsApi, resultsApi } from "../../../src/results/results.routes.js";
import { shortPanelsApi } from "../../../src/results/short-panels.routes.js";
import { ADMIN, createActor, snapshot, startTestApp, tokenFor, type TestApp } from "../../helpers/app.js";

type Caller = "anonymous" | "contestant" | "judge" | "reporter" | "coordinator" | "organizer";
const SIGNED_IN: Caller[] = ["contestant", "judge", "reporter", "coordinator", "organizer"];

/**
 * Who may call each route of the entries, judging and results APIs. The role check runs before any
 * lookup, so refused callers get 401/403 whatever the ids; allowed callers are tested elsewhere.
 */
const ALLOWED: Record<string, Caller[]> = {
  "POST /api/v1/contests/:id/entries": ["contestant"],
  "GET /api/v1/contests/:id/entries": SIGNED_IN,
  "GET /api/v1/contests/:id/entries.csv": ["organizer", "coordinator"],
  "GET /api/v1/me/entries": ["contestant"],
  "GET /api/v1/entries/:id": SIGNED_IN,
  "PATCH /api/v1/entries/:id": ["contestant", "organizer"],
  "DELETE /api/v1/entries/:id": ["contestant", "organizer"],
  "GET /api/v1/entries/:id/files/:role": SIGNED_IN,
  "POST /api/v1/entries/:id/disqualify": ["organizer"],
  "POST /api/v1/entries/:id/readmit": ["organizer"],
  "PUT /api/v1/entries/:id/timing": ["organizer"],
  "PUT /api/v1/entries/:id/safety": ["organizer"],
  "PUT /api/v1/contests/:id/votes": ["organizer"],
  "GET /api/v1/contests/:id/votes": ["organizer"],
  "POST /api/v1/entries/:id/recommend": ["coordinator"],
  "DELETE /api/v1/entries/:id/recommend": ["coordinator"],
  "PUT /api/v1/contests/:id/judges": ["organizer"],
  "GET /api/v1/contests/:id/judges": ["organizer"],
  "POST /api/v1/contests/:id/judges/:judgeId/reassign": ["organizer"],
  "POST /api/v1/contests/:id/assignments/auto": ["organizer"],
  "GET /api/v1/contests/:id/assignments": ["organizer"],
  "POST /api/v1/contests/:id/assignments": ["organizer"],
  "PATCH /api/v1/assignments/:id": ["organizer"],
  "DELETE /api/v1/assignments/:id": ["organizer"],
  "GET /api/v1/me/assignments": ["judge"],
  "POST /api/v1/contests/:id/declaration": ["judge"],
  "GET /api/v1/assignments/:id/score": ["judge"],
  "PUT /api/v1/assignments/:id/score": ["judge"],
  "POST /api/v1/assignments/:id/conflict": ["judge"],
  "GET /api/v1/contests/:id/progress": ["organizer"],
  "GET /api/v1/entries/:id/score-history": ["organizer"],
  "POST /api/v1/contests/:id/results/compute": ["organizer"],
  // Public once in notice or final (the service decides by stage).
  "GET /api/v1/contests/:id/results": ["anonymous", ...SIGNED_IN],
  "GET /api/v1/contests/:id/results.csv": ["anonymous", ...SIGNED_IN],
  "GET /api/v1/contests/:id/results.xlsx": ["anonymous", ...SIGNED_IN],
  "GET /api/v1/contests/:id/results/snapshots/:number": ["anonymous", ...SIGNED_IN],
  "GET /api/v1/contests/:id/scores": ["organizer"],
  "GET /api/v1/contests/:id/rounds": ["organizer"],
  "POST /api/v1/contests/:id/rounds": ["organizer"],
  "PUT /api/v1/contests/:id/awards/:key": ["organizer"],
  "GET /api/v1/contests/:id/rounds/preview": ["organizer"],
  "POST /api/v1/contests/:id/rounds/:number/publish": ["organizer"],
  // Public once published (the service decides).
  "GET /api/v1/contests/:id/rounds/:number/finalists": ["anonymous", ...SIGNED_IN],
  "POST /api/v1/contests/:id/objections": SIGNED_IN,
  "GET /api/v1/contests/:id/objections": SIGNED_IN,
  "POST /api/v1/objections/:id/resolve": ["organizer"],
  "GET /api/v1/objections/:id/evidence": SIGNED_IN,
  "POST /api/v1/objections/:id/republish": ["organizer"],
  "POST /api/v1/contests/:id/short-panels": ["organizer"],
};

function routesOf(router: Router): string[] {
  const out: string[] = [];
  for (const layer of router.stack as { route?: { path: string; methods: Record<string, boolean> } }[]) {
    if (!layer.route) continue;
    for (const method of Object.keys(layer.route.methods))
      if (method !== "_all") out.push(`${method.toUpperCase()} /api/v1${layer.route.path}`);
  }
  return out;
}

describe("authorization matrix: the entries, judging and results APIs (role × route)", () => {
  let app: TestApp;
  const tokens: Partial<Record<Caller, string>> = {};

  before(async function () {
    this.timeout(60_000);
    app = await startTestApp();
    tokens.organizer = await tokenFor(app, ADMIN.email, ADMIN.password);
    for (const role of ["contestant", "judge", "reporter", "coordinator"] as const)
      tokens[role] = (await createActor(app, role)).token;
  });
  after(() => app.close());

  it("every route of these routers has a row in the table", () => {
    const defined = [entriesApi, judgingApi, resultsApi, objectionsApi, shortPanelsApi].flatMap((make) =>
      routesOf(make(app.ctx)),
    );
    expect(defined.filter((r) => !(r in ALLOWED))).to.deep.equal([]);
    expect(Object.keys(ALLOWED).filter((r) => !defined.includes(r))).to.deep.equal([]);
  });

  for (const [route, allowed] of Object.entries(ALLOWED)) {
    const [method, template] = route.split(" ") as [string, string];
    const path = template.replace(/:(\w+)/g, (_, name: string) =>
      name === "role" ? "video" : name === "number" ? "1" : "00000000-0000-4000-8000-000000000000",
    );
    for (const caller of ["anonymous", ...SIGNED_IN] as Caller[]) {
      if (allowed.includes(caller)) continue;
      const status = caller === "anonymous" ? 401 : 403;
      it(`${route} as ${caller} → ${status}, nothing written`, async () => {
        const before = await snapshot(app.db);
        let req = request(app.server)[method.toLowerCase() as "get"](path);
        if (caller !== "anonymous") req = req.set("Authorization", `Bearer ${tokens[caller]}`);
        const res = await req.send({});
        expect(res.status, JSON.stringify(res.body)).to.equal(status);
        expect(res.body.error.code).to.equal(status === 401 ? "unauthenticated" : "forbidden");
        expect(await snapshot(app.db)).to.deep.equal(before);
      });
    }
  }
});
