/**
 * The fast path's sheets: grouped by entry into flat typed arrays (columns) rather than an object
 * per sheet: a round has hundreds of thousands of sheets, and the garbage collector's time was
 * most of the cost. That is why this does not use lib/collections.groupBy, which the reference
 * (aggregate.exact.ts) uses. Columns come from sheet objects (flatten) or straight from the
 * database's text (sheet-columns.ts), and go back to objects (toSheets) for the reference.
 */
import type { Sheet } from "./aggregate.js";
import { scaledScore, SCORE_SCALE } from "./decimal.js";

/** Sheets by entry: sheet s is of entryIds[groupOf[s]], entries numbered in order of first appearance. */
export interface SheetGroups {
  entryIds: string[];
  groupOf: Int32Array;
}

/**
 * Sheets grouped by entry, as columns. Group g (entryIds[g]) has the rows start[g] … start[g + 1] − 1.
 * Every number is also held as an integer of millionths (readScore × 10^6, decimal.ts scaledScore).
 */
export interface Flat {
  entryIds: string[];
  start: Int32Array;
  /** Distinct judge ids in code-unit order, so that comparing two rows' judgeOf compares their ids. */
  judgeIds: string[];
  judgeOf: Int32Array;
  /** Each row's total as given, and in millionths. */
  totals: Float64Array;
  scaledTotals: Float64Array;
  /** The rubric's criterion keys; row r's score for keys[i] in millionths at r × keys.length + i, NaN when not scored. */
  keys: readonly string[];
  scores: Float64Array;
}

/** A Flat of `rows` sheets with its columns allocated, for the caller to fill row by row. */
export function emptyFlat(
  entryIds: string[],
  start: Int32Array,
  judgeIds: string[],
  keys: readonly string[],
  rows: number,
): Flat {
  return {
    entryIds,
    start,
    judgeIds,
    judgeOf: new Int32Array(rows),
    totals: new Float64Array(rows),
    scaledTotals: new Float64Array(rows),
    keys,
    scores: new Float64Array(rows * keys.length),
  };
}

export function groupSheets(sheets: readonly Sheet[]): SheetGroups {
  const n = sheets.length;
  const groupOf = new Int32Array(n);
  const index = new Map<string, number>();
  const entryIds: string[] = [];
  // Sheets mostly come grouped by entry: one map lookup per run of the same entry.
  let lastId = "";
  let last = -1;
  for (let s = 0; s < n; s++) {
    const id = sheets[s].entryId;
    if (last < 0 || id !== lastId) {
      lastId = id;
      let g = index.get(id);
      if (g === undefined) {
        g = entryIds.length;
        index.set(id, g);
        entryIds.push(id);
      }
      last = g;
    }
    groupOf[s] = last;
  }
  return { entryIds, groupOf };
}

/** Row numbers of the distinct ids in code-unit order: `of[i]` is the rank of ids[i] among `sorted`. */
export function rankIds(ids: readonly string[]): { sorted: string[]; of: Int32Array } {
  const sorted = [...new Set(ids)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rank = new Map<string, number>();
  for (let i = 0; i < sorted.length; i++) rank.set(sorted[i], i);
  const of = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) of[i] = rank.get(ids[i])!;
  return { sorted, of };
}

/**
 * The sheets as columns, each group's rows in input order; null when some total or criterion score
 * is not a number the fast path reads (the caller then takes the reference).
 */
export function flatten(
  sheets: readonly Sheet[],
  { entryIds, groupOf }: SheetGroups,
  keys: readonly string[] = [],
): Flat | null {
  const n = sheets.length;
  const groups = entryIds.length;
  const width = keys.length;
  const start = new Int32Array(groups + 1);
  for (let s = 0; s < n; s++) start[groupOf[s] + 1] += 1;
  for (let g = 0; g < groups; g++) start[g + 1] += start[g];
  const next = start.slice(0, groups);
  const rowOf = new Int32Array(n);
  for (let s = 0; s < n; s++) rowOf[s] = next[groupOf[s]]++;
  const judges = rankIds(sheets.map((sheet) => sheet.judgeId));
  const flat = emptyFlat(entryIds, start, judges.sorted, keys, n);
  for (let s = 0; s < n; s++) {
    const r = rowOf[s];
    const { total, scores } = sheets[s];
    const scaled = scaledScore(total);
    if (scaled === null) return null;
    flat.judgeOf[r] = judges.of[s];
    flat.totals[r] = total;
    flat.scaledTotals[r] = scaled;
    for (let i = 0; i < width; i++) {
      let value = Number.NaN;
      if (Object.hasOwn(scores, keys[i])) {
        const read = scaledScore(scores[keys[i]]);
        if (read === null) return null;
        value = read;
      }
      flat.scores[r * width + i] = value;
    }
  }
  return flat;
}

/** The sheets of columns whose scores are exactly their millionths (as sheet-columns.ts reads them), group by group. */
export function toSheets(flat: Flat): Sheet[] {
  const width = flat.keys.length;
  const sheets: Sheet[] = [];
  for (let g = 0; g < flat.entryIds.length; g++) {
    for (let r = flat.start[g]; r < flat.start[g + 1]; r++) {
      const scores: Record<string, number> = {};
      for (let i = 0; i < width; i++) {
        const value = flat.scores[r * width + i];
        if (!Number.isNaN(value)) scores[flat.keys[i]] = value / SCORE_SCALE;
      }
      sheets.push({
        entryId: flat.entryIds[g],
        judgeId: flat.judgeIds[flat.judgeOf[r]],
        total: flat.totals[r],
        scores,
      });
    }
  }
  return sheets;
}

/** The sheets of a list of entries, ready for aggregateEligible (see sheetsOfEntries and columnsOfEntries). */
export interface EntrySheets {
  /** The sheets as columns; null when the fast path cannot read them. */
  flat: Flat | null;
  /** The same sheets as objects, for the reference. */
  sheets(): readonly Sheet[];
  /** The index in the entries of group k's entry, whose id is entryId. */
  entryIndex(k: number, entryId: string): number;
  /** The indices of the entries that have no sheet, in the entries' order. */
  withoutSheets(): number[];
}

/** Where each entry id is listed, and what sheetsOfEntries and columnsOfEntries answer of it. */
function listed(entries: readonly { id: string }[]) {
  const position = new Map<string, number>();
  for (let i = 0; i < entries.length; i++) position.set(entries[i].id, i);
  const groupOfEntry = new Int32Array(entries.length).fill(-1);
  const appearance: number[] = [];
  const entryIds: string[] = [];
  return {
    position,
    entryIds,
    /** Group number of the entry at p, numbering it when new. */
    group(p: number, id: string): number {
      if (groupOfEntry[p] === -1) {
        groupOfEntry[p] = appearance.length;
        appearance.push(p);
        entryIds.push(id);
      }
      return groupOfEntry[p];
    },
    // The aggregates follow the order of first appearance; look up only if that ever fails.
    entryIndex: (k: number, entryId: string): number => {
      const p = appearance[k];
      return p !== undefined && entries[p].id === entryId ? p : position.get(entryId)!;
    },
    withoutSheets: (): number[] => {
      // With an id listed twice, only the last of them is marked: compare ids then.
      const distinct = position.size === entries.length;
      const withSheets = distinct ? null : new Set(entryIds);
      const indices: number[] = [];
      for (let i = 0; i < entries.length; i++) {
        if (withSheets === null ? groupOfEntry[i] === -1 : !withSheets.has(entries[i].id)) indices.push(i);
      }
      return indices;
    },
  };
}

/**
 * Leaves out the sheets of entries not listed and groups the others by entry, in order of first
 * appearance (the order of aggregateRound's map). Sheets mostly come grouped by entry: one lookup
 * per run of the same entry.
 */
export function sheetsOfEntries(
  entries: readonly { id: string }[],
  input: readonly Sheet[],
  criterionKeys: readonly string[],
): EntrySheets {
  const list = listed(entries);
  const groups: SheetGroups = { entryIds: list.entryIds, groupOf: new Int32Array(input.length) };
  let sheets: Sheet[] | null = null; // a copy only once some sheet is left out
  let count = 0;
  let lastId: string | undefined;
  let group = -1;
  for (let s = 0; s < input.length; s++) {
    const sheet = input[s];
    if (lastId === undefined || sheet.entryId !== lastId) {
      lastId = sheet.entryId;
      const p = list.position.get(lastId);
      group = p === undefined ? -1 : list.group(p, lastId);
    }
    if (group < 0) {
      sheets ??= input.slice(0, s);
      continue;
    }
    if (sheets !== null) sheets.push(sheet);
    groups.groupOf[count++] = group;
  }
  if (count < groups.groupOf.length) groups.groupOf = groups.groupOf.slice(0, count);
  const eligible = sheets ?? input;
  let flat: Flat | null;
  try {
    flat = flatten(eligible, groups, criterionKeys);
  } catch {
    flat = null; // malformed sheets: the reference throws its own error
  }
  return { flat, sheets: () => eligible, entryIndex: list.entryIndex, withoutSheets: list.withoutSheets };
}

/** sheetsOfEntries of sheets already in columns: the groups of listed entries (copied only when some are left out). */
export function columnsOfEntries(entries: readonly { id: string }[], all: Flat): EntrySheets {
  const list = listed(entries);
  const kept: number[] = [];
  for (let g = 0; g < all.entryIds.length; g++) {
    const p = list.position.get(all.entryIds[g]);
    if (p === undefined) continue;
    list.group(p, all.entryIds[g]); // columns hold each entry once
    kept.push(g);
  }
  const flat = kept.length === all.entryIds.length ? all : keepGroups(all, kept);
  return { flat, sheets: () => toSheets(flat), entryIndex: list.entryIndex, withoutSheets: list.withoutSheets };
}

/** The columns of the listed groups only. */
function keepGroups(all: Flat, groups: readonly number[]): Flat {
  const width = all.keys.length;
  const start = new Int32Array(groups.length + 1);
  for (let k = 0; k < groups.length; k++) start[k + 1] = start[k] + all.start[groups[k] + 1] - all.start[groups[k]];
  const n = start[groups.length];
  const flat: Flat = {
    entryIds: groups.map((g) => all.entryIds[g]),
    start,
    judgeIds: all.judgeIds,
    judgeOf: new Int32Array(n),
    totals: new Float64Array(n),
    scaledTotals: new Float64Array(n),
    keys: all.keys,
    scores: new Float64Array(n * width),
  };
  for (let k = 0; k < groups.length; k++) {
    const from = all.start[groups[k]];
    const to = all.start[groups[k] + 1];
    flat.judgeOf.set(all.judgeOf.subarray(from, to), start[k]);
    flat.totals.set(all.totals.subarray(from, to), start[k]);
    flat.scaledTotals.set(all.scaledTotals.subarray(from, to), start[k]);
    flat.scores.set(all.scores.subarray(from * width, to * width), start[k] * width);
  }
  return flat;
}
