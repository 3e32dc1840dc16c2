import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import type { Router } from "express";
import fc from "fast-check";
import request, { type Response } from "supertest";
import { accountsApi } from "../../../src/accounts/accounts.routes.js";
import { auditApi } from "../../../src/audit/audit.routes.js";
import { statisticsApi } from "../../../src/statistics/statistics.routes.js";
import { contestsApi } from "../../../src/contests/contests.routes.js";
import { entriesApi } from "../../../src/entries/entries.routes.js";
import { judgingApi } from "../../../src/judging/judging.routes.js";
import { objectionsApi, resultsApi } from "../../../src/results/results.routes.js";
import { shortPanelsApi } from "../../../src/results/short-panels.routes.js";
import { stagesApi } from "../../../src/stages/stages.routes.js";
import {
  ADMIN,
  contestBody,
  createActor,
  snapshot,
  startTestApp,
  tokenFor,
  type Actor,
  type TestApp,
} from "../../helpers/app.js";
import { REPORT_APIS } from "../../helpers/report-routers.js";
import { makeReports, type ReportFixtures } from "../../helpers/report-fixtures.js";

/**
 * DESIGN §4 and §7: bad input gets a 4xx with `{error: {code, message}}`, never a 5xx, and writes
 * nothing — on SQLite and on PostgreSQL alike (NUL in a path id once answered 500 on PostgreSQL only).
 * For every API route, generated junk (a fixed seed, a few runs a route) plus a fixed table of the
 * cases that matter most: bad text in path, query and JSON strings, junk ids, wrong JSON types,
 * unknown fields, broken JSON, huge strings, lying headers, bad tokens and wrong roles.
 */

type Role = "organizer" | "coordinator" | "judge" | "contestant" | "reporter";
type Who = "anonymous" | Role;
const ROLES: readonly Role[] = ["organizer", "coordinator", "judge", "contestant", "reporter"];
const ANYONE: readonly Who[] = ["anonymous", ...ROLES];

/** Fixed, so a run is repeatable; set BAD_INPUT_SEED / BAD_INPUT_RUNS to explore further by hand. */
const SEED = Number(process.env.BAD_INPUT_SEED ?? 20261201);
const RUNS_PER_ROUTE = Number(process.env.BAD_INPUT_RUNS ?? 12);
const FAKE_ID = "00000000-0000-4000-8000-000000000000";
const PASSWORD = "Secret-pass-42";

interface Fixtures extends ReportFixtures {
  tokens: Record<Role, string>;
  contestant: Actor;
  openContestId: string;
  victimUserId: string;
}

interface Spec {
  /** Who sends the junk: an allowed caller, so the request gets as far as it can. */
  as: Who;
  allowed: readonly Who[];
  /** A well-formed body; every case breaks exactly one thing in it (absent: the route reads no body). */
  body?: (fx: Fixtures) => Record<string, unknown>;
  /** The route reads `req.body ?? {}`: a missing body is allowed, so only a present one can be wrong. */
  optionalBody?: true;
  /** The route takes multipart (files): these text fields. */
  multipart?: Record<string, string>;
  /** Query parameters the route reads. */
  query?: Record<string, string>;
  /** Values of those parameters that the route must refuse. */
  badQuery?: Record<string, string[]>;
  /** The call would end the caller's token if it went through: use a token of its own. */
  ownToken?: true;
}

const SIGNED_IN: readonly Who[] = ROLES;
const ORG = { as: "organizer", allowed: ["organizer"] } as const;

/** Every route of the API routers (the "table covers every route" check below keeps it whole). */
const ROUTES: Record<string, Spec> = {
  "POST /api/v1/auth/register": {
    as: "anonymous",
    allowed: ANYONE,
    body: () => ({
      email: "new-contestant@example.org",
      password: "Kepu-2026-xyz",
      name: "新选手",
      city: "唐山",
      unit: "唐山一中",
    }),
  },
  "POST /api/v1/auth/token": {
    as: "anonymous",
    allowed: ANYONE,
    body: () => ({ email: "nobody@example.org", password: "Wrong-pass-1" }),
  },
  "DELETE /api/v1/auth/token": { as: "contestant", allowed: SIGNED_IN, ownToken: true },
  "GET /api/v1/me": { as: "organizer", allowed: SIGNED_IN },
  "PATCH /api/v1/me": { as: "judge", allowed: SIGNED_IN, body: () => ({ avoidUnits: ["某某中学"] }) },
  "PUT /api/v1/me/password": {
    as: "contestant",
    allowed: SIGNED_IN,
    ownToken: true,
    body: () => ({ currentPassword: PASSWORD, newPassword: "Other-pass-77" }),
  },
  "POST /api/v1/users/import": { ...ORG, multipart: { note: "名单" } },
  "POST /api/v1/users": {
    ...ORG,
    body: () => ({
      email: "made@example.org",
      password: PASSWORD,
      name: "新评委",
      role: "judge",
      city: "石家庄",
      unit: "省科协",
    }),
  },
  "POST /api/v1/users/:id/password": { ...ORG, body: () => ({}), optionalBody: true },
  "GET /api/v1/users": { ...ORG, query: { role: "judge" } },
  "GET /api/v1/users/:id": ORG,
  "PATCH /api/v1/users/:id": { ...ORG, body: () => ({ name: "改过的名字", disabled: false }) },
  "GET /api/v1/audit": {
    ...ORG,
    query: { targetType: "contest", targetId: FAKE_ID, page: "1" },
    badQuery: {
      targetType: ["", "users", "CONTEST"],
      targetId: ["x".repeat(37)],
      page: ["0", "-1", "1.5", "1e3", "9999999", ""],
    },
  },
  "GET /api/v1/statistics": {
    as: "organizer",
    allowed: ["organizer", "coordinator"],
    query: { contest: FAKE_ID },
    badQuery: { contest: ["", "x".repeat(37)] },
  },
  "GET /api/v1/units": {
    as: "organizer",
    allowed: ["organizer", "coordinator"],
    query: { city: "保定" },
    badQuery: { city: ["火星", "x".repeat(41)] },
  },
  "POST /api/v1/units": { ...ORG, body: () => ({ name: "不该建成的单位", city: "唐山", kind: "企业" }) },
  "GET /api/v1/report-weeks": ORG,
  "POST /api/v1/report-weeks": {
    ...ORG,
    body: () => ({ title: "不该建成的活动周", summaryDueAt: "2026-09-10T23:59:59+08:00" }),
  },
  "POST /api/v1/report-weeks/:id/evaluation": { ...ORG, body: () => ({ cities: ["保定"] }), optionalBody: true },
  // The week's reporting: ids of the fixtures' own (see urlOf), so a request gets past its lookups.
  "POST /api/v1/activities/import": { ...ORG, multipart: { note: "活动" } },
  "GET /api/v1/activities/template": ORG,
  "GET /api/v1/activities": {
    as: "organizer",
    allowed: ["organizer", "coordinator", "reporter"],
    query: { city: "石家庄", unit: "单位", theme: "科普行动" },
    badQuery: { city: ["火星", "", "x".repeat(41)], theme: ["天文", ""], unit: ["长".repeat(201)] },
  },
  "POST /api/v1/activities/:id/news": { as: "reporter", allowed: ["reporter"], multipart: { text: "新闻稿" } },
  "PUT /api/v1/activities/:id/news": { as: "reporter", allowed: ["reporter"], body: () => ({ text: "改过的新闻稿" }) },
  "GET /api/v1/activities/:id/news": { as: "reporter", allowed: ["organizer", "coordinator", "reporter"] },
  "GET /api/v1/report-files/:id": { as: "reporter", allowed: ["organizer", "coordinator", "reporter", "judge"] },
  // His unit's summary is filed: a POST is refused whatever it holds, a PUT reads the files.
  "POST /api/v1/units/:id/summary": { as: "reporter", allowed: ["reporter"] },
  "PUT /api/v1/units/:id/summary": { as: "reporter", allowed: ["reporter"], multipart: { note: "总结" } },
  "GET /api/v1/units/:id/summary": { as: "organizer", allowed: ["organizer", "coordinator", "reporter"] },
  "GET /api/v1/report-status": {
    as: "coordinator",
    allowed: ["organizer", "coordinator"],
    query: { city: "石家庄" },
    badQuery: { city: ["火星", "x".repeat(41)] },
  },
  "POST /api/v1/cities/:city/package": {
    as: "coordinator",
    allowed: ["organizer", "coordinator"],
    body: (fx) => ({ week: fx.weekId }),
    optionalBody: true,
  },
  "GET /api/v1/reports/dashboard": { as: "coordinator", allowed: ["organizer", "coordinator"] },
  "GET /api/v1/reports/export.xlsx": ORG,
  "POST /api/v1/contests": { ...ORG, body: () => contestBody({ title: "不该建成的赛事" }) },
  "GET /api/v1/contests": {
    as: "anonymous",
    allowed: ANYONE,
    query: { stage: "open" },
    badQuery: { stage: ["", "ALL", "opened", "open,closed"] },
  },
  "GET /api/v1/contests/:id": { as: "anonymous", allowed: ANYONE },
  "PATCH /api/v1/contests/:id": { ...ORG, body: () => ({ title: "不该改成的标题", judgesPerEntry: 3 }) },
  "POST /api/v1/contests/:id/stage": { ...ORG, body: () => ({ to: "closed" }) },
  "POST /api/v1/contests/:id/entries": {
    as: "contestant",
    allowed: ["contestant"],
    multipart: {
      title: "作品",
      summary: "简介",
      category: "科普",
      authors: JSON.stringify([{ name: "张三" }]),
      declaration: "true",
    },
  },
  "GET /api/v1/contests/:id/entries": {
    as: "organizer",
    allowed: SIGNED_IN,
    query: { q: "科普", city: "石家庄", status: "submitted" },
    badQuery: {
      status: ["", "any"],
      failing: ["2", "yes"],
      recommended: ["true"],
      q: ["长".repeat(101)],
      city: ["城".repeat(41)],
    },
  },
  "GET /api/v1/contests/:id/entries.csv": {
    as: "organizer",
    allowed: ["organizer", "coordinator"],
    query: { q: "科普", category: "科普" },
  },
  "GET /api/v1/me/entries": { as: "contestant", allowed: ["contestant"] },
  "GET /api/v1/entries/:id": { as: "organizer", allowed: SIGNED_IN },
  "PATCH /api/v1/entries/:id": {
    as: "organizer",
    allowed: ["contestant", "organizer"],
    body: () => ({ title: "新标题" }),
  },
  "DELETE /api/v1/entries/:id": { as: "organizer", allowed: ["contestant", "organizer"] },
  "GET /api/v1/entries/:id/files/:role": { as: "organizer", allowed: SIGNED_IN, query: { download: "1" } },
  "POST /api/v1/entries/:id/disqualify": { ...ORG, body: () => ({ reason: "抄袭" }) },
  "POST /api/v1/entries/:id/readmit": ORG,
  "PUT /api/v1/entries/:id/timing": { ...ORG, body: () => ({ seconds: 300 }) },
  "PUT /api/v1/entries/:id/safety": { ...ORG, body: () => ({ safe: true }) },
  "PUT /api/v1/contests/:id/votes": { ...ORG, body: () => ({ votes: { "V-001": 3 } }) },
  "GET /api/v1/contests/:id/votes": ORG,
  "POST /api/v1/entries/:id/recommend": { as: "coordinator", allowed: ["coordinator"] },
  "DELETE /api/v1/entries/:id/recommend": { as: "coordinator", allowed: ["coordinator"] },
  "PUT /api/v1/contests/:id/judges": { ...ORG, body: () => ({ judgeIds: [FAKE_ID] }) },
  "GET /api/v1/contests/:id/judges": ORG,
  "POST /api/v1/contests/:id/judges/:judgeId/reassign": ORG,
  "POST /api/v1/contests/:id/assignments/auto": { ...ORG, body: () => ({ seed: 7 }), optionalBody: true },
  "GET /api/v1/contests/:id/assignments": ORG,
  "POST /api/v1/contests/:id/assignments": { ...ORG, body: () => ({ entryId: FAKE_ID, judgeId: FAKE_ID }) },
  "PATCH /api/v1/assignments/:id": { ...ORG, body: () => ({ judgeId: FAKE_ID }) },
  "DELETE /api/v1/assignments/:id": ORG,
  "GET /api/v1/me/assignments": { as: "judge", allowed: ["judge"] },
  "POST /api/v1/contests/:id/declaration": { as: "judge", allowed: ["judge"], body: () => ({ accept: true }) },
  "GET /api/v1/assignments/:id/score": { as: "judge", allowed: ["judge"] },
  "PUT /api/v1/assignments/:id/score": {
    as: "judge",
    allowed: ["judge"],
    body: () => ({ scores: { content: 10 }, comment: "好", submit: false }),
  },
  "POST /api/v1/assignments/:id/conflict": { as: "judge", allowed: ["judge"], body: () => ({ reason: "亲属" }) },
  "GET /api/v1/contests/:id/progress": ORG,
  "GET /api/v1/entries/:id/score-history": ORG,
  "POST /api/v1/contests/:id/results/compute": ORG,
  "GET /api/v1/contests/:id/results": {
    as: "anonymous",
    allowed: ANYONE,
    query: { round: "1" },
    badQuery: { round: ["0", "-1", "1.5", "x", ""] },
  },
  "GET /api/v1/contests/:id/results.csv": { as: "anonymous", allowed: ANYONE },
  "GET /api/v1/contests/:id/results.xlsx": { as: "anonymous", allowed: ANYONE },
  "GET /api/v1/contests/:id/results/snapshots/:number": { as: "anonymous", allowed: ANYONE },
  "GET /api/v1/contests/:id/scores": ORG,
  "GET /api/v1/contests/:id/rounds": ORG,
  "POST /api/v1/contests/:id/rounds": { ...ORG, body: () => ({ name: "决赛", top: 3 }) },
  "PUT /api/v1/contests/:id/awards/:key": { ...ORG, body: () => ({ entryIds: [FAKE_ID], reason: "构思新颖" }) },
  "GET /api/v1/contests/:id/rounds/preview": {
    ...ORG,
    query: { top: "3" },
    badQuery: { top: ["0", "-1", "1.5", "abc", ""], threshold: ["70", "-1", "abc", ""] },
  },
  "POST /api/v1/contests/:id/rounds/:number/publish": ORG,
  "GET /api/v1/contests/:id/rounds/:number/finalists": { as: "anonymous", allowed: ANYONE },
  "POST /api/v1/contests/:id/objections": {
    as: "contestant",
    allowed: SIGNED_IN,
    body: () => ({ entryId: FAKE_ID, text: "对评审结果有异议" }),
    optionalBody: true,
  },
  "GET /api/v1/contests/:id/objections": { as: "contestant", allowed: SIGNED_IN },
  "POST /api/v1/objections/:id/resolve": { ...ORG, body: () => ({ decision: "rejected", reply: "维持原结果" }) },
  "GET /api/v1/objections/:id/evidence": { as: "organizer", allowed: SIGNED_IN },
  "POST /api/v1/objections/:id/republish": ORG,
  "POST /api/v1/contests/:id/short-panels": { ...ORG, body: () => ({ entryId: FAKE_ID, reason: "回避后无人可替补" }) },
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

// ───────────────────────────── junk ─────────────────────────────

/** Characters that are never data here. */
const BAD_CHARS = [
  "\u0000",
  "\u0001",
  "\u0007",
  "\u001b",
  "\u001f",
  "\u007f",
  "\ud800",
  "\udbff",
  "\udc00",
  "\udfff",
] as const;
const badChar = fc.constantFrom(...BAD_CHARS);
/** Text with one bad character somewhere in it. */
const badText = fc
  .tuple(fc.string({ maxLength: 12 }), badChar, fc.string({ maxLength: 12 }))
  .map(([a, c, b]) => `${a}${c}${b}`);
/** The same without lone surrogates, which a multipart client turns into U+FFFD before sending. */
const badControlText = fc
  .tuple(
    fc.string({ maxLength: 12 }),
    fc.constantFrom(...BAD_CHARS.filter((c) => c < "\ud800")),
    fc.string({ maxLength: 12 }),
  )
  .map(([a, c, b]) => `${a}${c}${b}`);
/** Clean but malformed ids: what a careless or hostile client sends instead of an opaque id. */
const JUNK_IDS = [
  "abc",
  "0",
  "-1",
  "1.5",
  "1e400",
  "NaN",
  "Infinity",
  "99999999999999999999",
  "2147483648",
  " ",
  "null",
  "undefined",
  "' or '1'='1",
  "1; drop table users",
  "../../etc/passwd",
  "%",
  "%zz",
  "\u00e9\u4e2d\u6587",
  "\ud83d\ude00",
  FAKE_ID.toUpperCase(),
  `${FAKE_ID}x`,
  "{}",
  "[]",
  "true",
];
// ("." and ".." would be resolved away by the URL itself, reaching another path.)
const junkId = fc
  .oneof(
    fc.constantFrom(...JUNK_IDS),
    fc.string({ minLength: 1, maxLength: 40 }),
    fc.string({ unit: "binary", minLength: 1, maxLength: 20 }),
    fc.integer({ min: 3000, max: 7000 }).map((n) => "x".repeat(n)),
  )
  .filter((v) => v !== "." && v !== "..");
const BAD_AUTH = [
  "Basic YWRtaW46YWRtaW4=",
  "Bearer",
  "Bearer a b",
  "Token abc",
  "bearer",
  `Bearer ${"x".repeat(5000)}`,
  "Bearer \u00ff\u00fe",
  "Bearer 00000000000000000000000000000000",
];
const BAD_LANGUAGES = [
  "*;q=abc",
  "zh-CN;q=2, en;q=-1",
  ",,,,",
  "x".repeat(4000),
  "\u00ff\u00fe",
  "en-US-x-private-use-tag-that-is-way-too-long",
  ";;;q=",
  "en",
];
/** A value of another JSON type than `value`: never null, which optional fields may accept. */
function wrongTypes(value: unknown): unknown[] {
  const all: unknown[] = [true, 12345, "text", [1, "two"], { nested: { x: 1 } }];
  if (typeof value === "number" || typeof value === "string") return [true, [1, "two"], { nested: { x: 1 } }];
  if (typeof value === "boolean") return all.filter((v) => typeof v !== "boolean");
  if (Array.isArray(value)) return all.filter((v) => !Array.isArray(v));
  return all.filter((v) => typeof v !== "object" || Array.isArray(v));
}

/** Percent-encodes every code unit, lone surrogates as the UTF-8-like bytes a careless client sends. */
function encodeLoose(text: string): string {
  let out = "";
  for (const ch of text) {
    const unit = ch.charCodeAt(0);
    if (ch.length === 1 && unit >= 0xd800 && unit <= 0xdfff)
      out += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join("");
    else out += encodeURIComponent(ch);
  }
  return out;
}

/** A path id sent raw: junk ids like "%zz" are meant to reach the server as typed. */
function pathValue(value: string, raw: boolean): string {
  return raw ? value : encodeLoose(value);
}

interface Case {
  kind: string;
  who: Who;
  params?: Record<string, { value: string; raw?: boolean }>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string is sent as is with `contentType`. */
  body?: unknown;
  contentType?: string;
  multipart?: Record<string, string>;
  /**
   * The statuses allowed, where the defect decides it; otherwise any 4xx will do (a route may look up
   * the contest, or check the stage, before it reads the body).
   */
  status?: number[];
  code?: string;
}

function paramNames(route: string): string[] {
  return [...route.matchAll(/:(\w+)/g)].map((m) => m[1]);
}

function insertAt(text: string, at: number, piece: string): string {
  const i = Math.min(at, text.length);
  return `${text.slice(0, i)}${piece}${text.slice(i)}`;
}

/** Generated cases for a route: each breaks one thing (and some add a bad Accept-Language). */
function casesFor(route: string, spec: Spec, fx: Fixtures): fc.Arbitrary<Case> {
  const params = paramNames(route);
  const body = spec.body?.(fx);
  const kinds: fc.Arbitrary<Case>[] = [];
  const me = spec.as;

  if (params.length > 0) {
    kinds.push(
      fc.record({ name: fc.constantFrom(...params), value: badText }).map(({ name, value }) => ({
        kind: "bad text in a path id",
        who: me,
        params: { [name]: { value } },
        status: [400],
        code: "invalid_text",
      })),
    );
    kinds.push(
      fc.record({ name: fc.constantFrom(...params), value: junkId }).map(({ name, value }) => ({
        kind: "junk path id",
        who: me,
        params: { [name]: { value, raw: value === "%" || value === "%zz" } },
      })),
    );
  }
  const queryKeys = Object.keys(spec.query ?? {});
  kinds.push(
    fc.record({ key: fc.constantFrom(...queryKeys, "lang", "x"), value: badText }).map(({ key, value }) => ({
      kind: "bad text in the query",
      who: me,
      query: { ...spec.query, [key]: value },
      status: [400],
      code: "invalid_text",
    })),
  );
  const badQuery = Object.entries(spec.badQuery ?? {}).flatMap(([key, values]) =>
    values.map((value) => ({ key, value })),
  );
  if (badQuery.length > 0) {
    kinds.push(
      fc.constantFrom(...badQuery).map(({ key, value }) => ({
        kind: "junk query value",
        who: me,
        query: { ...spec.query, [key]: value },
        status: [400],
      })),
    );
  }
  if (body) {
    const keys = Object.keys(body);
    const stringKeys = keys.filter((k) => typeof body[k] === "string");
    if (stringKeys.length > 0) {
      kinds.push(
        fc.record({ key: fc.constantFrom(...stringKeys), c: badChar, at: fc.nat(20) }).map(({ key, c, at }) => ({
          kind: "bad text in a JSON string",
          who: me,
          body: { ...body, [key]: insertAt(String(body[key]), at, c) },
          status: [400],
          code: "invalid_text",
        })),
      );
    }
    kinds.push(
      fc.record({ key: badText, value: fc.jsonValue({ maxDepth: 2 }) }).map(({ key, value }) => ({
        kind: "bad text in a JSON key",
        who: me,
        body: { ...body, [key]: value },
        status: [400],
        code: "invalid_text",
      })),
    );
    kinds.push(
      fc.record({ items: fc.array(fc.constant(null), { maxLength: 2 }), c: badChar }).map(({ items, c }) => ({
        kind: "bad text deep in the JSON",
        who: me,
        body: { ...body, deep: [...items, { inner: [`x${c}`] }] },
        status: [400],
        code: "invalid_text",
      })),
    );
    if (keys.length > 0) {
      kinds.push(
        fc
          .constantFrom(...keys)
          .chain((key) =>
            fc
              .constantFrom(...wrongTypes(body[key]))
              .map((value) => ({ kind: "wrong JSON type", who: me, body: { ...body, [key]: value } })),
          ),
      );
    }
    kinds.push(
      fc
        .record({
          key: fc
            .string({ minLength: 1, maxLength: 20 })
            .filter((k) => !keys.includes(k) && !BAD_CHARS.some((c) => k.includes(c))),
          value: fc.jsonValue({ maxDepth: 2 }),
        })
        .map(({ key, value }) => ({ kind: "unknown field", who: me, body: { ...body, [key]: value } })),
    );
    const notObjects: fc.Arbitrary<unknown> = spec.optionalBody
      ? fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.array(fc.jsonValue({ maxDepth: 1 })))
      : fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null), fc.array(fc.jsonValue({ maxDepth: 1 })));
    kinds.push(
      notObjects.map((value) => ({
        kind: "a body that is not an object",
        who: me,
        body: JSON.stringify(value),
        contentType: "application/json",
      })),
    );
    if (stringKeys.length > 0) {
      kinds.push(
        fc
          .record({ key: fc.constantFrom(...stringKeys), n: fc.integer({ min: 20_000, max: 300_000 }) })
          .map(({ key, n }) => ({ kind: "huge string", who: me, body: { ...body, [key]: "长".repeat(n) } })),
      );
    }
    if (!spec.optionalBody) {
      kinds.push(
        fc
          .constantFrom(
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
            "application/xml",
            "application/octet-stream",
          )
          .map((contentType) => ({ kind: "Content-Type that lies", who: me, body: JSON.stringify(body), contentType })),
      );
    }
  }
  if (spec.multipart) {
    const fields = spec.multipart;
    kinds.push(
      fc.record({ key: fc.constantFrom(...Object.keys(fields)), value: badControlText }).map(({ key, value }) => ({
        kind: "bad text in a multipart field",
        who: me,
        multipart: { ...fields, [key]: value },
        status: [400],
        code: "invalid_text",
      })),
    );
    kinds.push(fc.constant({ kind: "JSON where multipart is required", who: me, body: fields, status: [415] }));
  }
  const sample = body ?? { a: 1 };
  kinds.push(
    fc
      .oneof(
        fc.nat(JSON.stringify(sample).length - 1).map((n) => JSON.stringify(sample).slice(0, n)),
        fc.string({ minLength: 1, maxLength: 40 }).map((s) => `{${s}`),
        fc.constantFrom(
          "{'single': 'quotes'}",
          '{"a":1,}',
          "[1,2",
          "undefined",
          "NaN",
          '{"a":"\\x00"}',
          "\u0000",
          '{"a": 01}',
          "tru",
        ),
      )
      .filter((text) => {
        try {
          JSON.parse(text);
          return false;
        } catch {
          return text.length > 0;
        }
      })
      .map((text) => ({
        kind: "broken JSON",
        who: me,
        body: text,
        contentType: "application/json",
        status: [400],
        code: "invalid_json",
      })),
  );
  kinds.push(
    fc.constantFrom("utf-klingon", "latin-9", "klingon").map((charset) => ({
      kind: "JSON in an unknown charset",
      who: me,
      body: JSON.stringify(sample),
      contentType: `application/json; charset=${charset}`,
      status: [415],
    })),
  );
  kinds.push(
    fc
      .oneof(
        fc.constantFrom(...BAD_AUTH),
        fc.string({ maxLength: 60 }).map((s) => `Bearer ${s.replace(/\s/g, "_")}x`),
      )
      .map((auth) => ({
        kind: "bad Authorization",
        who: "anonymous",
        headers: { Authorization: auth },
        status: [401],
      })),
  );
  const refused = (["anonymous", ...ROLES] as Who[]).filter((w) => !spec.allowed.includes(w));
  if (refused.length > 0) {
    kinds.push(
      fc.constantFrom(...refused).map((who) => ({
        kind: "wrong role",
        who,
        ...(body ? { body } : {}),
        status: [who === "anonymous" ? 401 : 403, 404],
      })),
    );
  }
  return fc
    .tuple(fc.oneof(...kinds), fc.option(fc.constantFrom(...BAD_LANGUAGES), { nil: undefined }))
    .map(([c, language]) => (language ? { ...c, headers: { ...c.headers, "Accept-Language": language } } : c));
}

/** The cases that must always be tried, whatever the generator draws. */
function fixedCasesFor(route: string, spec: Spec, fx: Fixtures): Case[] {
  const me = spec.as;
  const out: Case[] = [];
  for (const name of paramNames(route)) {
    for (const value of ["a\u0000b", "\u0000", "x\ud800", "\udc00", "a\u0007b"])
      out.push({
        kind: "bad text in a path id",
        who: me,
        params: { [name]: { value } },
        status: [400],
        code: "invalid_text",
      });
    for (const value of ["NaN", "1e400", "99999999999999999999", "-1", "abc"])
      out.push({ kind: "junk path id", who: me, params: { [name]: { value } } });
  }
  out.push({
    kind: "bad text in the query",
    who: me,
    query: { ...spec.query, x: "\u0000" },
    status: [400],
    code: "invalid_text",
  });
  for (const key of Object.keys(spec.query ?? {}))
    out.push({
      kind: "bad text in the query",
      who: me,
      query: { ...spec.query, [key]: "a\u0000" },
      status: [400],
      code: "invalid_text",
    });
  const body = spec.body?.(fx);
  if (body) {
    for (const [key, value] of Object.entries(body))
      if (typeof value === "string")
        out.push({
          kind: "bad text in a JSON string",
          who: me,
          body: { ...body, [key]: `${value}\u0000` },
          status: [400],
          code: "invalid_text",
        });
    out.push({
      kind: "lone surrogate in a JSON key",
      who: me,
      body: { ...body, "\ud800": 1 },
      status: [400],
      code: "invalid_text",
    });
  }
  out.push({
    kind: "broken JSON",
    who: me,
    body: '{"a":',
    contentType: "application/json",
    status: [400],
    code: "invalid_json",
  });
  out.push({
    kind: "bad Authorization",
    who: "anonymous",
    headers: { Authorization: "Bearer not-a-token" },
    status: [401],
  });
  return out;
}

function urlOf(route: string, c: Case, fx: Fixtures): string {
  const template = route.split(" ")[1];
  const pathPart = template.replace(/:(\w+)/g, (_, name: string) => {
    const given = c.params?.[name];
    if (given) return pathValue(given.value, given.raw === true);
    if (name === "role") return "video";
    if (name === "number") return "1";
    if (name === "id" && template.startsWith("/api/v1/contests/")) return fx.openContestId;
    if (name === "id" && template.startsWith("/api/v1/users/")) return fx.victimUserId;
    if (name === "id" && template.startsWith("/api/v1/activities/"))
      return route.startsWith("POST") ? fx.openActivityId : fx.filedActivityId;
    if (name === "id" && template.startsWith("/api/v1/units/")) return fx.unitId;
    if (name === "id" && template.startsWith("/api/v1/report-files/")) return fx.fileId;
    if (name === "city") return encodeURIComponent("石家庄");
    return FAKE_ID;
  });
  const query = Object.entries(c.query ?? {})
    .map(([k, v]) => `${encodeLoose(k)}=${encodeLoose(v)}`)
    .join("&");
  return query ? `${pathPart}?${query}` : pathPart;
}

async function send(
  app: TestApp,
  route: string,
  c: Case,
  fx: Fixtures,
  token: (who: Role) => string,
): Promise<Response> {
  const method = route.split(" ")[0].toLowerCase() as "get" | "post" | "put" | "patch" | "delete";
  let req = request(app.server)[method](urlOf(route, c, fx));
  if (c.who !== "anonymous") req = req.set("Authorization", `Bearer ${token(c.who)}`);
  for (const [name, value] of Object.entries(c.headers ?? {})) req = req.set(name, value);
  if (c.multipart) {
    for (const [name, value] of Object.entries(c.multipart)) req = req.field(name, value);
    return req;
  }
  if (c.body === undefined) return req;
  if (typeof c.body === "string") return req.set("Content-Type", c.contentType ?? "application/json").send(c.body);
  return req.send(c.body as object);
}

function describeCase(route: string, c: Case, fx: Fixtures): string {
  const shown = JSON.stringify({
    url: urlOf(route, c, fx).slice(0, 300),
    who: c.who,
    headers: c.headers && Object.fromEntries(Object.entries(c.headers).map(([k, v]) => [k, v.slice(0, 60)])),
    body: typeof c.body === "string" ? c.body.slice(0, 200) : JSON.stringify(c.body)?.slice(0, 200),
    contentType: c.contentType,
    multipart: c.multipart,
  });
  return `${route}: ${c.kind} ${shown}`;
}

function checkRefusal(res: Response, c: Case, what: string): void {
  expect(res.status, `${what} → ${res.status} ${res.text.slice(0, 300)}`).to.be.within(400, 499);
  if (c.status) expect(c.status, `${what} → ${res.status} ${res.text.slice(0, 300)}`).to.include(res.status);
  expect(res.type, `${what}: answered ${res.type}`).to.equal("application/json");
  const error = (res.body as { error?: { code?: unknown; message?: unknown } }).error;
  expect(error?.code, `${what}: ${res.text.slice(0, 300)}`)
    .to.be.a("string")
    .and.not.equal("");
  expect(error?.message, `${what}: ${res.text.slice(0, 300)}`)
    .to.be.a("string")
    .and.not.equal("");
  if (c.code) expect(error?.code, what).to.equal(c.code);
}

/** Every file under the upload dir with its size: a refused upload leaves nothing behind. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string) => {
    let names: string[];
    try {
      names = readdirSync(at);
    } catch {
      return;
    }
    for (const name of names) {
      const full = path.join(at, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(`${path.relative(dir, full)} ${statSync(full).size}`);
    }
  };
  walk(dir);
  return out.sort();
}

async function state(app: TestApp): Promise<Record<string, unknown>> {
  return {
    ...(await snapshot(app.db)),
    api_tokens: await app.db("api_tokens").select("id", "user_id", "expires_at").orderBy("id"),
    uploads: filesUnder(app.ctx.config.uploadDir),
  };
}

describe("bad input on every API route: a 4xx with the error shape, never a 5xx, nothing written", function () {
  this.timeout(120_000);
  let app: TestApp;
  let fx: Fixtures;

  before(async () => {
    app = await startTestApp();
    const admin = await tokenFor(app, ADMIN.email, ADMIN.password);
    const tokens = { organizer: admin } as Record<Role, string>;
    let contestant!: Actor;
    let reporter!: Actor;
    for (const role of ["coordinator", "judge", "contestant", "reporter"] as const) {
      const actor = await createActor(app, role);
      tokens[role] = actor.token;
      if (role === "contestant") contestant = actor;
      if (role === "reporter") reporter = actor;
    }
    const victim = await createActor(app, "judge");
    const created = await request(app.server)
      .post("/api/v1/contests")
      .set("Authorization", `Bearer ${admin}`)
      .send(contestBody({ title: "垃圾输入测试赛" }));
    expect(created.status, created.text).to.equal(201);
    const opened = await request(app.server)
      .post(`/api/v1/contests/${created.body.contest.id}/stage`)
      .set("Authorization", `Bearer ${admin}`)
      .send({ to: "open" });
    expect(opened.status, opened.text).to.equal(200);
    fx = {
      ...(await makeReports(app, admin, reporter)),
      tokens,
      contestant,
      openContestId: created.body.contest.id as string,
      victimUserId: victim.user.id,
    };
  });
  after(() => app?.close());

  it("the table covers every API route", () => {
    const defined = [
      accountsApi,
      contestsApi,
      stagesApi,
      entriesApi,
      judgingApi,
      resultsApi,
      objectionsApi,
      shortPanelsApi,
      auditApi,
      statisticsApi,
      ...REPORT_APIS,
    ].flatMap((make) => routesOf(make(app.ctx)));
    expect(
      defined.filter((r) => !(r in ROUTES)),
      "routes without a row",
    ).to.deep.equal([]);
    expect(
      Object.keys(ROUTES).filter((r) => !defined.includes(r)),
      "rows without a route",
    ).to.deep.equal([]);
  });

  for (const [route, spec] of Object.entries(ROUTES)) {
    it(`${route}: generated junk is refused`, async () => {
      let own: string | undefined;
      if (spec.ownToken) own = await tokenFor(app, fx.contestant.email, fx.contestant.password);
      const token = (who: Role) => (own && who === spec.as ? own : fx.tokens[who]);
      const before = await state(app);
      for (const c of fixedCasesFor(route, spec, fx))
        checkRefusal(await send(app, route, c, fx, token), c, describeCase(route, c, fx));
      await fc.assert(
        fc.asyncProperty(casesFor(route, spec, fx), async (c) => {
          checkRefusal(await send(app, route, c, fx, token), c, describeCase(route, c, fx));
        }),
        { seed: SEED, numRuns: RUNS_PER_ROUTE, endOnFailure: true },
      );
      const after = await state(app);
      const changed = Object.keys(after).filter((part) => JSON.stringify(after[part]) !== JSON.stringify(before[part]));
      expect(
        changed,
        `${route}: a refused request wrote something: ${JSON.stringify(changed.map((part) => [before[part], after[part]])).slice(0, 3000)}`,
      ).to.deep.equal([]);
    });
  }
});
