import type { Knex } from "knex";
import type { SessionUser } from "../accounts/accounts.service.js";
import type { AppContext } from "../context.js";
import { getContest, type Contest } from "../contests/contests.service.js";
import { allows } from "../contests/lifecycle.js";
import type { Rubric } from "../contests/rubric.js";
import { contestEntries, type EntryRow } from "../entries/entries.service.js";
import { currentRound, publishedSheets, settingsOf } from "../judging/judging.service.js";
import { StageError } from "../lib/errors.js";
import { newId } from "../lib/ids.js";
import { TRIM_MIN_SHEETS } from "./aggregate.exact.js";
import { canonicalJson, sha256Hex } from "./canonical.js";
import { explainResult } from "./explain.js";
import * as q from "./results.queries.js";
import type { GivenAward } from "./awards.js";
import { awardsOfRows, computeAndStore, votesOf, type ContestResults } from "./results.service.js";
import {
  liveSegmentsOf,
  publishedLiveSheets,
  type PublishedLiveSheet,
  type StoredSegment,
} from "./live-inputs.service.js";
import type { ResultRow } from "./compute.js";

/**
 * What a snapshot publishes of one round so that anyone can recompute it: the rubric and every ranked
 * entry's sheets; and each row's extra awards (in rank order), the chosen ones with their reasons.
 */
interface PublishedInputs {
  rubric: Rubric;
  sheets: Map<string, Omit<Awaited<ReturnType<typeof publishedSheets>>[number], "entryId">[]>;
  awards: GivenAward[][];
  /** A round run live: its segments as defined, and each finalist's sheets per segment. */
  live?: { segments: StoredSegment[]; sheets: Map<string, Map<string, PublishedLiveSheet[]>> };
}

/**
 * Version of what a snapshot holds: 2 adds the sheets and the rules needed to recompute every score
 * (scripts/verify.ts); 3 adds each row's extra awards; 4 (a live final's only) adds its segments.
 */
const SNAPSHOT_FORMAT = 3;
const LIVE_SNAPSHOT_FORMAT = 4;

const rubricInForce = (rubric: Rubric) => ({
  criteria: rubric.criteria.map((c) => ({ key: c.key, label: c.label, max: c.max, step: c.step })),
  deductions: (rubric.deductions ?? []).map((d) => ({ key: d.key, label: d.label, max: d.max, step: d.step })),
});

/** A live final's segments in the rules: weight, rubric, time limit and the time rules derived from it. */
function segmentRules(results: ContestResults, segments: readonly StoredSegment[]) {
  return (results.rules.segments ?? []).map((s) => ({
    key: s.key,
    label: s.label,
    weight: s.weight,
    ...rubricInForce(segments.find((d) => d.key === s.key)!.rubric),
    seconds: s.seconds,
    timeRules: s.timeRules,
  }));
}

/** A live finalist's segments: score, measured time, deduction and the submitted sheets (评委N). */
function rowSegments(row: ResultRow, sheets: Map<string, PublishedLiveSheet[]> | undefined) {
  return (row.detail.segments ?? []).map((s) => ({
    key: s.key,
    score: s.score,
    seconds: s.seconds,
    timeDeduction: s.timeDeduction?.points ?? null,
    sheets: sheets?.get(s.key) ?? [],
  }));
}

/**
 * The snapshot that the public sees: winners with authors and unit, every ranked entry's score and
 * rank, and everything needed to recompute them (DESIGN §4 "Published results and verification"):
 * the rules in force with the rubric's steps and deductions, each ranked entry's submitted sheets
 * (judges as 评委1…n), talk times, public votes and the extra awards, and with the rules (`judgesRequired`,
 * `shortPanels`) the short panels accepted with a reason (DESIGN §3).
 */
export function snapshotBody(
  contest: Contest,
  results: ContestResults,
  entries: Map<string, EntryRow>,
  inputs: PublishedInputs,
  kind: q.SnapshotRow["kind"],
  number: number,
  createdAt: string,
  noticeEndsAt: string | null,
) {
  const live = inputs.live;
  const timed = results.rules.timeRules != null && !live;
  return {
    contest: { id: contest.id, title: contest.title, kind: contest.kind },
    snapshot: { format: live ? LIVE_SNAPSHOT_FORMAT : SNAPSHOT_FORMAT, number, kind, createdAt, noticeEndsAt },
    rules: {
      ...results.rules,
      ...rubricInForce(inputs.rubric),
      ...(live ? { segments: segmentRules(results, live.segments) } : {}),
      trimmedFrom: TRIM_MIN_SHEETS,
    },
    results: results.results.map((r, i) => {
      const entry = entries.get(r.entryId)!;
      const awards = inputs.awards[i];
      const winner = r.prize !== null || awards.length > 0;
      return {
        entryId: r.entryId,
        code: r.code,
        title: r.title,
        score: r.score,
        rank: r.rank,
        prize: r.prize,
        awards,
        judges: r.judges,
        ...votesOf(r),
        judgesScore: r.detail.aggregate,
        ...(timed ? { talkSeconds: r.detail.timeDeduction?.seconds ?? null } : {}),
        tieBrokenBy: r.detail.tieBrokenBy?.key ?? null,
        ...(live
          ? { segments: rowSegments(r, live.sheets.get(r.entryId)) }
          : { sheets: inputs.sheets.get(r.entryId) ?? [] }),
        explanation: { "zh-CN": explainResult(r, "zh-CN"), en: explainResult(r, "en") },
        // Names are published for prize and award winners only.
        authors: winner ? entry.authors.map((a) => a.name) : [],
        unit: winner ? entry.unit : "",
        city: winner ? entry.city : "",
      };
    }),
  };
}

export async function writeSnapshot(
  ctx: AppContext,
  trx: Knex,
  contest: Contest,
  results: ContestResults,
  kind: q.SnapshotRow["kind"],
  noticeEndsAt: string | null,
): Promise<q.SnapshotRow> {
  const previous = await q.snapshotsOf(trx, contest.id);
  const number = (previous.at(-1)?.number ?? 0) + 1;
  const createdAt = ctx.clock.now().toISOString();
  const inTransaction: AppContext = { ...ctx, db: trx };
  const entries = new Map((await contestEntries(inTransaction, contest.id)).map((e) => [e.id, e]));
  // The sheets of the round the results were computed from: scores are frozen from review on.
  const settings = settingsOf(contest, await currentRound(inTransaction, trx, contest));
  const sheets: PublishedInputs["sheets"] = new Map();
  for (const { entryId, ...sheet } of await publishedSheets(inTransaction, contest.id, settings.round.id)) {
    const list = sheets.get(entryId);
    if (list) list.push(sheet);
    else sheets.set(entryId, [sheet]);
  }
  const segments = await liveSegmentsOf(inTransaction, settings.round.id);
  const live = segments ? { segments, sheets: await publishedLiveSheets(inTransaction, settings.round.id) } : undefined;
  const body = snapshotBody(
    contest,
    results,
    entries,
    {
      rubric: settings.rubric,
      sheets,
      awards: awardsOfRows(results, await q.awardChoicesOf(trx, contest.id)),
      ...(live ? { live } : {}),
    },
    kind,
    number,
    createdAt,
    noticeEndsAt,
  );
  const text = canonicalJson(body);
  const snapshot: q.SnapshotRow = {
    id: newId(),
    contestId: contest.id,
    number,
    kind,
    canonicalJson: text,
    sha256: sha256Hex(text),
    createdAt,
  };
  await q.insertSnapshot(trx, snapshot);
  return snapshot;
}

/** After an upheld objection: the results again from the frozen sheets, published as a new snapshot. */
export async function recomputeAndRepublish(ctx: AppContext, trx: Knex, contest: Contest): Promise<q.SnapshotRow> {
  const results = await computeAndStore(ctx, trx, contest);
  return writeSnapshot(ctx, trx, contest, results, "revision", contest.noticeEndsAt);
}

/** One published snapshot's canonical text, byte for byte, for anyone to hash. */
export async function snapshotText(
  ctx: AppContext,
  user: SessionUser | null,
  contestId: string,
  number: number,
): Promise<string> {
  const contest = await getContest(ctx, user, contestId);
  const snapshot = (await q.snapshotsOf(ctx.db, contest.id)).find((s) => s.number === number);
  if (!snapshot || !allows(contest.stage, "viewPublicResults"))
    throw new StageError("errors.resultsNotPublic", { stage: contest.stage });
  return snapshot.canonicalJson;
}
