/**
 * The stored form of a computation's results (computed_results.data), pure.
 *
 * A computation of 100,000 entries is stored on every compute, so its rows are kept as columns
 * (one array per field, repeated strings such as judge ids and criteria as indexes into short
 * lists) rather than one JSON object each: a fraction of the bytes and of the time. Nothing is
 * lost: decodeResultRows gives back rows equal to the computed ones, field for field and in the
 * same key order, with every explanation detail. `tiedWith` is not stored where it is what
 * rankEntries makes of it (the codes of the other rows of the same rank, in order). Results stored
 * before this format (a plain array of rows) are read as they are.
 */
import type { ResultRow } from "./compute.js";

const FORMAT = "columns-1";

/** The stored columns; `results` of a stored computation is either this or a plain ResultRow[]. */
export interface StoredRows {
  format: typeof FORMAT;
  entryId: string[];
  code: string[];
  title: string[];
  score: number[];
  rank: number[];
  prize: ResultRow["prize"][];
  judges: number[];
  /** Distinct aggregation methods; `method` holds indexes into it. */
  methods: Detail["method"][];
  method: number[];
  totals: number[][];
  aggregate: number[];
  /** Distinct judge ids of the dropped sheets; `dropped` holds [highest judge, highest total, lowest judge, lowest total] or 0. */
  judgeIds: string[];
  dropped: ([number, number, number, number] | 0)[];
  /** [votes, maxVotes, points, weight] or 0; absent in computations stored before the public vote. */
  publicVote?: ([number, number, number, number] | 0)[];
  /** [points, reason, seconds] or 0. */
  timeDeduction: ([number, "under" | "over" | null, number] | 0)[];
  /** Distinct tie-break criteria; `tieBrokenBy` holds indexes into it, −1 for none. */
  criteria: { key: string; label: string }[];
  tieBrokenBy: number[];
  /** Only when some row's tiedWith is not the rest of its rank group. */
  tiedWith?: string[][];
  /** A segmented round's (the live final) rows' segments, as they are. */
  segments?: NonNullable<Detail["segments"]>[];
}

/**
 * The fields the columns hold. A field added to ResultRow (or its detail) fails these checks at
 * compile time, until the columns hold it too: nothing may be silently left out of storage.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Detail = ResultRow["detail"];
const fieldsHeld: [
  Same<keyof ResultRow, "entryId" | "code" | "title" | "score" | "rank" | "prize" | "judges" | "detail">,
  Same<
    keyof Detail,
    | "method"
    | "totals"
    | "dropped"
    | "aggregate"
    | "publicVote"
    | "timeDeduction"
    | "tieBrokenBy"
    | "tiedWith"
    | "segments"
  >,
  Same<keyof NonNullable<Detail["publicVote"]>, "votes" | "maxVotes" | "points" | "weight">,
  Same<keyof NonNullable<Detail["dropped"]>, "highest" | "lowest">,
  Same<keyof NonNullable<Detail["dropped"]>["highest"], "judgeId" | "total">,
  Same<keyof NonNullable<Detail["timeDeduction"]>, "points" | "reason" | "seconds">,
  Same<keyof NonNullable<Detail["tieBrokenBy"]>, "key" | "label">,
] = [true, true, true, true, true, true, true];
void fieldsHeld;

/** Whether every row's tiedWith is what rankEntries gives: the codes of the other rows of its rank, in order. */
function tiesDerivable(rows: readonly ResultRow[]): boolean {
  for (let start = 0; start < rows.length;) {
    let end = start + 1;
    while (end < rows.length && rows[end].rank === rows[start].rank) end++;
    for (let i = start; i < end; i++) {
      const tied = rows[i].detail.tiedWith;
      if (tied.length !== end - start - 1) return false;
      let k = 0;
      for (let j = start; j < end; j++) if (j !== i && tied[k++] !== rows[j].code) return false;
    }
    start = end;
  }
  return true;
}

/** The tiedWith that rankEntries gives every row: the codes of the other rows of its rank, in order. */
function derivedTies(rows: readonly { code: string; rank: number }[]): string[][] {
  const ties = new Array<string[]>(rows.length);
  for (let start = 0; start < rows.length;) {
    let end = start + 1;
    while (end < rows.length && rows[end].rank === rows[start].rank) end++;
    for (let i = start; i < end; i++) {
      const others: string[] = [];
      for (let j = start; j < end; j++) if (j !== i) others.push(rows[j].code);
      ties[i] = others;
    }
    start = end;
  }
  return ties;
}

/** Index of a value in a short list of distinct values, adding it when new. */
function indexer<T>(list: T[], keyOf: (value: T) => string): (value: T) => number {
  const index = new Map<string, number>();
  return (value) => {
    const key = keyOf(value);
    let i = index.get(key);
    if (i === undefined) {
      i = list.length;
      list.push(value);
      index.set(key, i);
    }
    return i;
  };
}

/** The columns of the rows. */
export function encodeResultRows(rows: readonly ResultRow[]): StoredRows {
  const n = rows.length;
  const stored: StoredRows = {
    format: FORMAT,
    entryId: new Array<string>(n),
    code: new Array<string>(n),
    title: new Array<string>(n),
    score: new Array<number>(n),
    rank: new Array<number>(n),
    prize: new Array<ResultRow["prize"]>(n),
    judges: new Array<number>(n),
    methods: [],
    method: new Array<number>(n),
    totals: new Array<number[]>(n),
    aggregate: new Array<number>(n),
    judgeIds: [],
    dropped: new Array<[number, number, number, number] | 0>(n),
    publicVote: new Array<[number, number, number, number] | 0>(n),
    timeDeduction: new Array<[number, "under" | "over" | null, number] | 0>(n),
    criteria: [],
    tieBrokenBy: new Array<number>(n),
  };
  const methodIndex = indexer(stored.methods, (m) => m);
  const judgeIndex = indexer(stored.judgeIds, (id) => id);
  const criterionIndex = indexer(stored.criteria, (c) => `${c.key.length}:${c.key}${c.label}`);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    const d = row.detail;
    stored.entryId[i] = row.entryId;
    stored.code[i] = row.code;
    stored.title[i] = row.title;
    stored.score[i] = row.score;
    stored.rank[i] = row.rank;
    stored.prize[i] = row.prize;
    stored.judges[i] = row.judges;
    stored.method[i] = methodIndex(d.method);
    stored.totals[i] = d.totals;
    stored.aggregate[i] = d.aggregate;
    if (d.dropped === null) {
      stored.dropped[i] = 0;
    } else {
      const { highest, lowest } = d.dropped;
      stored.dropped[i] = [judgeIndex(highest.judgeId), highest.total, judgeIndex(lowest.judgeId), lowest.total];
    }
    stored.publicVote![i] =
      d.publicVote === null ? 0 : [d.publicVote.votes, d.publicVote.maxVotes, d.publicVote.points, d.publicVote.weight];
    if (d.timeDeduction === null) {
      stored.timeDeduction[i] = 0;
    } else {
      stored.timeDeduction[i] = [d.timeDeduction.points, d.timeDeduction.reason, d.timeDeduction.seconds];
    }
    if (d.tieBrokenBy === null) {
      stored.tieBrokenBy[i] = -1;
    } else {
      stored.tieBrokenBy[i] = criterionIndex(d.tieBrokenBy);
    }
  }
  if (!tiesDerivable(rows)) stored.tiedWith = rows.map((row) => row.detail.tiedWith);
  if (rows.some((row) => row.detail.segments)) stored.segments = rows.map((row) => row.detail.segments ?? []);
  return stored;
}

function isStoredRows(value: unknown): value is StoredRows {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    (value as { format?: unknown }).format === FORMAT
  );
}

/** The rows back from encodeResultRows's answer (or from a plain array, as stored before). */
export function decodeResultRows(stored: unknown): ResultRow[] {
  if (!isStoredRows(stored)) return stored as ResultRow[];
  const n = stored.entryId.length;
  const ties = stored.tiedWith ?? derivedTies(stored.code.map((code, i) => ({ code, rank: stored.rank[i] })));
  const rows = new Array<ResultRow>(n);
  for (let i = 0; i < n; i++) {
    const dropped = stored.dropped[i];
    const time = stored.timeDeduction[i];
    const vote = stored.publicVote?.[i] ?? 0;
    const tie = stored.tieBrokenBy[i];
    const criterion = tie < 0 ? null : stored.criteria[tie];
    rows[i] = {
      entryId: stored.entryId[i],
      code: stored.code[i],
      title: stored.title[i],
      score: stored.score[i],
      rank: stored.rank[i],
      prize: stored.prize[i]!,
      judges: stored.judges[i],
      detail: {
        method: stored.methods[stored.method[i]],
        totals: stored.totals[i],
        dropped:
          dropped === 0
            ? null
            : {
                highest: { judgeId: stored.judgeIds[dropped[0]], total: dropped[1] },
                lowest: { judgeId: stored.judgeIds[dropped[2]], total: dropped[3] },
              },
        aggregate: stored.aggregate[i],
        publicVote: vote === 0 ? null : { votes: vote[0], maxVotes: vote[1], points: vote[2], weight: vote[3] },
        timeDeduction: time === 0 ? null : { points: time[0], reason: time[1], seconds: time[2] },
        tieBrokenBy: criterion === null ? null : { key: criterion.key, label: criterion.label },
        tiedWith: ties[i],
      },
    };
    if (stored.segments) rows[i].detail.segments = stored.segments[i];
  }
  return rows;
}
