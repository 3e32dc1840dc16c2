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

/** Unit and person names compared without case, spaces or full-width differences. */
export function sameName(a: string | null | undefined, b: string | null | undefined): boolean {
  const norm = (s: string) => s.normalize("NFKC").replace(/\s+/g, "").toLowerCase();
  return Boolean(a && b && norm(a) !== "" && norm(a) === norm(b));
}

export function conflictOf(
  entry: ConflictEntry,
  judge: ConflictJudge,
  options: { sameCityConflict: boolean; declared: ReadonlySet<string> },
): ConflictReason | null {
  if (entry.ownerId === judge.id || entry.authors.some((a) => sameName(a.name, judge.name))) return "author";
  if (sameName(entry.unit, judge.unit)) return "unit";
  if (judge.avoidUnits.some((u) => sameName(u, entry.unit))) return "avoidUnit";
  if (options.sameCityConflict && judge.city !== null && judge.city === entry.city) return "city";
  if (options.declared.has(`${judge.id}|${entry.id}`)) return "declared";
  return null;
}
