import type { Knex } from "knex";
import type { SessionUser } from "../accounts/accounts.service.js";
import { recordAudit } from "../audit/audit.service.js";
import type { AppContext } from "../context.js";
import { isUniqueViolation } from "../db/dialect.js";
import { getContest, type Contest } from "../contests/contests.service.js";
import { assertMay } from "../contests/lifecycle.js";
import type { ContestKind } from "../contests/rubric.js";
import type { UploadedFile } from "../http/upload.js";
import { ConflictError, ForbiddenError, ValidationError } from "../lib/errors.js";
import { newId } from "../lib/ids.js";
import { shanghaiDay } from "../lib/time.js";
import { getEntry, loadEntry, type EntryJson, type Viewer } from "./entries.access.js";
import * as q from "./entries.queries.js";
import type { EntryFileRow, EntryRow } from "./entries.queries.js";
import { clearRecommendationInTransaction, VOUCHED_FIELDS, type VouchedField } from "./entries.review.js";
import { fieldsFromMultipart, parseEntryChanges, type EntryChanges } from "./entries.schemas.js";
import {
  assertAccepting,
  assertContestantLimit,
  assertLimits,
  assertMaySubmit,
  assertTeamSize,
  cityOf,
  limitKey,
  submissionFields,
} from "./entries.submit-checks.js";
import { fileRow, removeStored, storeUploads, type StoredUpload } from "./entries.uploads.js";

// The entries domain as other domains, routes and pages reach it: reading, lists, the review and the submission checks live in their own files.
export {
  entryJson,
  fileToSend,
  getEntry,
  viewerOf,
  type EntryFileJson,
  type EntryJson,
  type FileToSend,
  type Viewer,
} from "./entries.access.js";
export {
  contestEntries,
  judgeableEntries,
  listEntries,
  myEntries,
  rankableEntrySummaries,
  readableEntry,
  submittedEntries,
  submittedEntrySummaries,
  submittedSafeEntrySummaries,
} from "./entries.lists.js";
export {
  disqualifyInTransaction,
  recommendationQuota,
  setDisqualified,
  setRecommended,
  setSafety,
} from "./entries.review.js";
export {
  assertFieldsAllowSubmit,
  assertMaySubmit,
  checkSubmission,
  isAccepting,
  uploadLimits,
} from "./entries.submit-checks.js";
export type { EntryRow, EntrySummary } from "./entries.queries.js";

/** Entry codes by kind, as printed on certificates: SP-2026-0007. */
const CODE_PREFIX: Record<ContestKind, string> = { video: "SP", experiment: "SY", explainer: "JJ", report: "ZJ" };

export function entryCode(kind: ContestKind, opensAt: string, seq: number): string {
  const year = shanghaiDay(opensAt).slice(0, 4);
  return `${CODE_PREFIX[kind]}-${year}-${String(seq).padStart(4, "0")}`;
}

type EntryFields = Pick<EntryRow, "title" | "summary" | "category" | "city" | "unit" | "authors">;

/** A new submitted entry's row: its code from the contest's sequence, its limit keys from its fields. */
function newEntryRow(contest: Contest, seq: number, ownerId: string, now: string, fields: EntryFields): EntryRow {
  return {
    id: newId(),
    contestId: contest.id,
    seq,
    code: entryCode(contest.kind, contest.opensAt, seq),
    ownerId,
    ...fields,
    firstAuthorKey: limitKey(fields.authors[0].name),
    unitKey: limitKey(fields.unit),
    status: "submitted",
    statusReason: null,
    recommendedAt: null,
    recommendedBy: null,
    recommendedCity: null,
    recommendationClearedAt: null,
    talkSeconds: null,
    safetyFailed: false,
    publicVotes: null,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * Entries made by the system rather than uploaded by a contestant (the units of a report evaluation,
 * DESIGN §3): inside the caller's transaction, with no files and none of the contestant's limits, which
 * govern uploads, not a list drawn from the units' own reports. Answers the entries' ids in order.
 */
export async function createEntriesInTransaction(
  trx: Knex,
  contest: Contest,
  now: string,
  entries: (EntryFields & { ownerId: string })[],
): Promise<string[]> {
  const ids: string[] = [];
  for (const { ownerId, ...fields } of entries) {
    const row = newEntryRow(contest, await q.nextSeq(trx, contest.id), ownerId, now, fields);
    await q.insertEntry(trx, row);
    ids.push(row.id);
  }
  return ids;
}

/**
 * A contestant submits an entry with its files (DESIGN §4). The entry and its files are stored
 * together or not at all: files move into storage first, the rows follow in one transaction, and
 * any failure removes the files again.
 */
export async function submitEntry(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  upload: { fields: Record<string, unknown>; files: UploadedFile[] },
): Promise<EntryJson> {
  try {
    await assertMaySubmit(ctx, user, contestId);
    const contest = await getContest(ctx, user, contestId);
    const { fields, city, unit } = submissionFields(contest, user, upload.fields);
    const missing = Object.entries(contest.rules.files)
      .filter(([role, rule]) => rule.required && !upload.files.some((f) => f.role === role))
      .map(([role]) => role);
    if (missing.length > 0) {
      throw new ValidationError("errors.missingFiles", { roles: missing }, { missing }, "missing_files");
    }
    const stored = await storeUploads(ctx, contest, upload.files);
    try {
      const now = ctx.clock.now().toISOString();
      const entry = await withRetryOnUniqueViolation(() =>
        ctx.db.transaction(async (trx) => {
          const seq = await q.nextSeq(trx, contest.id);
          const row = newEntryRow(contest, seq, user.id, now, {
            title: fields.title.trim(),
            summary: fields.summary ?? "",
            category: fields.category.trim(),
            city,
            unit,
            authors: fields.authors.map((a) => ({ name: a.name.trim(), ...(a.role ? { role: a.role.trim() } : {}) })),
          });
          await assertContestantLimit(trx, contest, user.id);
          await assertLimits(trx, contest, row);
          await q.insertEntry(trx, row);
          for (const s of stored) await q.insertEntryFile(trx, fileRow(row.id, s, now));
          return row;
        }),
      );
      return await getEntry(ctx, user, entry.id);
    } catch (err) {
      await removeStored(ctx, stored);
      throw err;
    }
  } finally {
    // Whatever was not moved into storage is still incoming: remove it.
    await Promise.all(upload.files.map((f) => ctx.storage.discard(f.path)));
  }
}

async function withRetryOnUniqueViolation<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (err) {
      // Two submissions racing for the same sequence number on PostgreSQL: take the next one.
      if (attempt >= 3 || !isUniqueViolation(err)) throw err;
    }
  }
}

function assertMayChange(contest: Contest, entry: EntryRow, viewer: Viewer, now: Date): void {
  if (viewer === "owner") {
    assertAccepting(contest, now);
    if (entry.status !== "submitted")
      throw new ConflictError("entry_not_editable", "errors.entryNotEditable", { status: entry.status });
    return;
  }
  if (viewer !== "organizer") throw new ForbiddenError();
  // Organizers may still correct or withdraw an entry before judging.
  assertMay(contest, "correctEntries");
}

/** Checks that refuse an edit before its body (and its files) is read: who is editing, and whether the stage allows it. */
export async function assertMayUpdate(ctx: AppContext, user: SessionUser, entryId: string): Promise<void> {
  const { entry, viewer } = await loadEntry(ctx, user, entryId);
  assertMayChange(await getContest(ctx, user, entry.contestId), entry, viewer, ctx.clock.now());
}

/**
 * What an edit really changes of what a recommending coordinator vouched for: a field given with a
 * new value, or a file with other bytes than the one it replaces (saving the form unchanged is no change).
 */
function vouchedChanges(
  entry: EntryRow,
  row: Partial<EntryRow>,
  stored: StoredUpload[],
  current: EntryFileRow[],
): VouchedField[] {
  const people = (authors: EntryRow["authors"]) => JSON.stringify(authors.map((a) => [a.name, a.role ?? ""]));
  const changed: VouchedField[] = VOUCHED_FIELDS.filter((field) => {
    if (row[field] === undefined) return false;
    return field === "authors" ? people(row.authors!) !== people(entry.authors) : row[field] !== entry[field];
  });
  const sameFile = (s: StoredUpload) => current.some((f) => f.role === s.file.role && f.sha256 === s.file.sha256);
  if (stored.some((s) => !sameFile(s))) changed.push("files");
  return changed;
}

/**
 * The owner (until closing) or an organizer (until judging) edits fields and replaces files. An
 * owner's change to what a coordinator vouched for clears the entry's recommendation (Trust issue,
 * item 3); an organizer's correction keeps it (it is audited).
 */
export async function updateEntry(
  ctx: AppContext,
  user: SessionUser,
  entryId: string,
  update: { fields: Record<string, unknown>; files: UploadedFile[] },
): Promise<EntryJson> {
  try {
    const { entry, viewer } = await loadEntry(ctx, user, entryId);
    const contest = await getContest(ctx, user, entry.contestId);
    assertMayChange(contest, entry, viewer, ctx.clock.now());
    const changes: EntryChanges = parseEntryChanges(fieldsFromMultipart(update.fields));
    if (Object.keys(changes).length === 0 && update.files.length === 0)
      throw new ValidationError("errors.nothingToChange", {}, undefined, "validation_failed");
    if (changes.authors) assertTeamSize(contest, changes.authors);
    const row: Partial<EntryRow> = {};
    if (changes.title !== undefined) row.title = changes.title.trim();
    if (changes.summary !== undefined) row.summary = changes.summary;
    if (changes.category !== undefined) row.category = changes.category.trim();
    if (changes.city !== undefined) row.city = cityOf(changes.city, null);
    if (changes.unit !== undefined) Object.assign(row, { unit: changes.unit.trim(), unitKey: limitKey(changes.unit) });
    if (changes.authors !== undefined)
      Object.assign(row, { authors: changes.authors, firstAuthorKey: limitKey(changes.authors[0].name) });
    const stored = await storeUploads(ctx, contest, update.files);
    let replaced: EntryFileRow[] = [];
    try {
      const now = ctx.clock.now().toISOString();
      await ctx.db.transaction(async (trx) => {
        if (row.firstAuthorKey !== undefined || row.unitKey !== undefined) {
          await assertLimits(
            trx,
            contest,
            { firstAuthorKey: row.firstAuthorKey ?? entry.firstAuthorKey, unitKey: row.unitKey ?? entry.unitKey },
            entry.id,
          );
        }
        const current = await q.filesOfEntries(trx, [entry.id]);
        replaced = current.filter((f) => stored.some((s) => s.file.role === f.role));
        if (viewer === "owner") {
          // Re-read inside the transaction: a recommendation made since the entry was loaded is cleared too.
          const fresh = (await q.findEntry(trx, entry.id)) ?? entry;
          await clearRecommendationInTransaction(
            ctx,
            trx,
            user,
            fresh,
            vouchedChanges(fresh, row, stored, current),
            now,
          );
        }
        for (const old of replaced) await q.deleteEntryFile(trx, old.id);
        for (const s of stored) await q.insertEntryFile(trx, fileRow(entry.id, s, now));
        await q.updateEntry(trx, entry.id, { ...row, updatedAt: now });
        if (viewer === "organizer") {
          await recordAudit(trx, ctx.clock, {
            actorId: user.id,
            action: "entry.update",
            targetType: "entry",
            targetId: entry.id,
            details: { code: entry.code, changes, files: stored.map((s) => s.file.role) },
          });
        }
      });
    } catch (err) {
      await removeStored(ctx, stored);
      throw err;
    }
    // The replaced files are unreferenced once the transaction committed.
    await removeStored(
      ctx,
      replaced.map((f) => ({ key: f.storageKey, blind: f.blind && { key: f.blind.storageKey } })),
    );
    return getEntry(ctx, user, entry.id);
  } finally {
    await Promise.all(update.files.map((f) => ctx.storage.discard(f.path)));
  }
}

/** The owner withdraws his entry until closing (an organizer until judging); a recommendation is released. */
export async function withdrawEntry(ctx: AppContext, user: SessionUser, entryId: string): Promise<EntryJson> {
  const { entry, viewer } = await loadEntry(ctx, user, entryId);
  const contest = await getContest(ctx, user, entry.contestId);
  if (entry.status === "withdrawn")
    throw new ConflictError("entry_not_editable", "errors.entryNotEditable", { status: entry.status });
  assertMayChange(contest, { ...entry, status: "submitted" }, viewer, ctx.clock.now());
  await ctx.db.transaction(async (trx) => {
    await q.updateEntry(trx, entry.id, {
      status: "withdrawn",
      recommendedAt: null,
      recommendedBy: null,
      recommendedCity: null,
      updatedAt: ctx.clock.now().toISOString(),
    });
    if (viewer === "organizer")
      await recordAudit(trx, ctx.clock, {
        actorId: user.id,
        action: "entry.withdraw",
        targetType: "entry",
        targetId: entry.id,
        details: { code: entry.code },
      });
  });
  return getEntry(ctx, user, entry.id);
}

/** Records a talk's measured time inside the caller's transaction (the results' inputs audit it). */
export async function setTalkSecondsInTransaction(
  ctx: AppContext,
  trx: Knex,
  entryId: string,
  seconds: number,
): Promise<void> {
  await q.updateEntry(trx, entryId, { talkSeconds: seconds, updatedAt: ctx.clock.now().toISOString() });
}

/** Replaces the contest's public vote counts, by entry id, inside the caller's transaction. */
export async function replacePublicVotesInTransaction(
  trx: Knex,
  contestId: string,
  votesByEntryId: Map<string, number>,
): Promise<void> {
  await q.replacePublicVotes(trx, contestId, votesByEntryId);
}
