import { expect } from "chai";
import type { Knex } from "knex";
import request from "supertest";
import { migrations } from "../../../migrations/index.js";
import { getContest } from "../../../src/contests/contests.service.js";
import { listEntries } from "../../../src/entries/entries.queries.js";
import { assignmentsOfRound } from "../../../src/judging/judging.queries.js";
import { decodeScores } from "../../../src/judging/score-values.js";
import { submittedSheetsOfRound } from "../../../src/judging/sheets.queries.js";
import { rankableRoundEntries, submittedSheets } from "../../../src/judging/judging.service.js";
import { computeContestResults } from "../../../src/results/results.service.js";
import { migrateLatest } from "../../../src/db/migrate.js";
import { startTestApp, type TestApp } from "../../helpers/app.js";
import { judgedContest } from "../../helpers/judged.js";

const organizer = {
  id: "organizer",
  email: "organizer@reads.local",
  name: "organizer",
  role: "organizer" as const,
  city: null,
  unit: null,
  expertise: [],
};

describe("results: lean reads, safety gate and talk time, stored results", () => {
  let app: TestApp;
  before(async function () {
    this.timeout(120_000);
    app = await startTestApp();
  });
  after(() => app.close());

  describe("the lean reads give what the full rows gave", () => {
    const now = "2026-12-01T00:00:00.000Z";
    const user = (id: string, role: string) => ({
      id,
      email: `${id}@reads.local`,
      password_hash: "x",
      name: id,
      role,
      city: "石家庄",
      unit: `单位-${id}`,
      expertise: "[]",
      avoid_units: "[]",
      disabled: false,
      created_at: now,
      updated_at: now,
    });
    const rules = (over: Record<string, unknown>) =>
      JSON.stringify({
        files: {},
        maxEntriesPerAuthor: null,
        maxEntriesPerUnit: null,
        requiresRecommendation: false,
        recommendationQuota: 5,
        sameCityConflict: false,
        publicVoteWeight: 0,
        noticeDays: 7,
        safetyGate: false,
        teamMax: null,
        timeRules: null,
        ...over,
      });
    const statuses = ["submitted", "submitted", "withdrawn", "submitted", "disqualified", "submitted"];

    before(async () => {
      const db = app.db;
      await db("users").insert([
        user("organizer", "organizer"),
        user("owner", "contestant"),
        ...[0, 1, 2].map((j) => user(`judge-${j}`, "judge")),
      ]);
      const variants: [string, Record<string, unknown>][] = [
        ["plain", {}],
        [
          "gated",
          {
            safetyGate: true,
            timeRules: {
              minSeconds: 180,
              underPenalty: 2,
              targetSeconds: 240,
              graceSeconds: 15,
              overPenalty: 2,
              cutoffSeconds: 250,
            },
          },
        ],
        ["recommended", { requiresRecommendation: true, safetyGate: true }],
      ];
      for (const [id, over] of variants) {
        await db("contests").insert({
          id,
          kind: "video",
          title: id,
          description: "",
          stage: "judging",
          opens_at: "2026-01-01T00:00:00.000Z",
          closes_at: "2026-02-01T00:00:00.000Z",
          notice_ends_at: null,
          judges_per_entry: 3,
          rubric: JSON.stringify({
            criteria: [
              { key: "a", label: "甲", max: 50, step: 0.5 },
              { key: "b", label: "乙", max: 50, step: 0.5 },
            ],
          }),
          rules: rules(over),
          prizes: JSON.stringify({ mode: "ratio", first: 0.1, second: 0.2, third: 0.3 }),
          aggregation: "trimmed",
          created_by: "organizer",
          created_at: now,
          updated_at: now,
        });
        await db("rounds").insert({
          id: `${id}-r1`,
          contest_id: id,
          number: 1,
          name: "初评",
          rubric: null,
          aggregation: null,
          judges_per_entry: null,
          status: "closed",
          created_at: now,
        });
        await db("rounds").insert({
          id: `${id}-r2`,
          contest_id: id,
          number: 2,
          name: "决赛",
          rubric: null,
          aggregation: null,
          judges_per_entry: null,
          status: "open",
          created_at: now,
        });
        // Seq order differs from id order, so that the order of the answer is checked.
        const entries = Array.from({ length: 24 }, (_, i) => ({
          id: `${id}-e${String((i * 7) % 24).padStart(2, "0")}`,
          contest_id: id,
          seq: i + 1,
          code: `${id}-${i + 1}`,
          owner_id: "owner",
          title: `作品 ${i + 1}`,
          summary: "",
          category: "科普行动",
          city: "石家庄",
          unit: "",
          authors: "[]",
          first_author_key: `${id}-a${i}`,
          unit_key: "",
          status: statuses[i % statuses.length],
          status_reason: null,
          recommended_at: i % 3 === 0 ? null : now,
          recommended_by: null,
          talk_seconds: i % 4 === 0 ? null : 150 + i * 5,
          safety_failed: i % 5 === 0,
          created_at: now,
          updated_at: now,
        }));
        await db("entries").insert(entries);
        await db("round_entries").insert(
          entries.filter((_, i) => i % 2 === 0).map((e) => ({ round_id: `${id}-r2`, entry_id: e.id })),
        );
        const sheets = entries.flatMap((e, i) =>
          [0, 1, 2].map((j) => ({
            id: `${e.id}-${j}`,
            round_id: `${id}-r1`,
            entry_id: e.id,
            judge_id: `judge-${j}`,
            // Drafts, sheets without a total, sheets without scores: only submitted sheets with a total count.
            status: (i + j) % 7 === 0 ? "draft" : (i + j) % 11 === 0 ? "assigned" : "submitted",
            scores: (i + j) % 13 === 0 ? null : JSON.stringify({ b: (i * j) % 50, a: (i + j * 0.5) % 50 }),
            deductions: "{}",
            comment: null,
            total: (i + j) % 9 === 0 ? null : (i * 3 + j * 7.5) % 100,
            created_at: now,
            updated_at: now,
            submitted_at: now,
          })),
        );
        await db("assignments").insert(sheets);
      }
    });

    for (const id of ["plain", "gated", "recommended"]) {
      it(`${id}: the rankable entries of each round, in seq order, and the submitted sheets in (entry, judge) order`, async () => {
        const ctx = app.ctx;
        const contest = await getContest(ctx, organizer, id);
        for (const number of [1, 2]) {
          const round = {
            id: `${id}-r${number}`,
            contestId: id,
            number,
            name: "",
            rubric: null,
            aggregation: null,
            judgesPerEntry: null,
            status: "open" as const,
            createdAt: now,
            advancement: null,
            finalistsPublishedAt: null,
          };
          // As before: every submitted entry (recommended where required in round 1; in the round after it), less those failing the safety gate.
          const inRound = new Set(
            (await app.db("round_entries").where({ round_id: round.id }).pluck("entry_id")) as string[],
          );
          const expected = (await listEntries(ctx.db, { contestId: id, status: "submitted" }))
            .filter((e) =>
              number === 1 ? !contest.rules.requiresRecommendation || e.recommendedAt !== null : inRound.has(e.id),
            )
            .filter((e) => !(contest.rules.safetyGate && e.safetyFailed))
            .map((e) => ({
              id: e.id,
              code: e.code,
              title: e.title,
              talkSeconds: contest.rules.timeRules ? e.talkSeconds : null,
              publicVotes: contest.rules.publicVoteWeight > 0 ? e.publicVotes : null,
            }));
          expect(await rankableRoundEntries(ctx, contest, round)).to.deep.equal(expected);
          expect(expected.length).to.be.greaterThan(0);
        }
        const before = (await assignmentsOfRound(ctx.db, `${id}-r1`))
          .filter((a) => a.status === "submitted" && a.total !== null)
          .map((a) => ({ entryId: a.entryId, judgeId: a.judgeId, total: a.total!, scores: a.scores ?? {} }));
        expect(await submittedSheets(ctx, `${id}-r1`, ["a", "b"])).to.deep.equal(before);
        expect(await submittedSheetsOfRound(ctx.db, `${id}-r1`, ["a", "b"])).to.deep.equal(before);
        expect(before.some((s) => Object.keys(s.scores).length === 0)).to.equal(true);
      });
    }
  });

  describe("through the API", () => {
    const rubric = {
      criteria: [
        { key: "science", label: "科学性", max: 50, step: 0.5 },
        { key: "art", label: "艺术性", max: 50, step: 0.5 },
      ],
    };
    const s = (science: number, art: number) => ({ science, art });

    it("leaves out an entry failing the safety gate, applies the talk time, and reads back the stored results exactly", async function () {
      this.timeout(120_000);
      const c = await judgedContest(app, {
        contest: {
          rubric,
          rules: { maxEntriesPerAuthor: null, safetyGate: true, timeRules: {} },
          prizes: { mode: "count", first: 1, second: 1, third: 1 },
        },
        sheets: [
          // 80, 80.5, 81, 79.5, 80 → drop 81 and 79.5 → 240.5 / 3 = 80.1666… → 80.17; a 2:50 talk → 78.17.
          [s(40, 40), s(40, 40.5), s(40.5, 40.5), s(39.5, 40), s(40, 40)],
          // Five × 85.5 → 85.50, on time.
          [s(45, 40.5), s(45, 40.5), s(45, 40.5), s(45, 40.5), s(45, 40.5)],
          // 90 everywhere, but unsafe: not ranked, and not listed as unranked either.
          [s(45, 45), s(45, 45), s(45, 45), s(45, 45), s(45, 45)],
          // 78, 78.5, 78, 78, 78 → drop 78.5 and one 78 → 78.00.
          [s(39, 39), s(39, 39.5), s(39, 39), s(39, 39), s(39, 39)],
          // Never scored.
          [null, null, null, null, null],
        ],
      });
      const as = (path: string) => request(app.server).get(path).set("Authorization", `Bearer ${c.admin}`);
      const put = (path: string, body: object) =>
        request(app.server).put(path).set("Authorization", `Bearer ${c.admin}`).send(body);
      const admin = {
        ...organizer,
        id: (await app.db("users").where({ email: "admin@test.local" }).first("id")).id as string,
      };
      expect((await put(`/api/v1/entries/${c.entries[2].id}/safety`, { safe: false })).status).to.equal(200);
      expect((await put(`/api/v1/entries/${c.entries[0].id}/timing`, { seconds: 170 })).status).to.equal(200);
      expect((await put(`/api/v1/entries/${c.entries[1].id}/timing`, { seconds: 245 })).status).to.equal(200);

      const computed = await request(app.server)
        .post(`/api/v1/contests/${c.contestId}/results/compute`)
        .set("Authorization", `Bearer ${c.admin}`);
      expect(computed.status, JSON.stringify(computed.body)).to.equal(200);
      expect(
        computed.body.results.map((r: { code: string; score: number; rank: number; prize: string | null }) => [
          r.code,
          r.score,
          r.rank,
          r.prize,
        ]),
      ).to.deep.equal([
        [c.entries[1].code, 85.5, 1, "first"],
        [c.entries[0].code, 78.17, 2, "second"],
        [c.entries[3].code, 78, 3, "third"],
      ]);
      expect(computed.body.results[1].explanation).to.include("80.17").and.include("78.17");
      expect(computed.body.unranked.map((u: { code: string }) => u.code)).to.deep.equal([c.entries[4].code]);

      // The stored computation reads back as it was computed, in either language.
      for (const language of ["zh-CN", "en"]) {
        const fresh = await request(app.server)
          .post(`/api/v1/contests/${c.contestId}/results/compute`)
          .set("Authorization", `Bearer ${c.admin}`)
          .set("Accept-Language", language);
        const stored = await as(`/api/v1/contests/${c.contestId}/results`).set("Accept-Language", language);
        expect(stored.status).to.equal(200);
        const { snapshotHash, snapshots, ...rest } = stored.body;
        expect(snapshotHash).to.equal(null);
        expect(snapshots).to.deep.equal([]);
        expect(JSON.stringify(rest)).to.equal(JSON.stringify(fresh.body));
      }
      // Every scored sheet's compact scores (what computing reads) say what its JSON says.
      const sheets = await app
        .db("assignments")
        .whereIn(
          "entry_id",
          c.entries.map((e) => e.id),
        )
        .whereNotNull("scores");
      expect(sheets.length).to.be.greaterThan(10);
      for (const sheet of sheets as { scores: string; score_keys: string; score_values: string }[])
        expect(decodeScores(sheet.score_values, JSON.parse(sheet.score_keys) as string[])).to.deep.equal(
          JSON.parse(sheet.scores),
        );
      // The same results from sheets without the compact form (saved before it) or saved under another rubric.
      const compact = await computeContestResults(app.ctx, admin, c.contestId);
      await app.db("assignments").whereIn("id", [sheets[0].id, sheets[3].id]).update({ score_keys: null });
      await app.db("assignments").whereIn("id", [sheets[1].id]).update({ score_keys: '["other"]', score_values: "1" });
      const fromJson = await computeContestResults(app.ctx, admin, c.contestId);
      expect({ ...fromJson, computedAt: null }).to.deep.equal({ ...compact, computedAt: null });
      // The migration fills the compact form of sheets saved before it: down, then up again.
      const ours = "20261203110000_sheet-score-values";
      const source: Knex.MigrationSource<string> = {
        getMigrations: () => Promise.resolve(Object.keys(migrations)),
        getMigrationName: (name) => name,
        getMigration: (name) => Promise.resolve(migrations[name]),
      };
      const applied = async () => (await app.db("knex_migrations").pluck("name")) as string[];
      while ((await applied()).includes(ours)) await app.db.migrate.down({ migrationSource: source });
      expect(await migrateLatest(app.db)).to.include(ours);
      const backfilled = await app.db("assignments").whereIn("id", [sheets[0].id, sheets[1].id]);
      for (const sheet of backfilled as { scores: string; score_keys: string; score_values: string }[])
        expect(decodeScores(sheet.score_values, JSON.parse(sheet.score_keys) as string[])).to.deep.equal(
          JSON.parse(sheet.scores),
        );
      // And as the service computes it, detail and all.
      const again = await computeContestResults(app.ctx, admin, c.contestId);
      const row = again.results.find((r) => r.code === c.entries[0].code)!;
      // Totals come in judge-id order (ids are random here).
      expect([...row.detail.totals].sort((a, b) => a - b)).to.deep.equal([80, 80, 80.5]);
      expect(row.detail).to.deep.equal({
        method: "trimmed",
        totals: row.detail.totals,
        dropped: {
          highest: { judgeId: row.detail.dropped!.highest.judgeId, total: 81 },
          lowest: { judgeId: row.detail.dropped!.lowest.judgeId, total: 79.5 },
        },
        aggregate: 80.17,
        publicVote: null,
        timeDeduction: { points: -2, reason: "under", seconds: 170 },
        tieBrokenBy: null,
        tiedWith: [],
      });
    });
  });
});
