import type { Knex } from "knex";
import type { SessionUser } from "../accounts/accounts.service.js";
import { recordAudit } from "../audit/audit.service.js";
import type { AppContext } from "../context.js";
import { getContest, updateContest, type Contest } from "../contests/contests.service.js";
import { assertMay } from "../contests/lifecycle.js";
import {
  currentRound,
  rankableRoundEntries,
  settingsOf,
  sheetsRequired,
  submittedSheets,
  submittedSheetsText,
  type RoundRow,
  type RoundSettings,
} from "../judging/judging.service.js";
import type { Locale } from "../lib/i18n.js";
import { giveAwards, type GivenAward } from "./awards.js";
import { explainResult } from "./explain.js";
import { computeResults, type ComputeInput, type ComputeOutput, type ResultRow } from "./compute.js";
import {
  liveEntries,
  readLiveInputs,
  segmentsInForce,
  type LiveInputs,
  type SegmentInForce,
} from "./live-inputs.service.js";
import * as q from "./results.queries.js";
import { sheetColumns } from "./sheet-columns.js";
import { isAccepted, shortPanelsOf, type AcceptedShortPanel, type ShortPanel } from "./short-panels.js";
import { decodeResultRows, encodeResultRows } from "./stored.js";

export interface RulesInForce {
  aggregation: Contest["aggregation"];
  prizes: Contest["prizes"];
  prizeCounts: ComputeOutput["counts"];
  criteria: { key: string; label: string; max: number }[];
  timeRules: Contest["rules"]["timeRules"];
  /** The public vote's weight (0: none); absent in computations stored before the vote. */
  publicVoteWeight?: number;
  round: { number: number; name: string };
  rankedEntries: number;
  /** The sheets each entry needs (DESIGN §3 "Short panels"); absent in computations stored before. */
  judgesRequired?: number;
  /** The short panels accepted with a reason, printed in the rules and published in the snapshots. */
  shortPanels?: AcceptedShortPanel[];
  /** A round run live: its segments (then `criteria` and `timeRules` do not apply). */
  segments?: SegmentInForce[];
}

export interface ContestResults {
  contestId: string;
  computedAt: string;
  rules: RulesInForce;
  results: ResultRow[];
  unranked: ComputeOutput["unranked"];
  /** Every ranked entry with fewer sheets than required, accepted or not (absent in computations stored before). */
  short?: ShortPanel[];
}

/** A computation as stored: its rows as columns (stored.ts), a fraction of the bytes of one object each. */
function storedForm(results: ContestResults): unknown {
  return { ...results, results: encodeResultRows(results.results) };
}

/** A round's stored computation (by default the current round's), exactly as it was computed. */
export async function loadComputed(db: Knex, contestId: string, roundId?: string): Promise<ContestResults | null> {
  const found = await q.findComputed<ContestResults>(db, contestId, roundId);
  return found ? { ...found.data, results: decodeResultRows(found.data.results) } : null;
}

/** What computing a round's results reads: its rankable entries, submitted sheets, sheets required and accepted short panels. */
export interface RoundInputs {
  entries: Awaited<ReturnType<typeof rankableRoundEntries>>;
  sheets: ComputeInput["sheets"];
  required: number;
  accepted: Awaited<ReturnType<typeof q.shortPanelAcceptances>>;
  /** A round run live: its segments, sheets and times (then `sheets` is empty). */
  live?: LiveInputs;
}

const criterionKeys = (settings: RoundSettings): string[] => settings.rubric.criteria.map((c) => c.key);

/** A round's submitted sheets as columns (sheet-columns.ts), or as objects where the columns cannot hold them. */
async function roundSheets(ctx: AppContext, settings: RoundSettings): Promise<ComputeInput["sheets"]> {
  const keys = criterionKeys(settings);
  const columns = sheetColumns(await submittedSheetsText(ctx, settings.round.id, keys), keys);
  return columns ?? (await submittedSheets(ctx, settings.round.id, keys));
}

/** Reads a round's inputs (the first phase of resultsOfRound, apart so that the benchmark can time it). */
export async function readRoundInputs(
  ctx: AppContext,
  contest: Contest,
  settings: RoundSettings,
): Promise<RoundInputs> {
  const live = await readLiveInputs(ctx, settings.round.id);
  if (live)
    return {
      entries: liveEntries(await rankableRoundEntries(ctx, contest, settings.round), live),
      sheets: [],
      // Every judge of the panel scores every segment.
      required: live.panel,
      accepted: await q.shortPanelAcceptances(ctx.db, settings.round.id),
      live,
    };
  return {
    // Submitted, recommended where required, in the round, not failing the safety gate (DESIGN §3).
    entries: await rankableRoundEntries(ctx, contest, settings.round),
    sheets: await roundSheets(ctx, settings),
    required: await sheetsRequired(ctx, settings),
    accepted: await q.shortPanelAcceptances(ctx.db, settings.round.id),
  };
}

/** A round's results from its inputs, pure (src/results/compute.ts): aggregate, rank, award. */
export function resultsOfInputs(
  contest: Contest,
  settings: RoundSettings,
  inputs: RoundInputs,
  computedAt: string,
): ContestResults {
  const output = computeResults({
    criteria: settings.rubric.criteria,
    aggregation: settings.aggregation,
    prizes: contest.prizes,
    timeRules: contest.rules.timeRules,
    publicVoteWeight: contest.rules.publicVoteWeight,
    entries: inputs.entries, // already { id, code, title, talkSeconds, publicVotes }
    sheets: inputs.sheets,
    ...(inputs.live ? { segments: inputs.live.segments, segmentSheets: inputs.live.sheets } : {}),
  });
  const required = inputs.required;
  const short = shortPanelsOf(output.results, required, inputs.accepted);
  return {
    contestId: contest.id,
    computedAt,
    rules: {
      aggregation: settings.aggregation,
      prizes: contest.prizes,
      prizeCounts: output.counts,
      criteria: settings.rubric.criteria.map((c) => ({ key: c.key, label: c.label, max: c.max })),
      timeRules: contest.rules.timeRules,
      publicVoteWeight: contest.rules.publicVoteWeight,
      round: { number: settings.round.number, name: settings.round.name },
      rankedEntries: output.results.length,
      judgesRequired: required,
      shortPanels: short.filter(isAccepted),
      ...(inputs.live ? { segments: segmentsInForce(inputs.live) } : {}),
    },
    results: output.results,
    unranked: output.unranked,
    short,
  };
}

/** Results of a round of the contest from its submitted sheets (pure pipeline: src/results/compute.ts). */
export async function resultsOfRound(
  ctx: AppContext,
  contest: Contest,
  settings: RoundSettings,
): Promise<ContestResults> {
  const inputs = await readRoundInputs(ctx, contest, settings);
  return resultsOfInputs(contest, settings, inputs, ctx.clock.now().toISOString());
}

/** Stores a round's computation, replacing the one before. */
export async function storeComputed(trx: Knex, roundId: string, results: ContestResults): Promise<void> {
  await q.saveComputed(trx, results.contestId, roundId, results.computedAt, storedForm(results));
}

/** Computes the current round's results and stores them as that round's computation (each round keeps its own). */
export async function computeAndStore(ctx: AppContext, trx: Knex, contest: Contest): Promise<ContestResults> {
  // Every read goes through the transaction: SQLite has one connection, and the results must see the transaction's own writes.
  const inTransaction: AppContext = { ...ctx, db: trx };
  const round = await currentRound(inTransaction, trx, contest);
  const results = await resultsOfRound(inTransaction, contest, settingsOf(contest, round));
  await storeComputed(trx, round.id, results);
  return results;
}

/** POST /contests/:id/results/compute: the organizer computes (or recomputes) the results. */
export async function computeContestResults(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
): Promise<ContestResults> {
  const contest = await getContest(ctx, user, contestId);
  // A preview while judging, the real thing in review.
  assertMay(contest, "computeResults");
  return ctx.db.transaction(async (trx) => {
    const results = await computeAndStore(ctx, trx, contest);
    await recordAudit(trx, ctx.clock, {
      actorId: user.id,
      action: "results.compute",
      targetType: "contest",
      targetId: contest.id,
      details: { ranked: results.results.length },
    });
    return results;
  });
}

/** A result as clients see it (DESIGN §4), with its explanation in the reader's language. */
export interface ResultJson {
  entryId: string;
  code: string;
  title: string;
  score: number;
  rank: number;
  prize: ResultRow["prize"];
  judges: number;
  /** Where the contest weighs a public vote (网络投票). */
  publicVotes?: number;
  /** Extra awards (优秀奖, 最佳创意奖, 最佳人气奖…) beside the prize; `prize` stays the contract's level. */
  awards: GivenAward[];
  /** A short panel (DESIGN §3): its sheets, the sheets required and the reason it was accepted with, if it was. */
  short?: { sheets: number; required: number; reason: string | null };
  explanation: string;
  authors?: string[];
  unit?: string;
  city?: string;
}

export interface PublishedResults {
  contestId: string;
  computedAt: string;
  rules: RulesInForce;
  results: ResultJson[];
  unranked: ComputeOutput["unranked"];
  snapshotHash: string | null;
  snapshots: { number: number; kind: string; sha256: string; createdAt: string }[];
}

/** The public vote count, on rows of contests where the vote has a weight. */
export const votesOf = (row: ResultRow): { publicVotes?: number } =>
  row.detail.publicVote ? { publicVotes: row.detail.publicVote.votes } : {};

/**
 * Each row's extra awards: by the award rules the results were computed with (ranks and votes) and
 * the organizer's choices as they stand (chosen awards), so choosing needs no recomputation.
 */
export function awardsOfRows(
  results: Pick<ContestResults, "results" | "rules">,
  choices: Awaited<ReturnType<typeof q.awardChoicesOf>>,
): GivenAward[][] {
  const rows = results.results.map((r) => ({
    entryId: r.entryId,
    rank: r.rank,
    prize: r.prize,
    votes: r.detail.publicVote?.votes ?? null,
  }));
  return giveAwards(rows, results.rules.prizes.extras ?? [], choices);
}

/** The rows as clients see them, with their extra awards. */
export async function resultsJson(ctx: AppContext, results: ContestResults, locale: Locale): Promise<ResultJson[]> {
  const awards = awardsOfRows(results, await q.awardChoicesOf(ctx.db, results.contestId));
  const short = new Map((results.short ?? []).map((s) => [s.entryId, s]));
  return results.results.map((r, i) => resultJson(r, locale, awards[i], short.get(r.entryId)));
}

function resultJson(row: ResultRow, locale: Locale, awards: GivenAward[], short?: ShortPanel): ResultJson {
  return {
    entryId: row.entryId,
    code: row.code,
    title: row.title,
    score: row.score,
    rank: row.rank,
    prize: row.prize,
    judges: row.judges,
    ...votesOf(row),
    awards,
    ...(short ? { short: { sheets: short.sheets, required: short.required, reason: short.reason } } : {}),
    explanation: explainResult(row, locale),
  };
}

/** What organizers see of a round: its stored computation, or (before any) its sheets as they stand. */
export async function roundComputation(ctx: AppContext, contest: Contest, round: RoundRow): Promise<ContestResults> {
  return (
    (await loadComputed(ctx.db, contest.id, round.id)) ??
    (await resultsOfRound(ctx, contest, settingsOf(contest, round)))
  );
}

export { scoreMatrix, unrankedEntries, type UnrankedReason } from "./review.service.js";

/** The organizer changes the prize settings before publishing (audited as a contest update), and the results are computed again with them. */
export async function changePrizes(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  prizes: Contest["prizes"],
): Promise<ContestResults> {
  await updateContest(ctx, user, contestId, { prizes });
  return computeContestResults(ctx, user, contestId);
}
