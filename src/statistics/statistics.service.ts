/**
 * Statistics by city and by unit (issue 10, item 9), the basis of 优秀组织奖: entries submitted,
 * recommended against the city's quota, failing the format review, and prizes of the latest published
 * snapshot. Entries are counted in SQL (GROUP BY); only the published winners are read one by one.
 */
import { CITIES } from "../accounts/cities.js";
import type { SessionUser } from "../accounts/accounts.service.js";
import type { AppContext } from "../context.js";
import { getContest, listContests, type Contest } from "../contests/contests.service.js";
import { recommendationQuotaFor } from "../contests/rules.js";
import { identityKey } from "../lib/identity.js";
import { PRIZE_LEVELS, type PrizeLevel } from "../results/chart.js";
import { publishedWinners, type PublishedWinners } from "../results/winners.service.js";
import * as q from "./statistics.queries.js";

export type PrizeCounts = Record<PrizeLevel, number>;

export interface StatisticsRow {
  /** The city's name, or the unit's identity key. */
  key: string;
  name: string;
  submitted: number;
  recommended: number;
  /** The recommendation quota, summed over the contests that require recommendation; null where none does. */
  quota: number | null;
  failed: number;
  prizes: PrizeCounts;
}

export interface Statistics {
  contest: { id: string; title: string } | null;
  /** A coordinator sees his own city's rows only. */
  city: string | null;
  /** Where each contest's prizes come from: its latest published snapshot, or none yet. */
  prizeSources: { contestId: string; title: string; snapshot: PublishedWinners["snapshot"] | null }[];
  cities: StatisticsRow[];
  units: StatisticsRow[];
  totals: StatisticsRow;
}

const noPrizes = (): PrizeCounts => ({ first: 0, second: 0, third: 0 });

function emptyRow(key: string, name: string): StatisticsRow {
  return { key, name, submitted: 0, recommended: 0, quota: null, failed: 0, prizes: noPrizes() };
}

/** A row per key, made on first use, in the order first asked for. */
class Rows {
  readonly byKey = new Map<string, StatisticsRow>();
  get(key: string, name: string): StatisticsRow {
    let row = this.byKey.get(key);
    if (!row) this.byKey.set(key, (row = emptyRow(key, name)));
    return row;
  }
}

/** One contest's statistics, or the whole week's when no contest is given. */
export async function statistics(ctx: AppContext, user: SessionUser, contestId?: string): Promise<Statistics> {
  const contests: Contest[] = contestId ? [await getContest(ctx, user, contestId)] : await listContests(ctx, user);
  const city = user.role === "organizer" ? null : (user.city ?? "");
  const scope: q.StatisticsScope = { contestId, city: city ?? undefined };
  const [byCity, recommended, byUnit, winners] = await Promise.all([
    q.entriesByCity(ctx.db, scope),
    q.recommendationsByCity(ctx.db, scope),
    q.entriesByUnit(ctx.db, scope),
    Promise.all(contests.map((c) => publishedWinners(ctx.db, c.id))),
  ]);

  const cities = new Rows();
  for (const c of CITIES) if (city === null || c.name === city) cities.get(c.name, c.name);
  for (const r of byCity) Object.assign(cities.get(r.key, r.key), { submitted: r.submitted, failed: r.failed });
  for (const r of recommended) cities.get(r.city, r.city).recommended += r.recommended;
  for (const contest of contests.filter((c) => c.rules.requiresRecommendation))
    for (const row of cities.byKey.values())
      row.quota = (row.quota ?? 0) + recommendationQuotaFor(contest.rules, row.key);

  const units = new Rows();
  for (const r of byUnit)
    Object.assign(units.get(r.key, r.name), { submitted: r.submitted, failed: r.failed, recommended: r.recommended });

  for (const published of winners)
    for (const w of published?.winners ?? []) {
      if (city !== null && w.city !== city) continue;
      cities.get(w.city, w.city).prizes[w.prize] += 1;
      units.get(identityKey(w.unit), w.unit).prizes[w.prize] += 1;
    }

  const cityRows = [...cities.byKey.values()];
  const totals = emptyRow("", "");
  for (const row of cityRows) {
    totals.submitted += row.submitted;
    totals.recommended += row.recommended;
    totals.failed += row.failed;
    if (row.quota !== null) totals.quota = (totals.quota ?? 0) + row.quota;
    for (const level of PRIZE_LEVELS) totals.prizes[level] += row.prizes[level];
  }
  return {
    contest: contestId ? { id: contests[0].id, title: contests[0].title } : null,
    city,
    prizeSources: contests.map((c, i) => ({ contestId: c.id, title: c.title, snapshot: winners[i]?.snapshot ?? null })),
    cities: cityRows,
    units: [...units.byKey.values()].sort((a, b) => b.submitted - a.submitted || a.name.localeCompare(b.name, "zh-CN")),
    totals,
  };
}
