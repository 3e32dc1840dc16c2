/**
 * The fast path's grouping of sheets by entry, into flat typed arrays rather than an array per
 * entry: a round has hundreds of thousands of sheets, and the garbage collector's time is most of
 * the cost. That is why this does not use lib/collections.groupBy, which the reference
 * (aggregate.exact.ts) uses. Groups are numbered in order of first appearance, the order of the
 * reference's maps.
 */
import type { Sheet } from "./aggregate.js";

/** Sheets by entry: sheet s is of entryIds[groupOf[s]], entries numbered in order of first appearance. */
export interface SheetGroups {
  entryIds: string[];
  groupOf: Int32Array;
}

/** Sheets grouped by entry, flat. Group g (entryIds[g], in order of first appearance) has the sheets members[start[g]] … members[start[g + 1] − 1], in input order. */
export interface Flat {
  sheets: readonly Sheet[];
  entryIds: string[];
  start: Int32Array;
  members: Int32Array;
}

export function flatGroups(sheets: readonly Sheet[]): Flat {
  return flatten(sheets, groupSheets(sheets));
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

export function flatten(sheets: readonly Sheet[], { entryIds, groupOf }: SheetGroups): Flat {
  const n = sheets.length;
  const groups = entryIds.length;
  const start = new Int32Array(groups + 1);
  for (let s = 0; s < n; s++) start[groupOf[s] + 1] += 1;
  for (let g = 0; g < groups; g++) start[g + 1] += start[g];
  const next = start.slice(0, groups);
  const members = new Int32Array(n);
  for (let s = 0; s < n; s++) members[next[groupOf[s]]++] = s;
  return { sheets, entryIds, start, members };
}

/** The sheets of a list of entries, grouped as aggregateWithTallies takes them (see sheetsOfEntries). */
export interface EntrySheets {
  /** The sheets of listed entries, in input order (the input itself when none is left out). */
  sheets: readonly Sheet[];
  groups: SheetGroups;
  /** The index in the entries of group k's entry, whose id is entryId. */
  entryIndex(k: number, entryId: string): number;
  /** The indices of the entries that have no sheet, in the entries' order. */
  withoutSheets(): number[];
}

/**
 * Leaves out the sheets of entries not listed and groups the others by entry, in order of first
 * appearance (the order of aggregateRound's map). Sheets mostly come grouped by entry: one lookup
 * per run of the same entry.
 */
export function sheetsOfEntries(entries: readonly { id: string }[], input: readonly Sheet[]): EntrySheets {
  const position = new Map<string, number>();
  for (let i = 0; i < entries.length; i++) position.set(entries[i].id, i);
  const groupOfEntry = new Int32Array(entries.length).fill(-1);
  const appearance: number[] = [];
  const groups: SheetGroups = { entryIds: [], groupOf: new Int32Array(input.length) };
  let sheets: Sheet[] | null = null; // a copy only once some sheet is left out
  let count = 0;
  let lastId: string | undefined;
  let group = -1;
  for (let s = 0; s < input.length; s++) {
    const sheet = input[s];
    if (lastId === undefined || sheet.entryId !== lastId) {
      lastId = sheet.entryId;
      const p = position.get(lastId);
      if (p === undefined) group = -1;
      else {
        if (groupOfEntry[p] === -1) {
          groupOfEntry[p] = appearance.length;
          appearance.push(p);
          groups.entryIds.push(lastId);
        }
        group = groupOfEntry[p]!;
      }
    }
    if (group < 0) {
      sheets ??= input.slice(0, s);
      continue;
    }
    if (sheets !== null) sheets.push(sheet);
    groups.groupOf[count++] = group;
  }
  if (count < groups.groupOf.length) groups.groupOf = groups.groupOf.slice(0, count);
  return {
    sheets: sheets ?? input,
    groups,
    // The aggregates follow the order of first appearance; look up only if that ever fails.
    entryIndex: (k, entryId) => {
      const p = appearance[k];
      return p !== undefined && entries[p].id === entryId ? p : position.get(entryId)!;
    },
    withoutSheets: () => {
      // With an id listed twice, only the last of them is marked: compare ids then.
      const distinct = position.size === entries.length;
      const withSheets = distinct ? null : new Set(groups.entryIds);
      const indices: number[] = [];
      for (let i = 0; i < entries.length; i++) {
        if (withSheets === null ? groupOfEntry[i] === -1 : !withSheets.has(entries[i].id)) indices.push(i);
      }
      return indices;
    },
  };
}
