import type { Knex } from "knex";
import { PRIZE_LEVELS, type PrizeLevel } from "./chart.js";
import * as q from "./results.queries.js";
import type { snapshotBody } from "./snapshots.service.js";

export interface PublishedWinners {
  snapshot: { number: number; kind: q.SnapshotRow["kind"]; createdAt: string };
  /** Each prize winner's level, city and unit as the snapshot published them. */
  winners: { prize: PrizeLevel; city: string; unit: string }[];
}

/** The prize winners of a contest's latest published snapshot (notice, revision or final); null before the notice. */
export async function publishedWinners(db: Knex, contestId: string): Promise<PublishedWinners | null> {
  const latest = (await q.snapshotsOf(db, contestId)).at(-1);
  if (!latest) return null;
  const body = JSON.parse(latest.canonicalJson) as ReturnType<typeof snapshotBody>;
  const winners: PublishedWinners["winners"] = [];
  for (const r of body.results)
    if (PRIZE_LEVELS.includes(r.prize as PrizeLevel)) winners.push({ prize: r.prize!, city: r.city, unit: r.unit });
  return { snapshot: { number: latest.number, kind: latest.kind, createdAt: latest.createdAt }, winners };
}
