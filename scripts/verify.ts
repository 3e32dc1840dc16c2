/**
 * Recomputes a published results snapshot (公示/终审快照) from its own contents and says where
 * anything differs: npm run verify -- FILE_OR_URL [--sha256 HEX] [--lang en]
 *
 * Written apart from the app on purpose: nothing here comes from src/, so a mistake in the app's
 * results code is not repeated here. It follows DESIGN §3 "Judging rules" as the public can read
 * it: each judge's total = the criteria − the deductions; the round's aggregation (trimmed: with
 * `trimmedFrom` (5) or more sheets drop exactly one highest and one lowest total, else the mean;
 * mean; zscore); the judges' score rounded half up to 2 decimals; the public vote blended
 * (votes ÷ most votes × 100, weighted) and rounded again; the talk-time deduction; ranks by score,
 * then by each criterion's mean over all sheets in rubric order, equal entries sharing a rank
 * (1, 2, 2, 4); cumulative prize boundaries (ratios rounded half up); the extra awards by rank after
 * the third prize and by public votes, and the chosen ones within their count. Every number is an exact
 * fraction of BigInts; only zscore takes square roots, computed here to 40 decimals.
 *
 * FILE_OR_URL: a saved snapshot file, the snapshot's URL (…/api/v1/contests/ID/results/snapshots/N)
 * or the results page (…/contests/ID/results: its latest snapshot). For a URL the published SHA-256
 * is fetched from the same site; for a file, pass the SHA-256 shown on the results page as --sha256.
 * Exit status: 0 everything agrees, 1 something differs, 2 the snapshot could not be read.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";

// ---------------------------------------------------------------------------------------------
// Exact fractions

interface Q {
  n: bigint;
  d: bigint;
}

const babs = (x: bigint) => (x < 0n ? -x : x);

function bgcd(a: bigint, b: bigint): bigint {
  a = babs(a);
  b = babs(b);
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function frac(n: bigint, d = 1n): Q {
  if (d < 0n) [n, d] = [-n, -d];
  const g = bgcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}

const ZERO = frac(0n);
const plus = (a: Q, b: Q) => frac(a.n * b.d + b.n * a.d, a.d * b.d);
const minus = (a: Q, b: Q) => frac(a.n * b.d - b.n * a.d, a.d * b.d);
const times = (a: Q, b: Q) => frac(a.n * b.n, a.d * b.d);
const over = (a: Q, b: Q) => frac(a.n * b.d, a.d * b.n);
const cmp = (a: Q, b: Q) => {
  const x = a.n * b.d - b.n * a.d;
  return x < 0n ? -1 : x > 0n ? 1 : 0;
};
const isZero = (a: Q) => a.n === 0n;

/** The exact value of the decimal a JSON number prints as ("85.3" is 853/10, not the float near it). */
function dec(x: number): Q {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(String(x));
  if (!m) throw new FormatError(`not a number: ${String(x)}`);
  const digits = BigInt(m[1] + m[2] + (m[3] ?? ""));
  const exp = Number(m[4] ?? "0") - (m[3] ?? "").length;
  return exp >= 0 ? frac(digits * 10n ** BigInt(exp)) : frac(digits, 10n ** BigInt(-exp));
}

/** Rounded half up (a half goes away from zero: 四舍五入) to `places` decimals. */
function roundHalfUp(a: Q, places: number): Q {
  const scale = 10n ** BigInt(places);
  const q = (2n * babs(a.n) * scale + a.d) / (2n * a.d);
  return frac(a.n < 0n ? -q : q, scale);
}

/** A fraction as a decimal: exact when it ends within 12 places, else "≈" and 10 places. */
function show(a: Q): string {
  for (let places = 0; places <= 12; places++) {
    const scale = 10n ** BigInt(places);
    if ((a.n * scale) % a.d === 0n) return digits((a.n * scale) / a.d, places);
  }
  const r = roundHalfUp(a, 10);
  return `≈${digits(r.n * (10n ** 10n / r.d), 10)}`;
}

function digits(scaled: bigint, places: number): string {
  const sign = scaled < 0n ? "-" : "";
  const s = babs(scaled)
    .toString()
    .padStart(places + 1, "0");
  return places === 0 ? sign + s : `${sign}${s.slice(0, -places)}.${s.slice(-places)}`;
}

const mean = (values: readonly Q[]) => over(values.reduce(plus, ZERO), frac(BigInt(values.length)));

/** Population variance: a judge's sheets in the round are all of his scores. */
function variance(values: readonly Q[]): Q {
  const m = mean(values);
  return mean(values.map((v) => times(minus(v, m), minus(v, m))));
}

/** √a to 40 decimals (floor), as a fraction: the only inexact step, for zscore. */
const SQRT_SCALE = 10n ** 40n;
function sqrt(a: Q): Q {
  const target = (a.n * SQRT_SCALE * SQRT_SCALE) / a.d;
  if (target <= 0n) return ZERO;
  let x = BigInt(Math.floor(Math.sqrt(Number(target))) || 1);
  // Newton's method on integers, from a float's guess.
  for (;;) {
    const y = (x + target / x) / 2n;
    if (babs(y - x) <= 1n) {
      x = y;
      break;
    }
    x = y;
  }
  while (x * x > target) x -= 1n;
  while ((x + 1n) * (x + 1n) <= target) x += 1n;
  return frac(x, SQRT_SCALE);
}

// ---------------------------------------------------------------------------------------------
// The snapshot, read defensively: it is a file from anywhere.

class FormatError extends Error {}

interface Criterion {
  key: string;
  label: string;
  max: number;
  step?: number;
}

interface TimeRules {
  minSeconds: number;
  underPenalty: number;
  targetSeconds: number;
  graceSeconds: number;
  overPenalty: number;
}

interface PublishedSheet {
  judge: string;
  scores: Record<string, number>;
  deductions: Record<string, number>;
  total: number;
}

/** A live final's segment as the rules publish it (snapshot format 4). */
interface LiveSegmentRule {
  key: string;
  label: string;
  weight: number;
  criteria: Criterion[];
  deductions?: Criterion[];
  /** The time limit S in seconds, or null. */
  seconds: number | null;
}

/** A live finalist's segment: its published score, measured time, deduction and sheets. */
interface PublishedSegment {
  key: string;
  score: number | null;
  seconds: number | null;
  timeDeduction: number | null;
  sheets: PublishedSheet[];
}

interface PublishedRow {
  code: string;
  title: string;
  score: number;
  rank: number;
  prize: "first" | "second" | "third" | null;
  judges: number;
  publicVotes?: number;
  judgesScore?: number;
  talkSeconds?: number | null;
  tieBrokenBy?: string | null;
  sheets?: PublishedSheet[];
  /** From snapshot format 3 on. */
  awards?: { key: string; label: string; reason?: string }[];
  /** A live final's finalist (format 4): its segments instead of `sheets`. */
  segments?: PublishedSegment[];
}

interface ExtraAward {
  key: string;
  label: string;
  /** None: chosen (the awards' first form had no basis). */
  basis?: "ranked" | "chosen" | "votes";
  count?: number;
  ratio?: number;
}

interface Snapshot {
  contest: { id: string; title: string };
  snapshot: { format?: number; number: number; kind: string; createdAt: string };
  rules: {
    aggregation: "trimmed" | "mean" | "zscore";
    prizes: { mode: "ratio" | "count"; first: number; second: number; third: number; extras?: ExtraAward[] };
    prizeCounts: { first: number; second: number; third: number };
    criteria: Criterion[];
    deductions?: Criterion[];
    timeRules: TimeRules | null;
    publicVoteWeight?: number;
    trimmedFrom?: number;
    rankedEntries: number;
    /** Sheets each entry needs, and the short panels accepted with a reason; absent in older snapshots. */
    judgesRequired?: number;
    shortPanels?: { code: string; sheets: number; required: number; reason: string }[];
    /** A live final: the round scored in segments. */
    segments?: LiveSegmentRule[];
  };
  results: PublishedRow[];
}

function need(ok: unknown, what: string): asserts ok {
  if (!ok) throw new FormatError(what);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isSheet = (x: unknown) =>
  isObject(x) && typeof x.judge === "string" && isObject(x.scores) && isObject(x.deductions) && isNum(x.total);

/** `list` is a list (else `notList`) whose every item passes `ok` (else `malformed`). */
function needEach(list: unknown, notList: string, ok: (item: unknown) => boolean, malformed: string): void {
  need(Array.isArray(list), notList);
  for (const item of list as unknown[]) need(ok(item), malformed);
}

function readSnapshot(value: unknown): Snapshot {
  need(isObject(value), "the file is not a JSON object");
  const { contest, snapshot, rules, results } = value;
  need(isObject(contest) && isObject(snapshot), "no contest or snapshot header");
  need(isObject(rules), "no rules");
  need(["trimmed", "mean", "zscore"].includes(rules.aggregation as string), "rules.aggregation unknown");
  need(Array.isArray(rules.criteria) && rules.criteria.length > 0, "rules.criteria missing");
  need(isObject(rules.prizes) && ["ratio", "count"].includes(rules.prizes.mode as string), "rules.prizes unknown");
  need(Array.isArray(results), "results missing");
  if (rules.shortPanels !== undefined)
    needEach(
      rules.shortPanels,
      "rules.shortPanels is not a list",
      (p) =>
        isObject(p) &&
        typeof p.code === "string" &&
        isNum(p.sheets) &&
        isNum(p.required) &&
        typeof p.reason === "string",
      "a short panel is malformed",
    );
  const live = rules.segments !== undefined;
  if (live) {
    needEach(
      rules.segments,
      "rules.segments is not a list",
      (g) =>
        isObject(g) &&
        typeof g.key === "string" &&
        isNum(g.weight) &&
        Array.isArray(g.criteria) &&
        (g.seconds === null || isNum(g.seconds)),
      "a segment of the rules is malformed",
    );
    need((rules.segments as unknown[]).length > 0, "rules.segments is not a list");
  }
  for (const r of results as unknown[]) {
    need(isObject(r) && typeof r.code === "string" && isNum(r.score) && isNum(r.rank), "a result row is malformed");
    if (live) {
      need(Array.isArray(r.segments), `${r.code}: segments is not a list`);
      for (const g of r.segments as unknown[]) {
        need(
          isObject(g) &&
            typeof g.key === "string" &&
            (g.seconds === null || isNum(g.seconds)) &&
            (g.score === null || isNum(g.score)),
          `${r.code}: a segment is malformed`,
        );
        needEach(g.sheets, `${r.code}: a segment is malformed`, isSheet, `${r.code}: a sheet is malformed`);
      }
    }
    if (r.sheets !== undefined)
      needEach(r.sheets, `${r.code}: sheets is not a list`, isSheet, `${r.code}: a sheet is malformed`);
  }
  return value as unknown as Snapshot;
}

/** Canonical JSON as the app publishes it: keys sorted at every level, no whitespace. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(",")}}`;
}

// ---------------------------------------------------------------------------------------------
// DESIGN §3, step by step

export interface Difference {
  /** The entry's code, or null for the snapshot as a whole. */
  entry: string | null;
  what: string;
  published: string;
  recomputed: string;
}

interface Recomputed {
  code: string;
  judges: number;
  total: Q[];
  judgesScore: Q;
  score: Q;
  /** Per criterion in rubric order: mean over all sheets, null when no sheet scored it. */
  means: (Q | null)[];
  rank: number;
  prize: PublishedRow["prize"];
  tieBrokenBy: string | null;
}

/** A row before step 4 ranks it. */
type Unranked = Omit<Recomputed, "rank" | "prize" | "tieBrokenBy">;

/** Each criterion's mean over the sheets that scored it, null when none did. */
function means(
  sheets: readonly { scores: Record<string, number> }[],
  criteria: readonly { key: string }[],
): (Q | null)[] {
  return criteria.map((c) => {
    const given = sheets.filter((x) => x.scores[c.key] !== undefined).map((x) => dec(x.scores[c.key]));
    return given.length === 0 ? null : mean(given);
  });
}

/** Each sheet's total from its scores, checking the scores against the rubric. */
function sheetTotals(
  rubric: { criteria: Criterion[]; deductions?: Criterion[] },
  row: PublishedRow,
  sheets: readonly PublishedSheet[],
  diffs: Difference[],
  say: Say,
): Q[] {
  const criteria = rubric.criteria;
  const deductions = rubric.deductions ?? [];
  return sheets.map((sheet) => {
    let total = ZERO;
    const check = (list: Criterion[], given: Record<string, number>, kind: "criterion" | "deduction") => {
      for (const key of Object.keys(given))
        if (!list.some((c) => c.key === key))
          diffs.push({
            entry: row.code,
            what: say.unknownKey(sheet.judge, key),
            published: String(given[key]),
            recomputed: "—",
          });
      for (const c of list) {
        const v = given[c.key];
        if (v === undefined) {
          if (kind === "criterion")
            diffs.push({ entry: row.code, what: say.missing(sheet.judge, c.label), published: "—", recomputed: "—" });
          continue;
        }
        if (!isNum(v)) throw new FormatError(`${row.code} ${sheet.judge}: ${c.key} is not a number`);
        const q = dec(v);
        const stepOk = c.step === undefined || over(q, dec(c.step)).d === 1n;
        if (q.n < 0n || cmp(q, dec(c.max)) > 0 || !stepOk)
          diffs.push({
            entry: row.code,
            what: say.outOfRubric(sheet.judge, c.label, c.max, c.step),
            published: String(v),
            recomputed: "—",
          });
        total = kind === "criterion" ? plus(total, q) : minus(total, q);
      }
    };
    check(criteria, sheet.scores, "criterion");
    check(deductions, sheet.deductions, "deduction");
    if (cmp(total, dec(sheet.total)) !== 0)
      diffs.push({
        entry: row.code,
        what: say.sheetTotal(sheet.judge),
        published: String(sheet.total),
        recomputed: show(total),
      });
    return total;
  });
}

/** trimmed or mean: exact. */
function plainAggregate(totals: readonly Q[], method: "trimmed" | "mean", trimmedFrom: number): Q {
  if (method === "mean" || totals.length < trimmedFrom) return mean(totals);
  // Exactly one highest and one lowest go, even when tied.
  const sorted = [...totals].sort(cmp);
  return mean(sorted.slice(1, -1));
}

/**
 * zscore: each total standardized against its judge's own mean and population deviation over the
 * round, mapped back onto the pooled mean and deviation; a judge with one sheet or no spread
 * carries no information (z = 0). Returns, per entry, the value and whether it is exact (no
 * square root was taken).
 */
function zscoreAggregates(entries: readonly { judges: string[]; totals: Q[] }[]): { value: Q; exact: boolean }[] {
  const all = entries.flatMap((e) => e.totals);
  if (all.length === 0) return [];
  const pooledMean = mean(all);
  const pooledVar = variance(all);
  const byJudge = new Map<string, Q[]>();
  entries.forEach((e) => e.judges.forEach((j, i) => byJudge.set(j, [...(byJudge.get(j) ?? []), e.totals[i]])));
  const judgeStats = new Map(
    [...byJudge].map(([j, t]) => [j, { count: t.length, mean: mean(t), variance: variance(t) }]),
  );
  return entries.map((e) => {
    const offsets = e.totals.map((t, i) => {
      const stats = judgeStats.get(e.judges[i])!;
      if (stats.count < 2 || isZero(stats.variance)) return ZERO;
      return times(minus(t, stats.mean), sqrt(over(pooledVar, stats.variance)));
    });
    return { value: plus(pooledMean, mean(offsets)), exact: offsets.every(isZero) };
  });
}

/**
 * A zscore value carries the square root's tiny error, so (as the app does with its floats) it is
 * first rounded half up to 9 decimals, then to 2: a value within 5e-10 below a half counts as the half.
 */
const round2 = (v: Q, exact: boolean) => roundHalfUp(exact ? v : roundHalfUp(v, 9), 2);

/** Points to add for a talk measured at `seconds` (0, −under or −over): exactly at a limit costs nothing. */
function talkDeduction(seconds: number, r: TimeRules): Q {
  if (seconds < r.minSeconds && r.underPenalty > 0) return times(frac(-1n), dec(r.underPenalty));
  if (seconds > r.targetSeconds + r.graceSeconds && r.overPenalty > 0) return times(frac(-1n), dec(r.overPenalty));
  return ZERO;
}

/** Cumulative rank boundaries for N ranked entries; ratios rounded half up, so rounding never drifts. */
function prizeBoundaries(p: Snapshot["rules"]["prizes"], n: number): [number, number, number] {
  let cumulative: Q[];
  if (p.mode === "ratio") {
    const r1 = dec(p.first);
    const r2 = plus(r1, dec(p.second));
    const r3 = plus(r2, dec(p.third));
    cumulative = [r1, r2, r3].map((r) => roundHalfUp(times(frac(BigInt(n)), r), 0));
  } else {
    cumulative = [dec(p.first), dec(p.first + p.second), dec(p.first + p.second + p.third)];
  }
  return cumulative.map((c) => Math.min(Number(c.n / c.d), n)) as [number, number, number];
}

function recompute(
  s: Snapshot,
  diffs: Difference[],
  say: Say,
): { rows: Recomputed[]; boundaries: [number, number, number] } {
  const criteria = s.rules.criteria;
  if (s.rules.segments) return recomputeLive(s, s.rules.segments, diffs, say);
  const perEntry = s.results.map((row) => ({ row, totals: sheetTotals(s.rules, row, row.sheets ?? [], diffs, say) }));
  // 1. Aggregate the judges' totals.
  const method = s.rules.aggregation;
  const aggregates =
    method === "zscore"
      ? zscoreAggregates(perEntry.map((e) => ({ judges: (e.row.sheets ?? []).map((x) => x.judge), totals: e.totals })))
      : perEntry.map((e) => ({ value: plainAggregate(e.totals, method, s.rules.trimmedFrom ?? 5), exact: true }));
  // 2. Blend the public vote into the rounded judges' score.
  const weight = dec(s.rules.publicVoteWeight ?? 0);
  const maxVotes = Math.max(0, ...s.results.map((r) => r.publicVotes ?? 0));
  const rows = perEntry.map(({ row, totals }, i): Unranked => {
    const agg = aggregates[i];
    const judgesScore = round2(agg.value, agg.exact);
    let base: Q = agg.value;
    let blended = false;
    if (!isZero(weight)) {
      const points = maxVotes === 0 ? ZERO : frac(BigInt(row.publicVotes ?? 0) * 100n, BigInt(maxVotes));
      base = roundHalfUp(plus(times(minus(frac(1n), weight), judgesScore), times(weight, points)), 2);
      blended = true;
    }
    // 3. Deduct talk time from the final score, after aggregation.
    let score = blended ? base : judgesScore;
    if (s.rules.timeRules && row.talkSeconds != null) {
      const points = talkDeduction(row.talkSeconds, s.rules.timeRules);
      score = blended ? roundHalfUp(plus(base, points), 2) : round2(plus(base, points), agg.exact);
    }
    const sheets = row.sheets ?? [];
    return { code: row.code, judges: sheets.length, total: totals, judgesScore, score, means: means(sheets, criteria) };
  });
  return rankAndAward(
    s,
    rows,
    criteria.map((c) => c.key),
  );
}

/** Steps 4 and 5: ranks by score then by each criterion's mean of the tie chain (`chain` names them); prizes by rank. */
function rankAndAward(
  s: Snapshot,
  unranked: Unranked[],
  chain: readonly string[],
): { rows: Recomputed[]; boundaries: [number, number, number] } {
  const rows: Recomputed[] = unranked.map((r) => ({ ...r, rank: 0, prize: null, tieBrokenBy: null }));
  // 4. Rank: score, then each criterion's mean in rubric order; still equal: the same rank.
  const compareRows = (a: Recomputed, b: Recomputed): { order: number; by: number | null } => {
    const c = cmp(b.score, a.score);
    if (c !== 0) return { order: c, by: null };
    for (let k = 0; k < chain.length; k++) {
      const x = a.means[k];
      const y = b.means[k];
      const order = x === null || y === null ? (x === y ? 0 : x === null ? 1 : -1) : cmp(y, x);
      if (order !== 0) return { order, by: k };
    }
    return { order: 0, by: null };
  };
  const sorted = [...rows].sort((a, b) => compareRows(a, b).order);
  sorted.forEach((r, i) => {
    if (i === 0) {
      r.rank = 1;
      return;
    }
    const above = compareRows(sorted[i - 1], r);
    r.rank = above.order === 0 ? sorted[i - 1].rank : i + 1;
    r.tieBrokenBy = above.by === null ? null : chain[above.by];
  });
  // 5. Prizes by rank against the cumulative boundaries; ties across a boundary take the higher prize.
  const boundaries = prizeBoundaries(s.rules.prizes, rows.length);
  for (const r of rows)
    r.prize =
      r.rank <= boundaries[0] ? "first" : r.rank <= boundaries[1] ? "second" : r.rank <= boundaries[2] ? "third" : null;
  return { rows, boundaries };
}

/**
 * A live final (DESIGN §3 "Live final"): each segment's totals aggregated as the round aggregates,
 * rounded half up to 2 decimals (no sheet: 0); the judges' score Σ weight × segment score; each
 * limited segment (S seconds) measured under round(0.75·S) or over S + 15 costs 2 points; the score
 * rounded half up; ties broken on every segment's criteria in segment order ("segment.criterion").
 */
function recomputeLive(
  s: Snapshot,
  segments: readonly LiveSegmentRule[],
  diffs: Difference[],
  say: Say,
): { rows: Recomputed[]; boundaries: [number, number, number] } {
  const method = s.rules.aggregation;
  const trimmedFrom = s.rules.trimmedFrom ?? 5;
  const perSegment = segments.map((g) => {
    const entries = s.results.map((row) => {
      const published = (row.segments ?? []).find((x) => x.key === g.key);
      if (!published)
        diffs.push({ entry: row.code, what: say.segmentMissing(g.label), published: "—", recomputed: "—" });
      const sheets = published?.sheets ?? [];
      return { row, published, sheets, totals: sheetTotals(g, row, sheets, diffs, say) };
    });
    // zscore pools one segment's sheets of all finalists, as it pools a round's.
    const withSheets = entries.filter((e) => e.totals.length > 0);
    const z =
      method === "zscore"
        ? zscoreAggregates(withSheets.map((e) => ({ judges: e.sheets.map((x) => x.judge), totals: e.totals })))
        : [];
    const scores = new Map(
      withSheets.map((e, i) => [
        e.row.code,
        method === "zscore"
          ? round2(z[i].value, z[i].exact)
          : roundHalfUp(plainAggregate(e.totals, method, trimmedFrom), 2),
      ]),
    );
    return { g, entries, scores };
  });
  const rows = s.results.map((row, i): Unranked => {
    let weighted = ZERO;
    let deductions = ZERO;
    const criterionMeans: (Q | null)[] = [];
    let judges = Infinity;
    for (const { g, entries, scores } of perSegment) {
      const { published, sheets, totals } = entries[i];
      judges = Math.min(judges, totals.length);
      const score = scores.get(row.code) ?? null;
      if (
        published &&
        (published.score === null ? score !== null : score === null || cmp(dec(published.score), score) !== 0)
      )
        diffs.push({
          entry: row.code,
          what: say.segmentScore(g.label),
          published: fmtNum(published.score),
          recomputed: score === null ? "null" : show(score),
        });
      if (score !== null) weighted = plus(weighted, times(dec(g.weight), score));
      const measured = g.seconds === null ? null : (published?.seconds ?? null);
      const points = measured === null ? null : segmentDeduction(measured, g.seconds!);
      if (points !== null) deductions = plus(deductions, points);
      if (published && (published.timeDeduction ?? null) !== (points === null ? null : Number(show(points))))
        diffs.push({
          entry: row.code,
          what: say.segmentTime(g.label),
          published: fmtNum(published.timeDeduction),
          recomputed: points === null ? "null" : show(points),
        });
      criterionMeans.push(...means(sheets, g.criteria));
    }
    return {
      code: row.code,
      judges: judges === Infinity ? 0 : judges,
      total: [],
      judgesScore: roundHalfUp(weighted, 2),
      score: roundHalfUp(plus(weighted, deductions), 2),
      means: criterionMeans,
    };
  });
  return rankAndAward(
    s,
    rows,
    segments.flatMap((g) => g.criteria.map((c) => `${g.key}.${c.key}`)),
  );
}

/** A limited segment's deduction from its limit S: under round(0.75·S) (half up) or over S + 15: −2; exactly at a limit nothing. */
function segmentDeduction(seconds: number, limit: number): Q {
  const min = roundHalfUp(times(frac(BigInt(limit)), frac(3n, 4n)), 0);
  if (cmp(dec(seconds), min) < 0) return frac(-2n);
  if (seconds > limit + 15) return frac(-2n);
  return ZERO;
}

/** The sheets that count for a short panel: a live finalist's fewest of any segment. */
const sheetCount = (s: Snapshot, row: PublishedRow): number =>
  s.rules.segments
    ? Math.min(...s.rules.segments.map((g) => (row.segments ?? []).find((x) => x.key === g.key)?.sheets.length ?? 0))
    : (row.sheets ?? []).length;

/**
 * The extra awards that the rules decide, per row (keys, in the order of the rules): by rank, the
 * next entries after every prize winner, an award after another, up to a rank boundary (ties at it
 * all receive it); by votes, the entries with votes of which fewer than the count have more.
 */
function decidedAwards(s: Snapshot, rows: readonly Recomputed[]): string[][] {
  const out = rows.map((): string[] => []);
  const n = rows.length;
  const byRank = rows.map((r, i) => ({ r, i })).sort((a, b) => a.r.rank - b.r.rank);
  const done = rows.map((r) => r.prize !== null);
  for (const award of s.rules.prizes.extras ?? []) {
    const basis = award.basis ?? "chosen";
    if (basis === "ranked") {
      const places =
        award.ratio !== undefined
          ? Number(roundHalfUp(times(frac(BigInt(n)), dec(award.ratio)), 0).n)
          : (award.count ?? 0);
      const first = byRank.find(({ i }) => !done[i]);
      if (!first) continue;
      const boundary = first.r.rank - 1 + Math.min(places, n);
      for (const { r, i } of byRank)
        if (!done[i] && r.rank <= boundary) {
          out[i].push(award.key);
          done[i] = true;
        }
    } else if (basis === "votes") {
      const votes = s.results.map((p) => p.publicVotes ?? 0);
      // How many have more votes than each count: the index of its first place in descending order.
      const more = new Map<number, number>();
      [...votes].sort((a, b) => b - a).forEach((v, k) => more.has(v) || more.set(v, k));
      votes.forEach((v, i) => {
        if (v > 0 && more.get(v)! < (award.count ?? 0)) out[i].push(award.key);
      });
    }
  }
  return out;
}

/** Extra awards: the decided ones as recomputed; the chosen ones known, within their count, each with a reason. */
function checkAwards(s: Snapshot, rows: readonly Recomputed[], diffs: Difference[], say: Say): void {
  const extras = s.rules.prizes.extras ?? [];
  const decided = decidedAwards(s, rows);
  const chosenCount = new Map<string, number>();
  s.results.forEach((p, i) => {
    const published = p.awards ?? [];
    for (const a of published) {
      const rule = extras.find((x) => x.key === a.key);
      if (!rule) diffs.push({ entry: p.code, what: say.unknownAward, published: a.label, recomputed: "—" });
      else if ((rule.basis ?? "chosen") === "chosen") {
        chosenCount.set(a.key, (chosenCount.get(a.key) ?? 0) + 1);
        if (!a.reason?.trim())
          diffs.push({ entry: p.code, what: say.noReason(a.label), published: "—", recomputed: "—" });
      }
    }
    const pub = published.filter((a) => decidedKey(extras, a.key)).map((a) => a.key);
    if (pub.join() !== decided[i].join())
      diffs.push({
        entry: p.code,
        what: say.awards,
        published: pub.join("、") || "—",
        recomputed: decided[i].join("、") || "—",
      });
  });
  for (const rule of extras)
    if ((chosenCount.get(rule.key) ?? 0) > (rule.count ?? 0))
      diffs.push({
        entry: null,
        what: say.overCount(rule.label),
        published: String(chosenCount.get(rule.key)),
        recomputed: `≤ ${rule.count ?? 0}`,
      });
}

const decidedKey = (extras: readonly ExtraAward[], key: string) =>
  extras.some((x) => x.key === key && (x.basis ?? "chosen") !== "chosen");

// ---------------------------------------------------------------------------------------------
// Reports

type Lang = "zh-CN" | "en";

const MESSAGES = {
  "zh-CN": {
    unknownKey: (judge: string, key: string) => `${judge} 的评分表含评分标准以外的项目 ${key}`,
    missing: (judge: string, label: string) => `${judge} 的评分表缺少“${label}”`,
    outOfRubric: (judge: string, label: string, max: number, step?: number) =>
      `${judge} 的“${label}”不在 0–${max}${step === undefined ? "" : `（步长 ${step}）`}之内`,
    sheetTotal: (judge: string) => `${judge} 的评分表总分（各项之和减扣分）`,
    judges: "评委人数",
    judgesScore: "评委得分（汇总后保留两位小数）",
    score: "最终得分",
    rank: "名次",
    prize: "奖项",
    tieBrokenBy: "同分时决定先后的评分项",
    order: "名次顺序",
    prizeCounts: "奖项名额界线（累计）",
    awards: "其他奖项（按名次或网络投票评定的）",
    unknownAward: "规则中没有的奖项",
    segmentMissing: (label: string) => `缺少环节“${label}”`,
    segmentScore: (label: string) => `环节“${label}”得分（汇总后保留两位小数）`,
    segmentTime: (label: string) => `环节“${label}”用时扣分`,
    noReason: (label: string) => `“${label}”没有评选理由`,
    overCount: (label: string) => `“${label}”的获奖作品数超过名额`,
    rankedEntries: "参与排名的作品数",
    shortPanel: "评审人数不足（评分表数/应有评委，理由）",
    notShort: "不缺评委",
    shortNoReason: "未说明理由",
    notCanonical: "文件不是规范化 JSON（键未排序或含空白），与发布的文本不同",
    hash: "SHA-256",
    noSheets: "此快照不含评分表（早于可复算格式），只能核对 SHA-256",
    header: (title: string, n: number, kind: string, count: number) =>
      `${title} · 第 ${n} 号快照（${kind}）· ${count} 件排名作品`,
    computedHash: (h: string) => `文件的 SHA-256：${h}`,
    expectedHash: (h: string) => `公布的 SHA-256：${h}`,
    noExpected: "未给出公布的 SHA-256（--sha256），未核对文件是否就是公布的内容",
    agree: (n: number) => `一致：${n} 件作品的得分、名次和奖项全部复算无误。`,
    differ: (n: number) => `不一致：发现 ${n} 处差异：`,
    line: (d: Difference) =>
      `  ${d.entry === null ? "" : `作品 ${d.entry}：`}${d.what}：公布 ${d.published}，复算 ${d.recomputed}`,
    unreadable: (why: string) => `无法读取快照：${why}`,
    usage: "用法：npm run verify -- 快照文件或网址 [--sha256 公布的哈希值] [--lang en]",
  },
  en: {
    unknownKey: (judge: string, key: string) => `${judge}'s sheet has ${key}, which the rubric lacks`,
    missing: (judge: string, label: string) => `${judge}'s sheet lacks “${label}”`,
    outOfRubric: (judge: string, label: string, max: number, step?: number) =>
      `${judge}'s “${label}” is not within 0–${max}${step === undefined ? "" : ` in steps of ${step}`}`,
    sheetTotal: (judge: string) => `${judge}'s sheet total (criteria less deductions)`,
    judges: "judges",
    judgesScore: "judges' score (aggregated, 2 decimals)",
    score: "final score",
    rank: "rank",
    prize: "prize",
    tieBrokenBy: "criterion that broke the tie",
    order: "rank order",
    prizeCounts: "prize boundaries (cumulative)",
    awards: "extra awards (by rank or by votes)",
    unknownAward: "an award the rules do not have",
    segmentMissing: (label: string) => `segment “${label}” is missing`,
    segmentScore: (label: string) => `segment “${label}” score (aggregated, 2 decimals)`,
    segmentTime: (label: string) => `segment “${label}” time deduction`,
    noReason: (label: string) => `“${label}” has no reason`,
    overCount: (label: string) => `more entries have “${label}” than its places`,
    rankedEntries: "ranked entries",
    shortPanel: "short panel (sheets/judges required, reason)",
    notShort: "not short",
    shortNoReason: "no reason given",
    notCanonical: "the file is not canonical JSON (unsorted keys or whitespace): not the published text",
    hash: "SHA-256",
    noSheets: "this snapshot has no sheets (it predates the recomputable format): only its SHA-256 can be checked",
    header: (title: string, n: number, kind: string, count: number) =>
      `${title} · snapshot ${n} (${kind}) · ${count} ranked entries`,
    computedHash: (h: string) => `SHA-256 of the file: ${h}`,
    expectedHash: (h: string) => `published SHA-256:  ${h}`,
    noExpected: "no published SHA-256 given (--sha256): whether this is the published file was not checked",
    agree: (n: number) => `AGREE: every score, rank and prize of the ${n} entries recomputes exactly.`,
    differ: (n: number) => `DIFFER: ${n} difference(s):`,
    line: (d: Difference) =>
      `  ${d.entry === null ? "" : `entry ${d.entry}: `}${d.what}: published ${d.published}, recomputed ${d.recomputed}`,
    unreadable: (why: string) => `cannot read the snapshot: ${why}`,
    usage: "usage: npm run verify -- SNAPSHOT_FILE_OR_URL [--sha256 PUBLISHED_HASH] [--lang en]",
  },
};
type Say = (typeof MESSAGES)["zh-CN"];

export interface Verification {
  ok: boolean;
  sha256: string;
  differences: Difference[];
  lines: string[];
}

const fmtNum = (v: string | number | null | undefined) => (v === undefined ? "—" : v === null ? "null" : String(v));

/**
 * DESIGN §3 "Short panels": an entry with fewer sheets than the judges required is published only when
 * accepted with a reason, for exactly the sheets it has; nothing else is listed as short.
 */
function checkShortPanels(s: Snapshot, diffs: Difference[], say: Say): void {
  const required = s.rules.judgesRequired;
  if (!isNum(required)) return;
  const listed = new Map((s.rules.shortPanels ?? []).map((p) => [p.code, p]));
  const published = (p: { sheets: number; required: number; reason: string } | undefined) =>
    p ? `${p.sheets}/${p.required}${p.reason.trim() ? `，${p.reason}` : ""}` : say.shortNoReason;
  for (const row of s.results) {
    const sheets = sheetCount(s, row);
    const p = listed.get(row.code);
    listed.delete(row.code);
    const short = sheets < required;
    const ok = short ? p !== undefined && p.sheets === sheets && p.required === required && p.reason.trim() !== "" : !p;
    if (!ok)
      diffs.push({
        entry: row.code,
        what: say.shortPanel,
        published: published(p),
        recomputed: short ? `${sheets}/${required}` : say.notShort,
      });
  }
  for (const [code, p] of listed)
    diffs.push({ entry: code, what: say.shortPanel, published: published(p), recomputed: say.notShort });
}

/** Checks one snapshot's text (exactly as downloaded) against its own sheets and rules. */
export function verifySnapshot(text: string, options: { sha256?: string | null; lang?: Lang } = {}): Verification {
  const say = MESSAGES[options.lang ?? "zh-CN"];
  const sha256 = createHash("sha256").update(text, "utf8").digest("hex");
  const diffs: Difference[] = [];
  const s = readSnapshot(JSON.parse(text) as unknown);
  const lines = [
    say.header(s.contest.title, s.snapshot.number, s.snapshot.kind, s.results.length),
    say.computedHash(sha256),
  ];
  if (options.sha256) {
    lines.push(say.expectedHash(options.sha256));
    if (options.sha256.toLowerCase() !== sha256)
      diffs.push({ entry: null, what: say.hash, published: options.sha256.toLowerCase(), recomputed: sha256 });
  } else lines.push(say.noExpected);
  if (canonical(JSON.parse(text)) !== text)
    diffs.push({ entry: null, what: say.notCanonical, published: "—", recomputed: "—" });
  if (!s.rules.segments && s.results.some((r) => r.sheets === undefined)) {
    diffs.push({ entry: null, what: say.noSheets, published: "—", recomputed: "—" });
  } else {
    const { rows, boundaries } = recompute(s, diffs, say);
    const published = s.rules.prizeCounts;
    if ([published.first, published.second, published.third].join() !== boundaries.join())
      diffs.push({
        entry: null,
        what: say.prizeCounts,
        published: [published.first, published.second, published.third].join(" / "),
        recomputed: boundaries.join(" / "),
      });
    if (s.rules.rankedEntries !== rows.length)
      diffs.push({
        entry: null,
        what: say.rankedEntries,
        published: String(s.rules.rankedEntries),
        recomputed: String(rows.length),
      });
    // Snapshots before format 3 have no extra awards.
    if (s.results.every((p) => p.awards !== undefined)) checkAwards(s, rows, diffs, say);
    checkShortPanels(s, diffs, say);
    s.results.forEach((p, i) => {
      const r = rows[i];
      const differ = (
        what: string,
        pub: string | number | null | undefined,
        mine: string | number | null,
        same: boolean,
      ) => {
        if (!same) diffs.push({ entry: p.code, what, published: fmtNum(pub), recomputed: fmtNum(mine) });
      };
      differ(say.judges, p.judges, r.judges, p.judges === r.judges);
      if (p.judgesScore !== undefined)
        differ(
          say.judgesScore,
          p.judgesScore,
          show(r.judgesScore),
          isNum(p.judgesScore) && cmp(dec(p.judgesScore), r.judgesScore) === 0,
        );
      differ(say.score, p.score, show(r.score), cmp(dec(p.score), r.score) === 0);
      differ(say.rank, p.rank, r.rank, p.rank === r.rank);
      differ(say.prize, p.prize, r.prize, p.prize === r.prize);
      if (p.tieBrokenBy !== undefined)
        differ(say.tieBrokenBy, p.tieBrokenBy, r.tieBrokenBy, p.tieBrokenBy === r.tieBrokenBy);
      if (i > 0 && s.results[i - 1].rank > p.rank)
        diffs.push({
          entry: p.code,
          what: say.order,
          published: `${s.results[i - 1].rank} → ${p.rank}`,
          recomputed: "—",
        });
    });
  }
  lines.push(diffs.length === 0 ? say.agree(s.results.length) : say.differ(diffs.length), ...diffs.map(say.line));
  return { ok: diffs.length === 0, sha256, differences: diffs, lines };
}

// ---------------------------------------------------------------------------------------------
// The command

/** The snapshot's text and the published SHA-256, from a file or from the site. */
async function fetchSnapshot(source: string): Promise<{ text: string; published: string | null }> {
  if (!/^https?:\/\//i.test(source)) return { text: await readFile(source, "utf8"), published: null };
  const url = new URL(source);
  const m = /^(.*?)(?:\/api\/v1)?\/contests\/([^/]+)\/results(?:\/snapshots\/(\d+))?\/?$/.exec(url.pathname);
  if (!m) {
    const res = await fetch(url);
    if (!res.ok) throw new FormatError(`${url.href}: HTTP ${res.status}`);
    return { text: await res.text(), published: null };
  }
  const [, prefix, contestId, number] = m;
  const api = new URL(`${prefix}/api/v1/contests/${contestId}/results`, url);
  const listed = await fetch(api, { headers: { accept: "application/json" } });
  if (!listed.ok) throw new FormatError(`${api.href}: HTTP ${listed.status}`);
  const { snapshots } = (await listed.json()) as { snapshots?: { number: number; sha256: string }[] };
  const chosen = number === undefined ? snapshots?.at(-1) : snapshots?.find((x) => x.number === Number(number));
  if (!chosen) throw new FormatError(`${api.href}: no such snapshot`);
  const file = new URL(`${api.pathname}/snapshots/${chosen.number}`, url);
  const res = await fetch(file);
  if (!res.ok) throw new FormatError(`${file.href}: HTTP ${res.status}`);
  // The bytes as sent, decoded as UTF-8 without any change.
  return { text: new TextDecoder("utf-8", { fatal: true }).decode(await res.arrayBuffer()), published: chosen.sha256 };
}

/** npm run verify -- FILE_OR_URL [--sha256 HEX] [--lang en]; answers the exit status. */
export async function main(
  args: readonly string[],
  io: { out: (line: string) => void; err: (line: string) => void } = {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  },
): Promise<number> {
  let source: string | null = null;
  let sha256: string | null = null;
  let lang: Lang = "zh-CN";
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--sha256") sha256 = args[++i] ?? "";
    else if (a.startsWith("--sha256=")) sha256 = a.slice("--sha256=".length);
    else if (a === "--lang") lang = args[++i] === "en" ? "en" : "zh-CN";
    else if (a.startsWith("--lang=")) lang = a.endsWith("=en") ? "en" : "zh-CN";
    else if (source === null && !a.startsWith("--")) source = a;
    else source = "";
  }
  const say = MESSAGES[lang];
  if (!source || (sha256 !== null && !/^[0-9a-fA-F]{64}$/.test(sha256))) {
    io.err(say.usage);
    return 2;
  }
  try {
    const { text, published } = await fetchSnapshot(source);
    const result = verifySnapshot(text, { sha256: sha256 ?? published, lang });
    for (const line of result.lines) io.out(line);
    return result.ok ? 0 : 1;
  } catch (e) {
    io.err(say.unreadable(e instanceof Error ? e.message : String(e)));
    return 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  process.exitCode = await main(process.argv.slice(2));
