import { expect } from "chai";
import type { Router } from "express";
import request, { type Response } from "supertest";
import { accountsPages } from "../../../src/accounts/accounts.pages.js";
import { accountsApi } from "../../../src/accounts/accounts.routes.js";
import { auditApi, auditPages } from "../../../src/audit/audit.routes.js";
import { contestsApi, contestsPages } from "../../../src/contests/contests.routes.js";
import { statisticsPages } from "../../../src/statistics/statistics.pages.js";
import { statisticsApi } from "../../../src/statistics/statistics.routes.js";
import { activitiesPages } from "../../../src/reports/activities.pages.js";
import { dashboardPages } from "../../../src/reports/dashboard.pages.js";
import { newsPages } from "../../../src/reports/news.pages.js";
import { packagesPages } from "../../../src/reports/packages.pages.js";
import { publicReportsPages } from "../../../src/reports/public.pages.js";
import { summariesPages } from "../../../src/reports/summaries.pages.js";
import { weeksPages } from "../../../src/reports/weeks.pages.js";
import { unitsPages } from "../../../src/units/units.pages.js";
import {
  ADMIN,
  contestBody,
  createActor,
  startTestApp,
  tokenFor,
  type Actor,
  type TestApp,
} from "../../helpers/app.js";
import { REPORT_APIS } from "../../helpers/report-routers.js";
import { csrfFor, pageSession, type PageAgent } from "../../helpers/pages.js";
import { makeReports, OTHER_CITY, type ReportFixtures } from "../../helpers/report-fixtures.js";
import { writtenState, type WrittenState } from "../../helpers/unchanged.js";

/**
 * The role × route matrix (DESIGN §1 and §4): every route of the accounts, contests and audit API and
 * every page and form, tried anonymously, as each role and as a disabled user. Allowed callers
 * succeed; everyone else is refused (401 anonymous, 403 wrong role, 404 for a draft contest one may not
 * see) and nothing is written.
 */

type Role = "organizer" | "coordinator" | "judge" | "contestant" | "reporter";
/** `disabled` is an organizer disabled by another organizer after he got his token and his session. */
type Who = "anonymous" | Role | "disabled";

/** The allowed caller runs last, so every refused attempt meets the fixtures untouched. */
const CALLERS: readonly Who[] = [
  "anonymous",
  "disabled",
  "contestant",
  "judge",
  "reporter",
  "coordinator",
  "organizer",
];
const ROLES: readonly Role[] = ["organizer", "coordinator", "judge", "contestant", "reporter"];
const ANYONE: readonly Who[] = ["anonymous", ...ROLES];
const SIGNED_IN: readonly Who[] = ROLES;
const ORGANIZER: readonly Who[] = ["organizer"];

const PASSWORD = "Secret-pass-42";
/** What the password-change rows set (on users of their own, so PASSWORD keeps working for everyone else). */
const NEW_PASSWORD = "Matrix-new-pass-7";
const INITIAL_PASSWORD = /^[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}$/;
let seq = 0;
const uniqueEmail = (what: string) => `${what}-${++seq}-${Date.now()}@authz.example.org`;

/** A datetime-local value (Shanghai time) `days` from now, as the contest form sends it. */
const shanghaiLocal = (days: number) =>
  new Date(Date.now() + days * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 16);

/** Everything a refused call must leave alone: the domain tables, the API tokens and the stored files. */
const state = (app: TestApp): Promise<WrittenState> => writtenState(app);

interface Expected {
  status: number;
  /** The error code of a refusal; absent when the call is allowed. */
  code?: string;
}

function describeCaller(who: Who, kind: "token" | "session"): string {
  if (who === "disabled") return `disabled organizer's ${kind}`;
  return who;
}

function testName(
  method: string,
  path: string,
  label: string | undefined,
  who: Who,
  kind: "token" | "session",
  expected: Expected,
  html: boolean,
): string {
  const route = `${method.toUpperCase()} ${path}${label ? ` (${label})` : ""}`;
  const outcome = expected.code
    ? `${expected.status}${html && expected.status === 401 ? " error page" : ""}, nothing written`
    : `${expected.status}`;
  return `${route} as ${describeCaller(who, kind)} → ${outcome}`;
}

/** Fixture users and contests, made in `before`. */
interface Base {
  actors: Record<Role, Actor>;
  disabled: Actor;
  /** A contestant whose credentials the login routes use. */
  spare: { email: string; password: string };
  /** A user of each role for the rows that change the caller's own password (ending all his tokens and sessions). */
  passwordUsers: Record<Role, Actor>;
  openContestId: string;
  draftContestId: string;
}

async function adminToken(app: TestApp): Promise<string> {
  return tokenFor(app, ADMIN.email, ADMIN.password);
}

async function newContest(app: TestApp, admin: string, title: string, stage: "draft" | "open"): Promise<string> {
  const created = await request(app.server)
    .post("/api/v1/contests")
    .set("Authorization", `Bearer ${admin}`)
    .send(contestBody({ title }));
  if (created.status !== 201) throw new Error(`contest: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.contest.id as string;
  if (stage === "open") {
    const opened = await request(app.server)
      .post(`/api/v1/contests/${id}/stage`)
      .set("Authorization", `Bearer ${admin}`)
      .send({ to: "open" });
    if (opened.status !== 200) throw new Error(`open: ${opened.status} ${JSON.stringify(opened.body)}`);
  }
  return id;
}

async function disableUser(app: TestApp, admin: string, id: string): Promise<void> {
  const res = await request(app.server)
    .patch(`/api/v1/users/${id}`)
    .set("Authorization", `Bearer ${admin}`)
    .send({ disabled: true });
  if (res.status !== 200 || res.body.user.disabled !== true)
    throw new Error(`disabling failed: ${res.status} ${JSON.stringify(res.body)}`);
}

async function makeBase(app: TestApp, admin: string): Promise<Base> {
  const actors = {} as Record<Role, Actor>;
  for (const role of ROLES) actors[role] = await createActor(app, role);
  const disabled = await createActor(app, "organizer");
  const spare = await createActor(app, "contestant");
  const passwordUsers = {} as Record<Role, Actor>;
  for (const role of ROLES) passwordUsers[role] = await createActor(app, role);
  return {
    actors,
    disabled,
    spare: { email: spare.email, password: spare.password },
    passwordUsers,
    openContestId: await newContest(app, admin, "公开的微视频大赛", "open"),
    draftContestId: await newContest(app, admin, "尚未公开的草稿赛事", "draft"),
  };
}

/** `METHOD path` of every route a router defines. */
function routesOf(router: Router, prefix = ""): string[] {
  const out: string[] = [];
  for (const layer of router.stack as { route?: { path: string; methods: Record<string, boolean> } }[]) {
    if (!layer.route) continue;
    for (const method of Object.keys(layer.route.methods))
      if (method !== "_all") out.push(`${method.toUpperCase()} ${prefix}${layer.route.path}`);
  }
  return out;
}

// ───────────────────────────────────────────── the JSON API ─────────────────────────────────────────────

interface ApiFixtures extends Base, ReportFixtures {
  /** An open contest whose title the matrix tries to change. */
  patchContestId: string;
  /** A draft contest the matrix tries to open. */
  stageContestId: string;
  /** A judge the matrix tries to disable. */
  victimId: string;
}

interface ApiRoute {
  method: "get" | "post" | "put" | "patch" | "delete";
  path: string;
  label?: string;
  url: (fx: ApiFixtures) => string;
  body?: (fx: ApiFixtures) => object;
  /** Multipart text fields instead of a JSON body. */
  fields?: (fx: ApiFixtures) => Record<string, string>;
  allowed: readonly Who[];
  ok: number | ((who: Who) => number);
  /** Those not allowed get 404 (a draft is invisible to them), not 401/403. */
  hidden?: true;
  /** Roles that pass the role check but are not told the thing exists (404), e.g. a judge not assigned to it. */
  unseenBy?: readonly Who[];
  /** Use a new token of the caller (the call revokes it). */
  freshToken?: true;
  /** Call as the caller role's user in `passwordUsers`, not as the shared actor (the call ends all his tokens). */
  ownUser?: true;
  check?: (res: Response, fx: ApiFixtures, who: Who, app: TestApp, token?: string) => unknown;
}

const API_ROUTES: ApiRoute[] = [
  {
    method: "get",
    path: "/healthz",
    url: () => "/healthz",
    // Outside the API router: no token is read at all, so even a dead one is ignored.
    allowed: [...ANYONE, "disabled"],
    ok: 200,
    check: (res) => expect(res.body.ok).to.equal(true),
  },
  {
    method: "get",
    path: "/readyz",
    url: () => "/readyz",
    // For load balancers, beside /healthz: no token read.
    allowed: [...ANYONE, "disabled"],
    ok: 200,
    check: (res) => expect(res.body).to.deep.equal({ ready: true }),
  },
  {
    method: "post",
    path: "/api/v1/auth/register",
    url: () => "/api/v1/auth/register",
    body: () => ({
      email: uniqueEmail("reg"),
      password: "Kepu-2026-xyz",
      name: "新选手",
      city: "唐山",
      unit: "唐山一中",
    }),
    allowed: ANYONE,
    ok: 201,
    check: (res) => expect(res.body.user.role).to.equal("contestant"),
  },
  {
    method: "post",
    path: "/api/v1/auth/token",
    url: () => "/api/v1/auth/token",
    body: (fx) => fx.spare,
    allowed: ANYONE,
    ok: 200,
    check: (res, fx) => {
      expect(res.body.token).to.be.a("string");
      expect(res.body.user.email).to.equal(fx.spare.email);
    },
  },
  {
    method: "delete",
    path: "/api/v1/auth/token",
    url: () => "/api/v1/auth/token",
    allowed: SIGNED_IN,
    ok: 204,
    freshToken: true,
    check: async (_res, _fx, _who, app, token) => {
      const after = await request(app.server).get("/api/v1/me").set("Authorization", `Bearer ${token}`);
      expect(after.status, "the revoked token still works").to.equal(401);
    },
  },
  {
    method: "get",
    path: "/api/v1/me",
    url: () => "/api/v1/me",
    allowed: SIGNED_IN,
    ok: 200,
    check: (res, fx, who) => expect(res.body.user).to.include({ id: fx.actors[who as Role].user.id, role: who }),
  },
  {
    method: "patch",
    path: "/api/v1/me",
    url: () => "/api/v1/me",
    body: () => ({ avoidUnits: ["矩阵回避单位"] }),
    // Every signed-in role passes the role check; only a judge has units to avoid, the others get 403.
    allowed: ["judge"],
    ok: 200,
    check: (res) => expect(res.body.user.avoidUnits).to.deep.equal(["矩阵回避单位"]),
  },
  {
    method: "put",
    path: "/api/v1/me/password",
    url: () => "/api/v1/me/password",
    body: () => ({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD }),
    allowed: SIGNED_IN,
    ok: 200,
    ownUser: true,
    check: async (res, fx, who, app, token) => {
      const user = fx.passwordUsers[who as Role];
      expect(res.body.user).to.include({ id: user.user.id, role: who });
      expect(
        (await request(app.server).get("/api/v1/me").set("Authorization", `Bearer ${token}`)).status,
        "the old token still works",
      ).to.equal(401);
      await tokenFor(app, user.email, NEW_PASSWORD);
    },
  },
  {
    method: "post",
    path: "/api/v1/users/import",
    url: () => "/api/v1/users/import",
    // JSON instead of a file: the organizer passes the role check and is told to send multipart.
    body: () => ({ file: "x" }),
    allowed: ORGANIZER,
    ok: 415,
    check: (res) => expect(res.body.error.code).to.equal("multipart_required"),
  },
  {
    method: "post",
    path: "/api/v1/users",
    url: () => "/api/v1/users",
    // Refused callers try to make themselves an organizer.
    body: () => ({
      email: uniqueEmail("made"),
      password: PASSWORD,
      name: "新组织者",
      role: "organizer",
      city: "石家庄",
      unit: "省科技厅",
    }),
    allowed: ORGANIZER,
    ok: 201,
    check: (res) => expect(res.body.user.role).to.equal("organizer"),
  },
  {
    method: "get",
    path: "/api/v1/users",
    url: () => "/api/v1/users",
    allowed: ORGANIZER,
    ok: 200,
    check: (res) => {
      expect(res.body.users).to.be.an("array").that.has.length.above(0);
      for (const u of res.body.users) expect(u).not.to.have.any.keys("passwordHash", "password_hash");
    },
  },
  {
    method: "get",
    path: "/api/v1/users/:id",
    url: (fx) => `/api/v1/users/${fx.victimId}`,
    allowed: ORGANIZER,
    ok: 200,
    check: (res, fx) => expect(res.body.user.id).to.equal(fx.victimId),
  },
  {
    method: "post",
    path: "/api/v1/users/:id/password",
    url: (fx) => `/api/v1/users/${fx.victimId}/password`,
    allowed: ORGANIZER,
    ok: 200,
    check: (res, fx) => {
      expect(res.headers["cache-control"]).to.equal("no-store");
      expect(res.body.user.id).to.equal(fx.victimId);
      expect(res.body.initialPassword).to.match(INITIAL_PASSWORD);
    },
  },
  {
    method: "patch",
    path: "/api/v1/users/:id",
    url: (fx) => `/api/v1/users/${fx.victimId}`,
    body: () => ({ disabled: true }),
    allowed: ORGANIZER,
    ok: 200,
    check: (res) => expect(res.body.user.disabled).to.equal(true),
  },
  {
    method: "post",
    path: "/api/v1/contests",
    url: () => "/api/v1/contests",
    body: () => contestBody({ title: "越权创建的赛事" }),
    allowed: ORGANIZER,
    ok: 201,
    check: (res) => expect(res.body.contest.stage).to.equal("draft"),
  },
  {
    method: "get",
    path: "/api/v1/contests",
    url: () => "/api/v1/contests",
    allowed: ANYONE,
    ok: 200,
    check: (res, fx, who) => {
      const ids = (res.body.contests as { id: string }[]).map((c) => c.id);
      expect(ids).to.include(fx.openContestId);
      if (who === "organizer") expect(ids).to.include(fx.draftContestId);
      else expect(ids, "a draft is listed to a non-organizer").not.to.include(fx.draftContestId);
    },
  },
  {
    method: "get",
    path: "/api/v1/contests/:id",
    label: "open",
    url: (fx) => `/api/v1/contests/${fx.openContestId}`,
    allowed: ANYONE,
    ok: 200,
    check: (res, fx) => expect(res.body.contest).to.include({ id: fx.openContestId, stage: "open" }),
  },
  {
    method: "get",
    path: "/api/v1/contests/:id",
    label: "draft",
    url: (fx) => `/api/v1/contests/${fx.draftContestId}`,
    allowed: ORGANIZER,
    ok: 200,
    hidden: true,
    check: (res, fx) => expect(res.body.contest).to.include({ id: fx.draftContestId, stage: "draft" }),
  },
  {
    method: "patch",
    path: "/api/v1/contests/:id",
    url: (fx) => `/api/v1/contests/${fx.patchContestId}`,
    body: () => ({ title: "被篡改的标题" }),
    allowed: ORGANIZER,
    ok: 200,
    check: (res) => expect(res.body.contest.title).to.equal("被篡改的标题"),
  },
  {
    method: "post",
    path: "/api/v1/contests/:id/stage",
    url: (fx) => `/api/v1/contests/${fx.stageContestId}/stage`,
    body: () => ({ to: "open" }),
    allowed: ORGANIZER,
    ok: 200,
    check: (res) => expect(res.body.contest.stage).to.equal("open"),
  },
  {
    method: "get",
    path: "/api/v1/audit",
    url: () => "/api/v1/audit",
    allowed: ORGANIZER,
    ok: 200,
    check: (res) => expect(res.body.records).to.be.an("array").that.is.not.empty,
  },
  {
    method: "get",
    path: "/api/v1/statistics",
    url: (fx) => `/api/v1/statistics?contest=${fx.openContestId}`,
    allowed: ["coordinator", "organizer"],
    ok: 200,
    check: (res) => expect(res.body.statistics.cities).to.be.an("array").that.is.not.empty,
  },
  {
    method: "get",
    path: "/api/v1/units",
    url: () => "/api/v1/units",
    allowed: ["coordinator", "organizer"],
    ok: 200,
    check: (res) => expect(res.body.units).to.be.an("array").that.is.not.empty,
  },
  {
    method: "post",
    path: "/api/v1/units",
    url: () => "/api/v1/units",
    body: () => ({ name: "越权创建的单位", city: "唐山", kind: "企业" }),
    allowed: ORGANIZER,
    ok: 201,
    check: (res) => expect(res.body.unit).to.include({ name: "越权创建的单位", city: "唐山" }),
  },
  {
    method: "get",
    path: "/api/v1/report-weeks",
    url: () => "/api/v1/report-weeks",
    allowed: ORGANIZER,
    ok: 200,
    check: (res) => expect(res.body.weeks).to.be.an("array"),
  },
  // The week's reporting (DESIGN §3): these rows run before the week below is made, which would become the current one.
  {
    method: "post",
    path: "/api/v1/activities/import",
    url: () => "/api/v1/activities/import",
    // JSON instead of a spreadsheet: the organizer passes the role check and is told to send multipart.
    body: () => ({ file: "x" }),
    allowed: ORGANIZER,
    ok: 415,
    check: (res) => expect(res.body.error.code).to.equal("multipart_required"),
  },
  {
    method: "get",
    path: "/api/v1/activities/template",
    url: () => "/api/v1/activities/template",
    allowed: ORGANIZER,
    ok: 200,
    check: (res) => expect(res.headers["content-type"]).to.include("spreadsheetml"),
  },
  {
    method: "get",
    path: "/api/v1/activities",
    url: () => "/api/v1/activities",
    allowed: ["reporter", "coordinator", "organizer"],
    ok: 200,
    check: (res, fx, who) => {
      const list = res.body.activities as { id: string; unitId: string; city: string }[];
      const ids = list.map((a) => a.id);
      expect(ids).to.include(fx.openActivityId);
      // A reporter sees his unit's, a coordinator his city's, the organizer all.
      expect(ids.includes(fx.theirActivityId)).to.equal(who === "organizer");
    },
  },
  {
    method: "get",
    path: "/api/v1/activities",
    label: "another city",
    url: () => `/api/v1/activities?city=${encodeURIComponent(OTHER_CITY)}`,
    allowed: ORGANIZER,
    ok: 200,
    check: (res, fx) =>
      expect((res.body.activities as { id: string }[]).map((a) => a.id)).to.deep.equal([fx.theirActivityId]),
  },
  {
    method: "post",
    path: "/api/v1/activities/:id/news",
    url: (fx) => `/api/v1/activities/${fx.openActivityId}/news`,
    fields: () => ({ text: "矩阵报送的新闻" }),
    allowed: ["reporter"],
    ok: 201,
    check: (res) => expect(res.body.news.id).to.be.a("string"),
  },
  {
    method: "post",
    path: "/api/v1/activities/:id/news",
    label: "another unit's activity",
    url: (fx) => `/api/v1/activities/${fx.theirActivityId}/news`,
    fields: () => ({ text: "冒名报送" }),
    allowed: [],
    ok: 201,
  },
  {
    method: "get",
    path: "/api/v1/activities/:id/news",
    url: (fx) => `/api/v1/activities/${fx.filedActivityId}/news`,
    allowed: ["reporter", "coordinator", "organizer"],
    ok: 200,
    check: (res) => expect(res.body.news.text).to.equal("活动顺利举行。"),
  },
  {
    method: "put",
    path: "/api/v1/activities/:id/news",
    url: (fx) => `/api/v1/activities/${fx.filedActivityId}/news`,
    body: () => ({ text: "矩阵改过的新闻" }),
    allowed: ["reporter"],
    ok: 200,
    check: async (_res, fx, _who, app) =>
      expect((await app.db("news_reports").where({ activity_id: fx.filedActivityId }).first()).text).to.equal(
        "矩阵改过的新闻",
      ),
  },
  {
    method: "get",
    path: "/api/v1/report-files/:id",
    url: (fx) => `/api/v1/report-files/${fx.fileId}`,
    allowed: ["reporter", "coordinator", "organizer"],
    // Judges read the material of the evaluation entries assigned to them; this unit is in none.
    unseenBy: ["judge"],
    ok: 200,
    check: (res) => expect(res.headers["content-type"]).to.include("image/png"),
  },
  {
    method: "post",
    path: "/api/v1/units/:id/summary",
    url: (fx) => `/api/v1/units/${fx.unitId}/summary`,
    // The unit's reporter passes the role check; his unit has filed its summary already.
    body: () => ({ document: "x" }),
    allowed: ["reporter"],
    ok: 409,
    check: (res) => expect(res.body.error.code).to.equal("summary_exists"),
  },
  {
    method: "post",
    path: "/api/v1/units/:id/summary",
    label: "another unit",
    url: (fx) => `/api/v1/units/${fx.theirUnitId}/summary`,
    body: () => ({ document: "x" }),
    allowed: [],
    ok: 201,
  },
  {
    method: "get",
    path: "/api/v1/units/:id/summary",
    url: (fx) => `/api/v1/units/${fx.unitId}/summary`,
    allowed: ["reporter", "coordinator", "organizer"],
    ok: 200,
    check: (res) => expect(res.body.summary).to.include({ late: false }),
  },
  {
    method: "put",
    path: "/api/v1/units/:id/summary",
    url: (fx) => `/api/v1/units/${fx.unitId}/summary`,
    // JSON instead of files: the unit's reporter passes the role check and is told to send multipart.
    body: () => ({ document: "x" }),
    allowed: ["reporter"],
    ok: 415,
    check: (res) => expect(res.body.error.code).to.equal("multipart_required"),
  },
  {
    method: "get",
    path: "/api/v1/report-status",
    url: () => "/api/v1/report-status",
    allowed: ["coordinator", "organizer"],
    ok: 200,
    check: (res, fx, who) => {
      const units = (res.body.units as { unitId: string }[]).map((u) => u.unitId);
      expect(units).to.include(fx.unitId);
      expect(units.includes(fx.theirUnitId)).to.equal(who === "organizer");
    },
  },
  {
    method: "get",
    path: "/api/v1/report-status",
    label: "another city",
    url: () => `/api/v1/report-status?city=${encodeURIComponent(OTHER_CITY)}`,
    allowed: ORGANIZER,
    ok: 200,
    check: (res, fx) => expect(res.body.units.map((u: { unitId: string }) => u.unitId)).to.include(fx.theirUnitId),
  },
  {
    method: "get",
    path: "/api/v1/reports/dashboard",
    url: () => "/api/v1/reports/dashboard",
    allowed: ["coordinator", "organizer"],
    ok: 200,
    check: (res) => expect(res.body.dashboard).to.be.an("object"),
  },
  {
    method: "get",
    path: "/api/v1/reports/export.xlsx",
    url: () => "/api/v1/reports/export.xlsx",
    allowed: ORGANIZER,
    ok: 200,
    check: (res) => expect(res.headers["content-type"]).to.include("spreadsheetml"),
  },
  // The packages last: a submitted package locks the city's news and summaries.
  {
    method: "post",
    path: "/api/v1/cities/:city/package",
    url: () => `/api/v1/cities/${encodeURIComponent("石家庄")}/package`,
    allowed: ["coordinator", "organizer"],
    // The coordinator (who runs first) submits his city's; the organizer is then told it is in.
    ok: (who) => (who === "coordinator" ? 201 : 409),
    check: (res, _fx, who) =>
      who === "coordinator"
        ? expect(res.body.package).to.include({ city: "石家庄", news: 2, summaries: 1 })
        : expect(res.body.error.code).to.equal("package_submitted"),
  },
  {
    method: "post",
    path: "/api/v1/cities/:city/package",
    label: "another city",
    url: () => `/api/v1/cities/${encodeURIComponent(OTHER_CITY)}/package`,
    allowed: ORGANIZER,
    ok: 201,
    check: (res) => expect(res.body.package.city).to.equal(OTHER_CITY),
  },
  {
    method: "post",
    path: "/api/v1/report-weeks",
    url: () => "/api/v1/report-weeks",
    body: () => ({ title: "越权创建的活动周", summaryDueAt: "2026-09-10T23:59:59+08:00" }),
    allowed: ORGANIZER,
    ok: 201,
    check: (res) => expect(res.body.week.title).to.equal("越权创建的活动周"),
  },
  {
    method: "post",
    path: "/api/v1/report-weeks/:id/evaluation",
    // No such week: the organizer gets past the role check to 404; the evaluation itself is test/http/reports.
    url: () => "/api/v1/report-weeks/00000000-0000-4000-8000-000000000000/evaluation",
    allowed: ORGANIZER,
    ok: 404,
    check: (res) => expect(res.body.error.code).to.equal("not_found"),
  },
];

function expectedApi(route: ApiRoute, who: Who): Expected {
  // A disabled user's token was revoked: every API route refuses it, public ones too (never silently anonymous).
  if (who === "disabled" && route.path.startsWith("/api/")) return { status: 401, code: "invalid_token" };
  if (route.allowed.includes(who)) return { status: typeof route.ok === "function" ? route.ok(who) : route.ok };
  if (route.hidden || route.unseenBy?.includes(who)) return { status: 404, code: "not_found" };
  if (who === "anonymous") return { status: 401, code: "unauthenticated" };
  return { status: 403, code: "forbidden" };
}

describe("authorization matrix: the JSON API (role × route)", () => {
  let app: TestApp;
  let fx: ApiFixtures;

  before(async () => {
    app = await startTestApp();
    const admin = await adminToken(app);
    const base = await makeBase(app, admin);
    fx = {
      ...base,
      ...(await makeReports(app, admin, base.actors.reporter)),
      patchContestId: await newContest(app, admin, "待修改的赛事", "open"),
      stageContestId: await newContest(app, admin, "待开放的草稿", "draft"),
      victimId: (await createActor(app, "judge")).user.id,
    };
    await disableUser(app, admin, base.disabled.user.id);
  });
  after(() => app.close());

  it("the table covers every route of the accounts, contests, audit, statistics, units and reports API", () => {
    const table = new Set(API_ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`));
    const defined = [accountsApi, contestsApi, auditApi, statisticsApi, ...REPORT_APIS].flatMap((make) =>
      routesOf(make(app.ctx), "/api/v1"),
    );
    expect(defined).to.have.length.greaterThan(10);
    for (const route of defined) expect(table.has(route), `${route} has no row in the matrix`).to.equal(true);
  });

  for (const route of API_ROUTES) {
    for (const who of CALLERS) {
      const expected = expectedApi(route, who);
      it(testName(route.method, route.path, route.label, who, "token", expected, false), async () => {
        let token: string | undefined;
        if (who === "disabled") token = fx.disabled.token;
        else if (who !== "anonymous") {
          const actor = route.ownUser ? fx.passwordUsers[who] : fx.actors[who];
          token = route.freshToken ? await tokenFor(app, actor.email, actor.password) : actor.token;
        }
        const before = expected.code ? await state(app) : null;
        let req = request(app.server)[route.method](route.url(fx));
        if (token) req = req.set("Authorization", `Bearer ${token}`);
        for (const [name, value] of Object.entries(route.fields?.(fx) ?? {})) req = req.field(name, value);
        const res = route.body ? await req.send(route.body(fx)) : await req;
        expect(res.status, JSON.stringify(res.body)).to.equal(expected.status);
        if (expected.code) {
          expect(res.headers["content-type"]).to.match(/application\/json/);
          expect(res.body.error.code).to.equal(expected.code);
          expect(res.body.error.message).to.be.a("string").that.has.length.above(0);
          expect(await state(app), "a refused call changed the database").to.deep.equal(before);
        } else {
          await route.check?.(res, fx, who, app, token);
        }
      });
    }
  }
});

// ───────────────────────────────────────────── the HTML pages ─────────────────────────────────────────────

interface PageFixtures extends Base, ReportFixtures {
  /** A draft contest whose title the matrix tries to change through the edit form. */
  editContestId: string;
  /** A draft contest the matrix tries to open through the stage form. */
  stageContestId: string;
  /** A judge the matrix tries to disable through the admin form. */
  victimId: string;
  /** Each caller's long-lived session and its CSRF token (the disabled one got both before being disabled). */
  sessions: Record<Who, { agent: PageAgent; csrf: string }>;
  /** More sessions of the disabled organizer, each made before he was disabled, for calls that replace a session. */
  spareDisabledSessions: { agent: PageAgent; csrf: string }[];
}

interface PageRoute {
  method: "get" | "post";
  path: string;
  label?: string;
  url: (fx: PageFixtures) => string;
  form?: (fx: PageFixtures) => Record<string, string>;
  allowed: readonly Who[];
  ok: number | ((who: Who) => number);
  hidden?: true;
  /** The call replaces the session (login, registration, logout): run it in a new session of the caller. */
  freshSession?: true;
  /** With freshSession: a session of the caller role's user in `passwordUsers`, not of the shared actor (the call ends his other sessions). */
  ownUser?: true;
  check?: (res: Response, fx: PageFixtures, who: Who, app: TestApp) => unknown;
  /** A CSV or XLSX download: answered as a file, not a page, when allowed. */
  download?: true;
}

const signedOut = (who: Who) => who === "anonymous" || who === "disabled";

const PAGE_ROUTES: PageRoute[] = [
  {
    method: "get",
    path: "/",
    url: () => "/",
    allowed: ANYONE,
    ok: 200,
    check: (res) => expect(res.text).to.include("公开的微视频大赛").and.not.include("尚未公开的草稿赛事"),
  },
  {
    method: "get",
    path: "/contests",
    url: () => "/contests",
    allowed: ANYONE,
    ok: 200,
    check: (res, _fx, who) => {
      expect(res.text).to.include("公开的微视频大赛");
      if (who === "organizer") expect(res.text).to.include("尚未公开的草稿赛事");
      else expect(res.text, "a draft is listed to a non-organizer").not.to.include("尚未公开的草稿赛事");
    },
  },
  {
    method: "get",
    path: "/contests/:id",
    label: "open",
    url: (fx) => `/contests/${fx.openContestId}`,
    allowed: ANYONE,
    ok: 200,
    check: (res) => expect(res.text).to.include("公开的微视频大赛"),
  },
  {
    method: "get",
    path: "/contests/:id",
    label: "draft",
    url: (fx) => `/contests/${fx.draftContestId}`,
    allowed: ORGANIZER,
    ok: 200,
    hidden: true,
    check: (res) => expect(res.text).to.include("尚未公开的草稿赛事"),
  },
  {
    method: "get",
    path: "/login",
    url: () => "/login",
    allowed: ANYONE,
    // A signed-in user is sent home; a disabled user's session no longer counts, so he sees the form.
    ok: (who) => (signedOut(who) ? 200 : 302),
    check: (res, _fx, who) => {
      if (signedOut(who)) expect(res.text).to.include('name="password"');
      else expect(res.headers.location).to.equal("/");
    },
  },
  {
    method: "get",
    path: "/register",
    url: () => "/register",
    allowed: ANYONE,
    ok: 200,
    check: (res) => expect(res.text).to.include('action="/register"'),
  },
  {
    method: "post",
    path: "/login",
    url: () => "/login",
    form: (fx) => ({ email: fx.spare.email, password: fx.spare.password }),
    allowed: ANYONE,
    ok: 302,
    freshSession: true,
  },
  {
    method: "post",
    path: "/register",
    url: () => "/register",
    form: () => ({
      name: "表单注册者",
      email: uniqueEmail("form-reg"),
      password: "Kepu-2026-xyz",
      city: "唐山",
      unit: "唐山二中",
    }),
    allowed: ANYONE,
    ok: 302,
    freshSession: true,
  },
  {
    method: "post",
    path: "/logout",
    url: () => "/logout",
    form: () => ({}),
    allowed: ANYONE,
    ok: 302,
    freshSession: true,
  },
  {
    method: "get",
    path: "/contests/new",
    url: () => "/contests/new",
    allowed: ORGANIZER,
    ok: 200,
    check: (res) => expect(res.text).to.include('name="kind"'),
  },
  {
    method: "post",
    path: "/contests",
    url: () => "/contests",
    form: () => ({
      kind: "video",
      title: "表单越权创建的赛事",
      opensAt: shanghaiLocal(1),
      closesAt: shanghaiLocal(30),
    }),
    allowed: ORGANIZER,
    ok: 302,
    check: async (res, _fx, _who, app) => {
      expect(res.headers.location).to.match(/^\/contests\/[^/]+$/);
      expect(await app.db("contests").where({ title: "表单越权创建的赛事" }).first()).to.be.an("object");
    },
  },
  {
    method: "get",
    path: "/contests/:id/edit",
    url: (fx) => `/contests/${fx.editContestId}/edit`,
    allowed: ORGANIZER,
    ok: 200,
    check: (res) => expect(res.text).to.include("待修改的草稿"),
  },
  {
    method: "post",
    path: "/contests/:id",
    url: (fx) => `/contests/${fx.editContestId}`,
    form: () => ({ title: "表单篡改的标题" }),
    allowed: ORGANIZER,
    ok: 302,
    check: async (_res, fx, _who, app) =>
      expect((await app.db("contests").where({ id: fx.editContestId }).first()).title).to.equal("表单篡改的标题"),
  },
  {
    method: "post",
    path: "/contests/:id/stage",
    url: (fx) => `/contests/${fx.stageContestId}/stage`,
    form: () => ({ to: "open", confirmed: "1" }),
    allowed: ORGANIZER,
    ok: 302,
    check: async (_res, fx, _who, app) =>
      expect((await app.db("contests").where({ id: fx.stageContestId }).first()).stage).to.equal("open"),
  },
  {
    method: "get",
    path: "/admin/users",
    url: () => "/admin/users",
    allowed: ORGANIZER,
    ok: 200,
    check: (res, fx) => expect(res.text).to.include(fx.actors.judge.email),
  },
  {
    method: "post",
    path: "/admin/users",
    url: () => "/admin/users",
    // Refused callers try to make an organizer account.
    form: () => ({
      email: uniqueEmail("form-made"),
      password: PASSWORD,
      name: "表单组织者",
      role: "organizer",
      city: "石家庄",
      unit: "省科技厅",
    }),
    allowed: ORGANIZER,
    ok: 302,
    check: async (_res, _fx, _who, app) =>
      expect(await app.db("users").where({ name: "表单组织者" }).first()).to.include({ role: "organizer" }),
  },
  {
    method: "get",
    path: "/admin/users/import",
    url: () => "/admin/users/import",
    allowed: ORGANIZER,
    ok: 200,
    check: (res) => expect(res.text).to.include('data-testid="roster-form"'),
  },
  // A urlencoded form without a file: the organizer gets the form back with 415.
  {
    method: "post",
    path: "/admin/users/import",
    url: () => "/admin/users/import",
    form: () => ({}),
    allowed: ORGANIZER,
    ok: 415,
    check: (res) => expect(res.text).to.include('data-testid="roster-form"'),
  },
  {
    method: "get",
    path: "/admin/users/:id",
    url: (fx) => `/admin/users/${fx.victimId}`,
    allowed: ORGANIZER,
    ok: 200,
    check: (res) => expect(res.text).to.include('name="avoidUnits"'),
  },
  {
    method: "post",
    path: "/admin/users/:id",
    url: (fx) => `/admin/users/${fx.victimId}`,
    form: () => ({ name: "表单改名的评委", unit: "", city: "", expertise: "", avoidUnits: "" }),
    allowed: ORGANIZER,
    ok: 302,
    check: async (_res, fx, _who, app) =>
      expect((await app.db("users").where({ id: fx.victimId }).first()).name).to.equal("表单改名的评委"),
  },
  {
    method: "get",
    path: "/me/password",
    url: () => "/me/password",
    allowed: SIGNED_IN,
    ok: 200,
    check: (res) => expect(res.text).to.include('data-testid="password-form"'),
  },
  {
    method: "post",
    path: "/me/password",
    url: () => "/me/password",
    form: () => ({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD }),
    allowed: SIGNED_IN,
    ok: 302,
    freshSession: true,
    ownUser: true,
    check: async (res, fx, who, app) => {
      expect(res.headers.location).to.equal("/me/password");
      await tokenFor(app, fx.passwordUsers[who as Role].email, NEW_PASSWORD);
    },
  },
  {
    method: "post",
    path: "/admin/users/:id/password",
    url: (fx) => `/admin/users/${fx.victimId}/password`,
    form: () => ({}),
    allowed: ORGANIZER,
    ok: 200,
    check: (res) => {
      expect(res.headers["cache-control"]).to.equal("no-store");
      expect(/data-testid="initial-password">([^<]+)</.exec(res.text)?.[1]).to.match(INITIAL_PASSWORD);
    },
  },
  {
    method: "get",
    path: "/me/profile",
    url: () => "/me/profile",
    allowed: ["judge"],
    ok: 200,
    check: (res) => expect(res.text).to.include('data-testid="avoid-units-form"'),
  },
  {
    method: "post",
    path: "/me/profile",
    url: () => "/me/profile",
    form: () => ({ avoidUnits: "表单回避单位" }),
    allowed: ["judge"],
    ok: 302,
    check: async (_res, fx, _who, app) =>
      expect((await app.db("users").where({ id: fx.actors.judge.user.id }).first()).avoid_units).to.include(
        "表单回避单位",
      ),
  },
  {
    method: "post",
    path: "/admin/users/:id/disabled",
    url: (fx) => `/admin/users/${fx.victimId}/disabled`,
    form: () => ({ disabled: "true" }),
    allowed: ORGANIZER,
    ok: 302,
    check: async (_res, fx, _who, app) =>
      expect(Boolean((await app.db("users").where({ id: fx.victimId }).first()).disabled)).to.equal(true),
  },
  {
    method: "get",
    path: "/admin/audit",
    url: () => "/admin/audit",
    allowed: ORGANIZER,
    ok: 200,
    check: (res, fx) =>
      expect(res.text).to.include('data-testid="audit"').and.include(`href="/contests/${fx.openContestId}"`),
  },
  {
    method: "get",
    path: "/admin/audit.csv",
    url: () => "/admin/audit.csv",
    allowed: ORGANIZER,
    ok: 200,
    download: true,
  },
  ...["", ".csv", ".xlsx"].flatMap((ext): PageRoute[] => [
    {
      method: "get",
      path: `/statistics${ext}`,
      url: () => `/statistics${ext}`,
      allowed: ORGANIZER,
      ok: 200,
      ...(ext ? { download: true as const } : {}),
    },
    {
      method: "get",
      path: `/contests/:id/statistics${ext}`,
      url: (fx) => `/contests/${fx.openContestId}/statistics${ext}`,
      allowed: ["coordinator", "organizer"],
      ok: 200,
      ...(ext ? { download: true as const } : {}),
    },
  ]),
  {
    method: "get",
    path: "/units",
    url: () => "/units",
    allowed: ["coordinator", "organizer"],
    ok: 200,
    check: (res, _fx, who) =>
      expect(res.text.includes('data-testid="unit-form"'), "only the organizer makes units").to.equal(
        who === "organizer",
      ),
  },
  {
    method: "post",
    path: "/units",
    url: () => "/units",
    form: () => ({ name: "表单越权单位", city: "唐山", kind: "企业" }),
    allowed: ORGANIZER,
    ok: 303,
  },
  {
    method: "post",
    path: "/units/:id/reporters",
    url: (fx) => `/units/${fx.actors.reporter.user.unitId}/reporters`,
    // Refused callers try to make themselves a reporter account.
    form: () => ({ name: "表单报送员", email: uniqueEmail("form-reporter") }),
    allowed: ORGANIZER,
    ok: 200,
    check: (res) => expect(res.text).to.include('data-testid="initial-password"'),
  },
  // The week's reporting (DESIGN §3), before the week below is made (it would become the current one).
  {
    method: "get",
    path: "/reports/activities",
    url: () => "/reports/activities",
    allowed: ["coordinator", "organizer"],
    ok: 200,
    check: (res, _fx, who) => {
      expect(res.text).to.include("待报送的活动");
      // A coordinator reads his city's registry; only the organizer imports.
      expect(res.text.includes("别的单位的活动")).to.equal(who === "organizer");
    },
  },
  {
    method: "get",
    path: "/reports/activities/template",
    url: () => "/reports/activities/template",
    allowed: ORGANIZER,
    ok: 200,
    download: true,
  },
  // A urlencoded form without a file: the organizer gets the page back with 415.
  {
    method: "post",
    path: "/reports/activities/import",
    url: () => "/reports/activities/import",
    form: () => ({}),
    allowed: ORGANIZER,
    ok: 415,
  },
  {
    method: "get",
    path: "/reports/mine",
    url: () => "/reports/mine",
    allowed: ["reporter"],
    ok: 200,
    check: (res) => expect(res.text).to.include("待报送的活动").and.not.include("别的单位的活动"),
  },
  {
    method: "get",
    path: "/reports/mine/:id",
    url: (fx) => `/reports/mine/${fx.openActivityId}`,
    allowed: ["reporter"],
    ok: 200,
    check: (res) => expect(res.text).to.include("待报送的活动"),
  },
  {
    method: "get",
    path: "/reports/mine/:id",
    label: "another unit's activity",
    url: (fx) => `/reports/mine/${fx.theirActivityId}`,
    allowed: [],
    ok: 200,
  },
  // A urlencoded form without the files: the reporter passes the checks and gets the form back with 415.
  {
    method: "post",
    path: "/reports/mine/:id",
    url: (fx) => `/reports/mine/${fx.openActivityId}`,
    form: () => ({ text: "表单报送的新闻" }),
    allowed: ["reporter"],
    ok: 415,
  },
  {
    method: "post",
    path: "/reports/mine/:id",
    label: "another unit's activity",
    url: (fx) => `/reports/mine/${fx.theirActivityId}`,
    form: () => ({ text: "冒名报送" }),
    allowed: [],
    ok: 415,
  },
  {
    method: "get",
    path: "/reports/summary",
    url: () => "/reports/summary",
    allowed: ["reporter"],
    ok: 200,
  },
  {
    method: "post",
    path: "/reports/summary",
    url: () => "/reports/summary",
    form: () => ({}),
    // His unit's summary is filed and not locked: he may edit it, but a form without files is 415.
    allowed: ["reporter"],
    ok: 415,
  },
  {
    method: "get",
    path: "/reports/files/:id",
    url: (fx) => `/reports/files/${fx.fileId}`,
    // Not published (the package is not in): the staff of the unit and city only, the others are not told it exists.
    allowed: ["reporter", "coordinator", "organizer"],
    ok: 200,
    hidden: true,
    download: true,
  },
  {
    method: "get",
    path: "/reports/status",
    url: () => "/reports/status",
    allowed: ORGANIZER,
    ok: 200,
  },
  {
    method: "get",
    path: "/reports/cities/:city/status",
    url: () => `/reports/cities/${encodeURIComponent("石家庄")}/status`,
    allowed: ["coordinator", "organizer"],
    ok: 200,
    check: (res) => expect(res.text).to.include("待报送的活动"),
  },
  {
    method: "get",
    path: "/reports/cities/:city/status",
    label: "another city",
    url: () => `/reports/cities/${encodeURIComponent(OTHER_CITY)}/status`,
    allowed: ORGANIZER,
    ok: 200,
    check: (res) => expect(res.text).to.include("别的单位的活动"),
  },
  {
    method: "post",
    path: "/reports/cities/:city/remind",
    url: () => `/reports/cities/${encodeURIComponent("石家庄")}/remind`,
    form: (fx) => ({ unitId: fx.unitId }),
    allowed: ["coordinator", "organizer"],
    ok: 200,
    check: (res) => expect(res.text).to.include("mailto:"),
  },
  {
    method: "post",
    path: "/reports/cities/:city/remind",
    label: "another city",
    url: () => `/reports/cities/${encodeURIComponent(OTHER_CITY)}/remind`,
    form: (fx) => ({ unitId: fx.theirUnitId }),
    allowed: ORGANIZER,
    ok: 200,
    check: (res) => expect(res.text).to.include("mailto:"),
  },
  {
    method: "get",
    path: "/reports/dashboard",
    url: () => "/reports/dashboard",
    allowed: ["coordinator", "organizer"],
    ok: 200,
    check: (res) => expect(res.text).to.include("<svg"),
  },
  {
    method: "get",
    path: "/reports/export.xlsx",
    url: () => "/reports/export.xlsx",
    allowed: ORGANIZER,
    ok: 200,
    download: true,
  },
  {
    method: "post",
    path: "/reports/cities/:city/package",
    url: () => `/reports/cities/${encodeURIComponent("石家庄")}/package`,
    // Not confirmed: the city's coordinator and the organizer are asked first, and nothing is submitted.
    form: () => ({}),
    allowed: ["coordinator", "organizer"],
    ok: 200,
    check: async (res, _fx, _who, app) => {
      expect(res.text).to.include('name="confirmed"');
      expect(await app.db("city_packages").where({ city: "石家庄" })).to.have.length(0);
    },
  },
  {
    method: "post",
    path: "/reports/cities/:city/package",
    label: "another city",
    url: () => `/reports/cities/${encodeURIComponent(OTHER_CITY)}/package`,
    form: () => ({ confirmed: "1" }),
    allowed: ORGANIZER,
    ok: 303,
    check: async (_res, _fx, _who, app) =>
      expect(await app.db("city_packages").where({ city: OTHER_CITY })).to.have.length(1),
  },
  // Public (网络展厅), after 唐山's package is in: its news is published.
  {
    method: "get",
    path: "/reports",
    url: () => "/reports",
    allowed: ANYONE,
    ok: 200,
    check: (res) => expect(res.text).to.include(`/reports/cities/${encodeURIComponent(OTHER_CITY)}`),
  },
  {
    method: "get",
    path: "/reports/cities/:city",
    url: () => `/reports/cities/${encodeURIComponent(OTHER_CITY)}`,
    allowed: ANYONE,
    ok: 200,
  },
  {
    method: "get",
    path: "/reports/weeks",
    url: () => "/reports/weeks",
    allowed: ORGANIZER,
    ok: 200,
    check: (res) => expect(res.text).to.include('data-testid="week-form"'),
  },
  {
    method: "post",
    path: "/reports/weeks",
    url: () => "/reports/weeks",
    form: () => ({ title: "表单越权活动周", summaryDueAt: "2026-09-10T23:59" }),
    allowed: ORGANIZER,
    ok: 303,
  },
  {
    method: "post",
    path: "/reports/weeks/:id/evaluation",
    // No such week: the organizer gets past the role check and is sent back with the reason flashed.
    url: () => "/reports/weeks/00000000-0000-4000-8000-000000000000/evaluation",
    form: () => ({}),
    allowed: ORGANIZER,
    ok: 303,
  },
];

function expectedPage(route: PageRoute, who: Who): Expected {
  // A disabled user's session is treated as signed out.
  const as = who === "disabled" ? "anonymous" : who;
  if (route.allowed.includes(as)) return { status: typeof route.ok === "function" ? route.ok(who) : route.ok };
  if (route.hidden) return { status: 404, code: "not_found" };
  if (as === "anonymous") return { status: 401, code: "unauthenticated" };
  return { status: 403, code: "forbidden" };
}

describe("authorization matrix: the HTML pages and forms (role × route)", () => {
  let app: TestApp;
  let fx: PageFixtures;

  const newSession = async (who: Who, actors: Record<Role, Actor>): Promise<{ agent: PageAgent; csrf: string }> => {
    if (who === "disabled") {
      const s = fx.spareDisabledSessions.shift();
      if (!s) throw new Error("no spare session of the disabled organizer left");
      return s;
    }
    const agent =
      who === "anonymous" ? request.agent(app.server) : await pageSession(app, actors[who].email, actors[who].password);
    return { agent, csrf: await csrfFor(agent) };
  };

  before(async () => {
    app = await startTestApp();
    const admin = await adminToken(app);
    const base = await makeBase(app, admin);
    const session = async (email: string, password: string) => {
      const agent = await pageSession(app, email, password);
      return { agent, csrf: await csrfFor(agent) };
    };
    const anonymous = request.agent(app.server);
    const sessions = { anonymous: { agent: anonymous, csrf: await csrfFor(anonymous) } } as Record<
      Who,
      { agent: PageAgent; csrf: string }
    >;
    for (const role of ROLES) sessions[role] = await session(base.actors[role].email, base.actors[role].password);
    sessions.disabled = await session(base.disabled.email, base.disabled.password);
    const freshRoutes = PAGE_ROUTES.filter((r) => r.freshSession).length;
    const spareDisabledSessions = [];
    for (let i = 0; i < freshRoutes; i++)
      spareDisabledSessions.push(await session(base.disabled.email, base.disabled.password));
    // Before he is disabled, his session really is an organizer's.
    expect((await sessions.disabled.agent.get("/admin/users")).status).to.equal(200);
    fx = {
      ...base,
      ...(await makeReports(app, admin, base.actors.reporter)),
      editContestId: await newContest(app, admin, "待修改的草稿", "draft"),
      stageContestId: await newContest(app, admin, "待开放的草稿", "draft"),
      victimId: (await createActor(app, "judge")).user.id,
      sessions,
      spareDisabledSessions,
    };
    await disableUser(app, admin, base.disabled.user.id);
  });
  after(() => app.close());

  it("the table covers every page and form of the accounts, contests, audit, statistics, units and reports pages", () => {
    const table = new Set(PAGE_ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`));
    const defined = [
      accountsPages,
      contestsPages,
      auditPages,
      statisticsPages,
      unitsPages,
      weeksPages,
      activitiesPages,
      newsPages,
      summariesPages,
      packagesPages,
      dashboardPages,
      publicReportsPages,
    ].flatMap((make) => routesOf(make(app.ctx)));
    expect(defined).to.have.length.greaterThan(10);
    for (const route of defined) expect(table.has(route), `${route} has no row in the matrix`).to.equal(true);
  });

  for (const route of PAGE_ROUTES) {
    for (const who of CALLERS) {
      const expected = expectedPage(route, who);
      it(testName(route.method, route.path, route.label, who, "session", expected, true), async () => {
        const { agent, csrf } = route.freshSession
          ? await newSession(who, route.ownUser ? fx.passwordUsers : fx.actors)
          : fx.sessions[who];
        const before = expected.code ? await state(app) : null;
        const res =
          route.method === "get"
            ? await agent.get(route.url(fx)).set("Accept", "text/html")
            : await agent
                .post(route.url(fx))
                .type("form")
                .set("Accept", "text/html")
                .send({ ...route.form!(fx), _csrf: csrf });
        expect(res.status, res.text?.slice(0, 400)).to.equal(expected.status);
        if (expected.status !== 302 && !(route.download && !expected.code))
          expect(res.headers["content-type"]).to.match(/text\/html/);
        if (expected.code) {
          // The refusal is the role check's, not a CSRF failure: the error page names its code.
          expect(res.text).to.include(`data-code="${expected.code}"`);
          expect(await state(app), "a refused call changed the database").to.deep.equal(before);
        } else {
          await route.check?.(res, fx, who, app);
        }
      });
    }
  }
});

// ───────────────────────────────────────────── disabling a user ─────────────────────────────────────────────

describe("a disabled user is shut out of the API and the pages", () => {
  let app: TestApp;
  let admin: string;
  let user: Actor;
  let agent: PageAgent;
  let csrf: string;

  const api = (method: "get" | "post" | "patch" | "delete", path: string, token?: string) => {
    const req = request(app.server)[method](path);
    return token ? req.set("Authorization", `Bearer ${token}`) : req;
  };

  before(async () => {
    app = await startTestApp();
    admin = await adminToken(app);
    user = await createActor(app, "organizer");
    agent = await pageSession(app, user.email, user.password);
    csrf = await csrfFor(agent);
  });
  after(() => app.close());

  it("before: his token and his session work (he is an organizer)", async () => {
    expect((await api("get", "/api/v1/me", user.token)).body.user).to.include({ id: user.user.id, disabled: false });
    expect((await api("get", "/api/v1/users", user.token)).status).to.equal(200);
    const page = await agent.get("/admin/users").set("Accept", "text/html");
    expect(page.status).to.equal(200);
    expect(page.text).to.include(user.user.name);
  });

  it("the organizer disables him with PATCH /api/v1/users/:id {disabled: true} → 200, audited", async () => {
    const res = await api("patch", `/api/v1/users/${user.user.id}`, admin).send({ disabled: true });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.user).to.include({ id: user.user.id, disabled: true });
    const audit = await app.db("audit_log").where({ action: "user.disable", target_id: user.user.id });
    expect(audit).to.have.length(1);
  });

  it("his existing token stops working: 401 invalid_token on every call, nothing written", async () => {
    const before = await state(app);
    for (const [method, path] of [
      ["get", "/api/v1/me"],
      ["get", "/api/v1/users"],
      ["get", "/api/v1/contests"],
      ["delete", "/api/v1/auth/token"],
    ] as const) {
      const res = await api(method, path, user.token);
      expect(res.status, `${method} ${path}`).to.equal(401);
      expect(res.body.error.code).to.equal("invalid_token");
    }
    const created = await api("post", "/api/v1/contests", user.token).send(contestBody({ title: "停用后创建" }));
    expect(created.status).to.equal(401);
    expect(await state(app)).to.deep.equal(before);
  });

  it("he cannot obtain a token: POST /api/v1/auth/token → 403 account_disabled, no token stored", async () => {
    const before = await state(app);
    const res = await api("post", "/api/v1/auth/token").send({ email: user.email, password: user.password });
    expect(res.status, JSON.stringify(res.body)).to.equal(403);
    expect(res.body.error.code).to.equal("account_disabled");
    expect(res.body).not.to.have.property("token");
    expect(await state(app)).to.deep.equal(before);
  });

  it("his HTML session stops working: he is shown signed out, organizer pages answer 401, his forms are refused", async () => {
    const home = await agent.get("/").set("Accept", "text/html");
    expect(home.status).to.equal(200);
    expect(home.text).not.to.include(user.user.name);
    expect(home.text).to.include('href="/login"');
    const users = await agent.get("/admin/users").set("Accept", "text/html");
    expect(users.status).to.equal(401);
    expect(users.text).to.include('data-code="unauthenticated"');
    const before = await state(app);
    const form = await agent
      .post("/contests")
      .type("form")
      .set("Accept", "text/html")
      .send({
        _csrf: csrf,
        kind: "video",
        title: "停用后表单创建",
        opensAt: shanghaiLocal(1),
        closesAt: shanghaiLocal(30),
      });
    expect(form.status).to.equal(401);
    expect(form.text).to.include('data-code="unauthenticated"');
    expect(await state(app)).to.deep.equal(before);
  });

  it("he cannot log in through the form either: 403 with the reason, and no session", async () => {
    const fresh = request.agent(app.server);
    const page = await fresh.get("/login");
    const before = await state(app);
    const res = await fresh
      .post("/login")
      .type("form")
      .set("Accept", "text/html")
      .send({ _csrf: /name="_csrf" value="([^"]+)"/.exec(page.text)![1], email: user.email, password: user.password });
    expect(res.status).to.equal(403);
    expect(res.text).to.include("该账号已被停用");
    expect(await state(app)).to.deep.equal(before);
    expect((await fresh.get("/admin/users").set("Accept", "text/html")).status).to.equal(401);
  });

  it("re-enabled, he gets a new token that works, but his old token stays dead", async () => {
    const res = await api("patch", `/api/v1/users/${user.user.id}`, admin).send({ disabled: false });
    expect(res.status).to.equal(200);
    expect(res.body.user.disabled).to.equal(false);
    expect((await api("get", "/api/v1/me", user.token)).status).to.equal(401);
    const fresh = await tokenFor(app, user.email, user.password);
    expect((await api("get", "/api/v1/users", fresh)).status).to.equal(200);
  });

  it("disabling through the admin form (POST /admin/users/:id/disabled) ends that user's token and session too", async () => {
    const judge = await createActor(app, "judge");
    const judgeAgent = await pageSession(app, judge.email, judge.password);
    expect((await judgeAgent.get("/").set("Accept", "text/html")).text).to.include(judge.user.name);
    const adminAgent = await pageSession(app, ADMIN.email, ADMIN.password);
    const res = await adminAgent
      .post(`/admin/users/${judge.user.id}/disabled`)
      .type("form")
      .set("Accept", "text/html")
      .send({ _csrf: await csrfFor(adminAgent), disabled: "true" });
    expect(res.status).to.equal(302);
    expect((await api("get", "/api/v1/me", judge.token)).status).to.equal(401);
    expect((await judgeAgent.get("/").set("Accept", "text/html")).text).not.to.include(judge.user.name);
    expect(
      (await api("post", "/api/v1/auth/token").send({ email: judge.email, password: judge.password })).body.error.code,
    ).to.equal("account_disabled");
  });
});
