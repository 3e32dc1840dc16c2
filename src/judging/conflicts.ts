import { identityKey } from "../lib/identity.js";

/** Why a judge may not review an entry (DESIGN §3), or null. Pure: the same rules for assignment and manual changes. */
export type ConflictReason = "author" | "unit" | "avoidUnit" | "city" | "declared";

export interface ConflictEntry {
  id: string;
  ownerId: string;
  unit: string;
  city: string;
  authors: { name: string }[];
}

export interface ConflictJudge {
  id: string;
  name: string;
  unit: string | null;
  city: string | null;
  avoidUnits: string[];
}

interface EntryKeys {
  unit: string;
  city: string;
  authors: string[];
}
interface JudgeKeys {
  name: string;
  unit: string;
  city: string;
  avoidUnits: string[];
}

// Assignment asks about every (entry, judge) pair of a round: each row's keys are computed once, not per pair.
const entryKeys = new WeakMap<ConflictEntry, EntryKeys>();
const judgeKeys = new WeakMap<ConflictJudge, JudgeKeys>();

function keysOfEntry(entry: ConflictEntry): EntryKeys {
  let keys = entryKeys.get(entry);
  if (!keys) {
    keys = {
      unit: identityKey(entry.unit),
      city: identityKey(entry.city),
      authors: entry.authors.map((a) => identityKey(a.name)),
    };
    entryKeys.set(entry, keys);
  }
  return keys;
}

function keysOfJudge(judge: ConflictJudge): JudgeKeys {
  let keys = judgeKeys.get(judge);
  if (!keys) {
    keys = {
      name: identityKey(judge.name),
      unit: identityKey(judge.unit ?? ""),
      city: identityKey(judge.city ?? ""),
      avoidUnits: judge.avoidUnits.map(identityKey),
    };
    judgeKeys.set(judge, keys);
  }
  return keys;
}

/**
 * Names (units, people, cities) compare by identity key (lib/identity): no case, spacing, invisible or
 * full-width differences. Equal keys, neither empty: a name with nothing visible in it is no one's.
 */
const same = (a: string, b: string) => a !== "" && a === b;

export function conflictOf(
  entry: ConflictEntry,
  judge: ConflictJudge,
  options: { sameCityConflict: boolean; declared: ReadonlySet<string> },
): ConflictReason | null {
  const e = keysOfEntry(entry);
  const j = keysOfJudge(judge);
  if (entry.ownerId === judge.id || e.authors.some((a) => same(a, j.name))) return "author";
  if (same(e.unit, j.unit)) return "unit";
  if (j.avoidUnits.some((u) => same(u, e.unit))) return "avoidUnit";
  if (options.sameCityConflict && same(e.city, j.city)) return "city";
  if (options.declared.has(`${judge.id}|${entry.id}`)) return "declared";
  return null;
}

/** Why an entry lacks judges: the pool's judges it may not have, by reason. */
export type ConflictCounts = Record<ConflictReason, number>;

/**
 * Counts, over `judges`, the pool's conflicting ones by reason and the conflict-free ones outside the
 * pool (whom adding to the pool would help). `reasonOf` is the entry's conflict with a judge.
 */
export function conflictTally<J extends { id: string }>(
  judges: readonly J[],
  inPool: ReadonlySet<string>,
  reasonOf: (judge: J) => ConflictReason | null,
): { conflicts: ConflictCounts; notInPool: number } {
  const conflicts: ConflictCounts = { author: 0, unit: 0, avoidUnit: 0, city: 0, declared: 0 };
  let notInPool = 0;
  for (const judge of judges) {
    const reason = reasonOf(judge);
    if (inPool.has(judge.id)) {
      if (reason) conflicts[reason]++;
    } else if (!reason) notInPool++;
  }
  return { conflicts, notInPool };
}
