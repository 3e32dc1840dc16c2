/**
 * A round's sheets from the database's text (judging/score-values.ts describes it) straight into
 * the columns the fast path aggregates (sheet-groups.ts), pure: no object per sheet, numbers read
 * digit by digit as integer millionths. Answers null for anything the columns cannot hold exactly
 * (a number that is not the float of a decimal of at most 6 places, a score that is not a number,
 * compact scores that do not match the keys); the caller then reads the sheets as objects.
 */
import { sortedScoreKeys, SHEET_END, SHEET_FIELD } from "../judging/score-values.js";
import { scaledScore, SCORE_SCALE } from "./decimal.js";
import { emptyFlat, rankIds, type Flat } from "./sheet-groups.js";

const ZERO = 48;
const NINE = 57;
const MINUS = 45;
const POINT = 46;
const SPACE = 32;
const BRACE = 123;
const PLACES = 6;
const POWERS = [1e6, 1e5, 1e4, 1e3, 100, 10, 1];

/**
 * text[from, to) as millionths, when it is the float of a decimal of at most 6 places (so that the
 * millionths ÷ 10^6 give back exactly Number(text)); NaN otherwise.
 */
function millionths(text: string, from: number, to: number): number {
  let i = from;
  const negative = text.charCodeAt(i) === MINUS;
  if (negative) i++;
  let whole = 0;
  let digits = 0;
  let c = text.charCodeAt(i);
  while (c >= ZERO && c <= NINE && digits < 8) {
    whole = whole * 10 + (c - ZERO);
    digits++;
    c = text.charCodeAt(++i);
  }
  let fraction = 0;
  let places = 0;
  if (c === POINT) {
    c = text.charCodeAt(++i);
    while (c >= ZERO && c <= NINE) {
      if (places < PLACES) fraction = fraction * 10 + (c - ZERO);
      else if (c !== ZERO) break; // more places than millionths hold
      places = Math.min(places + 1, PLACES);
      c = text.charCodeAt(++i);
    }
  }
  if (from === to) return Number.NaN;
  if (i === to && digits > 0) {
    const value = whole * SCORE_SCALE + fraction * POWERS[places];
    // Within scaledScore's range, and never −0.
    if (value <= 1e12 && (value !== 0 || !negative)) return negative ? -value : value;
  }
  // Any other form (an exponent, noise past the 6th place, −0): as the object path reads it.
  const x = Number(text.slice(from, to));
  const scaled = scaledScore(x);
  return scaled !== null && Object.is(scaled / SCORE_SCALE, x) ? scaled : Number.NaN;
}

/** The columns of the sheets in `text`, each entry's rows in judge order; null when they cannot hold them exactly. */
export function sheetColumns(text: string, criterionKeys: readonly string[]): Flat | null {
  const width = criterionKeys.length;
  // Compact scores follow the sorted keys: the rubric index of each.
  const sorted = sortedScoreKeys(criterionKeys);
  const column = sorted.map((key) => criterionKeys.indexOf(key));
  const entryIds: string[] = [];
  const entryIndex = new Map<string, number>();
  const judgeIds: string[] = [];
  const judgeIndex = new Map<string, number>();
  const judgeOf: number[] = [];
  const entryOf: number[] = [];
  const totals: number[] = [];
  const scores: number[] = [];
  let lastEntry = "";
  let lastGroup = -1;
  for (let at = 0; at < text.length;) {
    let end = text.indexOf(SHEET_END, at);
    if (end < 0) end = text.length;
    const a = text.indexOf(SHEET_FIELD, at);
    const b = text.indexOf(SHEET_FIELD, a + 1);
    const c = text.indexOf(SHEET_FIELD, b + 1);
    if (a < 0 || b < 0 || c < 0 || c > end) return null;
    const entryId = text.slice(at, a);
    if (entryId !== lastEntry || lastGroup < 0) {
      let g = entryIndex.get(entryId);
      if (g === undefined) {
        g = entryIds.length;
        entryIndex.set(entryId, g);
        entryIds.push(entryId);
      }
      lastEntry = entryId;
      lastGroup = g;
    }
    entryOf.push(lastGroup);
    const judgeId = text.slice(a + 1, b);
    let j = judgeIndex.get(judgeId);
    if (j === undefined) {
      j = judgeIds.length;
      judgeIndex.set(judgeId, j);
      judgeIds.push(judgeId);
    }
    judgeOf.push(j);
    const total = millionths(text, b + 1, c);
    if (Number.isNaN(total)) return null;
    totals.push(total);
    const row = scores.length;
    for (let i = 0; i < width; i++) scores.push(Number.NaN);
    if (text.charCodeAt(c + 1) === BRACE) {
      let sheet: Record<string, unknown> | null;
      try {
        sheet = JSON.parse(text.slice(c + 1, end)) as Record<string, unknown> | null;
      } catch {
        return null;
      }
      for (let i = 0; i < width; i++) {
        if (sheet === null || !Object.hasOwn(sheet, criterionKeys[i])) continue;
        const value = sheet[criterionKeys[i]];
        if (typeof value !== "number") return null;
        const read = millionths(String(value), 0, String(value).length);
        if (Number.isNaN(read)) return null;
        scores[row + i] = read;
      }
    } else {
      let from = c + 1;
      for (let k = 0; k < width; k++) {
        let to = text.indexOf(" ", from);
        if (to < 0 || to > end) to = end;
        if (k === width - 1 ? to !== end : text.charCodeAt(to) !== SPACE) return null;
        const read = millionths(text, from, to);
        if (Number.isNaN(read)) return null;
        scores[row + column[k]] = read;
        from = to + 1;
      }
    }
    at = end + 1;
  }
  return grouped(entryIds, entryOf, judgeIds, judgeOf, totals, scores, criterionKeys);
}

/** The rows put into groups, each group's rows in judge order (as the database's index keeps them). */
function grouped(
  entryIds: string[],
  entryOf: readonly number[],
  judgeIds: readonly string[],
  judgeOf: readonly number[],
  totals: readonly number[],
  scores: readonly number[],
  keys: readonly string[],
): Flat {
  const n = entryOf.length;
  const width = keys.length;
  // Judges numbered in the order of their ids, so that comparing numbers compares ids.
  const judges = rankIds(judgeIds);
  const rankOf = (r: number) => judges.of[judgeOf[r]];
  const start = new Int32Array(entryIds.length + 1);
  for (let r = 0; r < n; r++) start[entryOf[r] + 1] += 1;
  for (let g = 0; g < entryIds.length; g++) start[g + 1] += start[g];
  const next = start.slice(0, entryIds.length);
  const order = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    // Insert r among its group's rows so far by judge (records mostly come in order: no move).
    const from = start[entryOf[r]];
    let k = next[entryOf[r]]++;
    while (k > from && rankOf(order[k - 1]) > rankOf(r)) {
      order[k] = order[k - 1];
      k--;
    }
    order[k] = r;
  }
  const flat = emptyFlat(entryIds, start, judges.sorted, keys, n);
  for (let k = 0; k < n; k++) {
    const r = order[k];
    flat.judgeOf[k] = rankOf(r);
    flat.scaledTotals[k] = totals[r];
    flat.totals[k] = totals[r] / SCORE_SCALE;
    for (let i = 0; i < width; i++) flat.scores[k * width + i] = scores[r * width + i];
  }
  return flat;
}
