import type { SessionUser } from "../accounts/accounts.service.js";
import { normalizeCity } from "../accounts/cities.js";
import type { AppContext } from "../context.js";
import { getContest, type Contest } from "../contests/contests.service.js";
import { ForbiddenError } from "../lib/errors.js";
import { entryJson, failingChecks, loadEntry, type EntryJson, type Viewer } from "./entries.access.js";
import * as q from "./entries.queries.js";
import type { EntryFileRow, EntryRow, EntrySummary } from "./entries.queries.js";
import type { EntryListQuery } from "./entries.schemas.js";

// Lists of entries: for the pages and the API, and the sets of entries other domains read (judging, results).

/**
 * Entries of a contest as the user may list them: organizers all (with filters, format-review
 * failures and duplicate files), coordinators their city's, contestants their own.
 */
export async function listEntries(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  query: EntryListQuery = {},
): Promise<EntryJson[]> {
  const contest = await getContest(ctx, user, contestId);
  if (user.role === "judge") throw new ForbiddenError();
  const filter: q.EntryFilter = {
    contestId: contest.id,
    category: query.category,
    status: query.status,
    search: query.q?.trim() || undefined,
    recommended: query.recommended === undefined ? undefined : query.recommended === "1",
  };
  if (query.city) filter.city = normalizeCity(query.city) ?? query.city;
  if (user.role === "coordinator") filter.city = user.city ?? "";
  if (user.role === "contestant") filter.ownerId = user.id;
  const entries = await q.listEntries(ctx.db, filter);
  const files = await q.filesOfEntries(
    ctx.db,
    entries.map((e) => e.id),
  );
  const filesOf = new Map<string, EntryFileRow[]>();
  for (const f of files) filesOf.set(f.entryId, [...(filesOf.get(f.entryId) ?? []), f]);
  const viewer: Viewer =
    user.role === "organizer" ? "organizer" : user.role === "coordinator" ? "coordinator" : "owner";
  let list = entries.map((e) => {
    const json = entryJson(e, filesOf.get(e.id) ?? [], viewer);
    if (viewer !== "coordinator") json.checks = failingChecks(contest, filesOf.get(e.id) ?? []);
    return json;
  });
  if (viewer === "organizer") {
    const duplicates = await q.duplicateFiles(ctx.db, contest.id);
    for (const item of list) {
      const hashes = new Set(duplicates.filter((d) => d.entryId === item.id).map((d) => d.sha256));
      item.duplicates = [
        ...new Set(duplicates.filter((d) => hashes.has(d.sha256) && d.entryId !== item.id).map((d) => d.code)),
      ];
    }
    if (query.failing !== undefined) list = list.filter((e) => e.checks!.length > 0 === (query.failing === "1"));
  }
  return list;
}

/** A contestant's entries across contests, for "我的作品". */
export async function myEntries(ctx: AppContext, user: SessionUser): Promise<(EntryJson & { contestTitle: string })[]> {
  const entries = await q.listOwnEntries(ctx.db, user.id);
  const files = await q.filesOfEntries(
    ctx.db,
    entries.map((e) => e.id),
  );
  return entries.map((e) => ({
    ...entryJson(
      e,
      files.filter((f) => f.entryId === e.id),
      "owner",
    ),
    contestTitle: e.contestTitle,
  }));
}

/** Entries that go on to judging: submitted, and recommended where the contest requires it. */
export async function judgeableEntries(ctx: AppContext, contest: Contest): Promise<EntryRow[]> {
  const entries = await q.listEntries(ctx.db, { contestId: contest.id, status: "submitted" });
  return contest.rules.requiresRecommendation ? entries.filter((e) => e.recommendedAt !== null) : entries;
}

/**
 * Entries that may be ranked (submitted, past recommendation where required, not failing the safety
 * gate) as lean summaries (id, code, title; the talk time when asked): what computing results reads,
 * by the hundred thousand.
 */
export async function rankableEntrySummaries(
  ctx: AppContext,
  contest: Contest,
  options: { talkSeconds: boolean; publicVotes?: boolean },
): Promise<EntrySummary[]> {
  return q.listSubmittedSummaries(ctx.db, contest.id, {
    recommendedOnly: contest.rules.requiresRecommendation,
    safeOnly: contest.rules.safetyGate,
    ...options,
  });
}

/** The submitted entries not failing the safety gate, recommended or not (a later round's candidates), as lean summaries. */
export async function submittedSafeEntrySummaries(
  ctx: AppContext,
  contest: Contest,
  options: { talkSeconds: boolean; publicVotes?: boolean },
): Promise<EntrySummary[]> {
  return q.listSubmittedSummaries(ctx.db, contest.id, {
    recommendedOnly: false,
    safeOnly: contest.rules.safetyGate,
    ...options,
  });
}

/** Every submitted entry of the contest, as lean summaries (what talk times and the public vote are recorded against). */
export async function submittedEntrySummaries(
  ctx: AppContext,
  contestId: string,
  options: { talkSeconds: boolean; publicVotes?: boolean },
): Promise<EntrySummary[]> {
  return q.listSubmittedSummaries(ctx.db, contestId, { recommendedOnly: false, safeOnly: false, ...options });
}

/** The contest's submitted entries, recommended or not (a later round picks its finalists among them). */
export async function submittedEntries(ctx: AppContext, contestId: string): Promise<EntryRow[]> {
  return q.listEntries(ctx.db, { contestId, status: "submitted" });
}

/** Every entry of the contest, whatever its status (for the results' snapshots and review). */
export async function contestEntries(ctx: AppContext, contestId: string): Promise<EntryRow[]> {
  return q.listEntries(ctx.db, { contestId });
}

/** The entry's row for a user who may read it (answered as absent otherwise), for another domain's rule on one entry. */
export async function readableEntry(ctx: AppContext, user: SessionUser, entryId: string): Promise<EntryRow> {
  return (await loadEntry(ctx, user, entryId)).entry;
}
