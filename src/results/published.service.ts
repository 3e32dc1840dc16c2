import type { SessionUser } from "../accounts/accounts.service.js";
import type { AppContext } from "../context.js";
import { getContest, type Contest } from "../contests/contests.service.js";
import { allows } from "../contests/lifecycle.js";
import { currentRound, roundByNumber } from "../judging/judging.service.js";
import { ForbiddenError, StageError } from "../lib/errors.js";
import type { Locale } from "../lib/i18n.js";
import * as q from "./results.queries.js";
import { resultsJson, roundComputation, type PublishedResults } from "./results.service.js";
import type { snapshotBody } from "./snapshots.service.js";

/**
 * Parsed snapshot bodies by their SHA-256: a snapshot never changes once frozen, so every process
 * holding one holds the same (DESIGN §6). A few are kept, the oldest read first dropped.
 */
const parsedSnapshots = new Map<string, ReturnType<typeof snapshotBody>>();
const PARSED_SNAPSHOTS_KEPT = 16;

async function parsedSnapshot(
  ctx: AppContext,
  snapshot: { id: string; sha256: string },
): Promise<ReturnType<typeof snapshotBody>> {
  let body = parsedSnapshots.get(snapshot.sha256);
  if (body) return body;
  // Frozen throughout: every reader shares it, so a change would be a bug, and fails loudly.
  body = JSON.parse(await q.snapshotJsonOf(ctx.db, snapshot.id), (_key, value: unknown) =>
    typeof value === "object" && value !== null ? Object.freeze(value) : value,
  ) as ReturnType<typeof snapshotBody>;
  parsedSnapshots.set(snapshot.sha256, body);
  if (parsedSnapshots.size > PARSED_SNAPSHOTS_KEPT) parsedSnapshots.delete(parsedSnapshots.keys().next().value!);
  return body;
}

/**
 * GET /contests/:id/results: organizers always (the current round's computation, or a given
 * round's), everyone in notice and final (the latest snapshot, exactly as hashed).
 */
export async function publishedResults(
  ctx: AppContext,
  user: SessionUser | null,
  contestId: string,
  locale: Locale,
  options: { round?: number } = {},
): Promise<PublishedResults> {
  return publishedResultsOf(ctx, user, await getContest(ctx, user, contestId), locale, options);
}

/** publishedResults of a contest the caller has already read for this user (a page: one query fewer). */
export async function publishedResultsOf(
  ctx: AppContext,
  user: SessionUser | null,
  contest: Contest,
  locale: Locale,
  options: { round?: number } = {},
): Promise<PublishedResults> {
  const snapshots = await q.snapshotListOf(ctx.db, contest.id);
  const list = snapshots.map((s) => ({ number: s.number, kind: s.kind, sha256: s.sha256, createdAt: s.createdAt }));
  // An earlier round's results (?round=1): organizers only; what is published is the current round's.
  if (options.round !== undefined && user?.role !== "organizer") throw new ForbiddenError();
  const isPublic = allows(contest.stage, "viewPublicResults");
  if (isPublic && user?.role !== "organizer") {
    const latest = snapshots.at(-1)!;
    const body = await parsedSnapshot(ctx, latest);
    // Snapshots frozen before extra awards have none.
    const results = body.results.map((r) => ({ ...r, awards: r.awards ?? [], explanation: r.explanation[locale] }));
    return {
      contestId: contest.id,
      computedAt: latest.createdAt,
      rules: body.rules,
      results,
      unranked: [],
      snapshotHash: latest.sha256,
      snapshots: list,
    };
  }
  if (user?.role !== "organizer") throw new StageError("errors.resultsNotPublic", { stage: contest.stage });
  const round =
    options.round !== undefined
      ? await roundByNumber(ctx, contest, options.round)
      : await currentRound(ctx, ctx.db, contest);
  const data = await roundComputation(ctx, contest, round);
  return {
    ...data,
    results: await resultsJson(ctx, data, locale),
    snapshotHash: snapshots.at(-1)?.sha256 ?? null,
    snapshots: list,
  };
}
