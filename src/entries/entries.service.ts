import type { Knex } from "knex";
import type { SessionUser } from "../accounts/accounts.service.js";
import { normalizeCity } from "../accounts/cities.js";
import { recordAudit } from "../audit/audit.service.js";
import type { AppContext } from "../context.js";
import { getContest, type Contest } from "../contests/contests.service.js";
import { allows, assertMay } from "../contests/lifecycle.js";
import type { ContestKind } from "../contests/rubric.js";
import type { FileRule } from "../contests/rules.js";
import type { UploadedFile } from "../http/upload.js";
import { AppError, ConflictError, ForbiddenError, ValidationError } from "../lib/errors.js";
import { identityKey } from "../lib/identity.js";
import { newId } from "../lib/ids.js";
import { detectContentType, VIDEO_TYPES } from "../media/content-type.js";
import { checkFile, type FileFacts } from "../media/format-review.js";
import { probeVideo } from "../media/probe.js";
import {
  entryJson,
  failingChecks,
  getEntry,
  judgesMaySee,
  loadEntry,
  type EntryJson,
  type Viewer,
} from "./entries.access.js";
import { makeBlindCopy } from "./entries.blind.js";
import * as q from "./entries.queries.js";
import type { EntryFileRow, EntryRow, EntrySummary } from "./entries.queries.js";
import { clearRecommendationInTransaction, VOUCHED_FIELDS, type VouchedField } from "./entries.review.js";
import {
  EntryFieldsSchema,
  fieldsFromMultipart,
  parseEntryChanges,
  parseEntryFields,
  type EntryChanges,
  type EntryListQuery,
} from "./entries.schemas.js";

// The entries domain as other domains, routes and pages reach it: reading and the review live in their own files.
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
  disqualifyInTransaction,
  recommendationQuota,
  setDisqualified,
  setRecommended,
  setSafety,
} from "./entries.review.js";
export type { EntryRow, EntrySummary } from "./entries.queries.js";

/** Entry codes by kind, as printed on certificates: SP-2026-0007. */
const CODE_PREFIX: Record<ContestKind, string> = { video: "SP", experiment: "SY", explainer: "JJ", report: "ZJ" };

export function entryCode(kind: ContestKind, opensAt: string, seq: number): string {
  // The contest's year in Beijing time.
  const year = new Date(Date.parse(opensAt) + 8 * 3_600_000).getUTCFullYear();
  return `${CODE_PREFIX[kind]}-${year}-${String(seq).padStart(4, "0")}`;
}

/** Names compared for the per-author and per-unit limits: case, spacing and invisible characters do not make a new person. */
const limitKey = identityKey;

/** Whether the contest takes new entries and owners' changes right now (the pages show their forms by it). */
export function isAccepting(contest: Contest, now: Date): boolean {
  return (
    allows(contest.stage, "submitEntries") &&
    Date.parse(contest.opensAt) <= now.getTime() &&
    now.getTime() < Date.parse(contest.closesAt)
  );
}

function assertAccepting(contest: Contest, now: Date): void {
  if (!isAccepting(contest, now)) {
    const key =
      allows(contest.stage, "submitEntries") && now.getTime() < Date.parse(contest.opensAt)
        ? "errors.submissionsNotYetOpen"
        : "errors.submissionsClosed";
    throw new ConflictError("submissions_closed", key, { stage: contest.stage });
  }
}

/** The size limit of each file role, for stopping an oversized upload while it streams. */
export async function uploadLimits(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  forEntryId?: string,
): Promise<Record<string, number>> {
  const contest = forEntryId
    ? await getContest(ctx, user, (await loadEntry(ctx, user, forEntryId)).entry.contestId)
    : await getContest(ctx, user, contestId);
  return Object.fromEntries(Object.entries(contest.rules.files).map(([role, rule]) => [role, rule.maxBytes]));
}

/**
 * Checks that refuse before the body is read: who is uploading, whether the contest takes entries now,
 * and whether this contestant has entries left to submit.
 */
export async function assertMaySubmit(ctx: AppContext, user: SessionUser, contestId: string): Promise<void> {
  if (user.role !== "contestant") throw new ForbiddenError("errors.onlyContestantsSubmit");
  const contest = await getContest(ctx, user, contestId);
  assertAccepting(contest, ctx.clock.now());
  await assertContestantLimit(ctx.db, contest, user.id);
}

/** Entries per account, withdrawn ones included: each kept its files, so withdrawing does not free a place. */
async function assertContestantLimit(db: Knex, contest: Contest, ownerId: string): Promise<void> {
  const max = contest.rules.maxEntriesPerContestant;
  if (max !== null && (await q.countByOwner(db, contest.id, ownerId)) >= max) {
    throw new ConflictError("entry_limit", "errors.limitPerContestant", { max });
  }
}

/** The text fields a submission cannot go without (from the schema, so the list exists once). */
const REQUIRED_FIELDS: readonly string[] = EntryFieldsSchema.required ?? [];

/**
 * The rules the text fields decide (DESIGN §4 "File roles"), checked when the first file part begins,
 * so a refused contestant does not wait for a 500 MB upload: the fields themselves, team size, city,
 * and the per-author and per-unit limits. A client that sends a required field after the files is
 * checked once the upload is in, by submitEntry (which checks all of it again in its transaction).
 */
export async function assertFieldsAllowSubmit(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  raw: Record<string, unknown>,
): Promise<void> {
  if (!REQUIRED_FIELDS.every((name) => name in raw)) return;
  const contest = await getContest(ctx, user, contestId);
  const { fields, unit } = submissionFields(contest, user, raw);
  await assertLimits(ctx.db, contest, { firstAuthorKey: limitKey(fields.authors[0].name), unitKey: limitKey(unit) });
}

/**
 * Everything a submission's text fields decide, asked by the page's script before it sends the files
 * (so the refusal shows at once, whatever the browser does with an answer that comes mid-upload).
 */
export async function checkSubmission(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  raw: Record<string, unknown>,
): Promise<void> {
  await assertMaySubmit(ctx, user, contestId);
  await assertFieldsAllowSubmit(ctx, user, contestId, raw);
}

/** A submission's text fields, checked: what submitEntry stores. */
function submissionFields(contest: Contest, user: SessionUser, raw: Record<string, unknown>) {
  const fields = parseEntryFields(fieldsFromMultipart(raw));
  assertTeamSize(contest, fields.authors);
  const city = cityOf(fields.city, user.city);
  const unit = (fields.unit ?? user.unit ?? "").trim();
  return { fields, city, unit };
}

/** Reads a file's type from its bytes and, for a video, probes it; refuses what breaks a hard rule. */
async function inspect(ctx: AppContext, file: UploadedFile, rule: FileRule): Promise<FileFacts> {
  const { type, detected } = await detectContentType(file.path);
  if (!type || !rule.types.includes(type)) {
    throw new AppError(
      415,
      "file_type_not_allowed",
      "errors.fileType",
      { role: file.role, actual: detected ?? "?", allowed: rule.types.join("/") },
      { role: file.role, detected },
    );
  }
  const video = VIDEO_TYPES.includes(type) ? await probeVideo(ctx.config, file.path) : null;
  if (VIDEO_TYPES.includes(type) && !video) {
    throw new ValidationError("errors.videoUnreadable", { role: file.role }, { role: file.role }, "video_unreadable");
  }
  const facts: FileFacts = { role: file.role, contentType: type, size: file.size, video };
  const failedHard = checkFile(file.role, rule, facts).find((c) => c.hard && !c.ok);
  if (failedHard)
    throw new ValidationError(
      failedHard.messageKey,
      failedHard.params,
      { role: file.role, check: failedHard.check },
      `file_${failedHard.check}`,
    );
  return facts;
}

interface StoredUpload {
  file: UploadedFile;
  facts: FileFacts;
  key: string;
  /** The judges' anonymized copy (DESIGN §4 "Blind files"); null for files judges never see. */
  blind: { key: string; size: number } | null;
}

/**
 * Inspects every file, makes the judges' anonymized copy of each they may see (refusing the upload
 * when one cannot be made), then moves them all into storage; on failure removes whatever was made.
 */
async function storeUploads(ctx: AppContext, contest: Contest, files: UploadedFile[]): Promise<StoredUpload[]> {
  const inspected: { file: UploadedFile; facts: FileFacts }[] = [];
  for (const file of files) inspected.push({ file, facts: await inspect(ctx, file, contest.rules.files[file.role]) });
  const copies = new Map<UploadedFile, { incomingPath: string; size: number }>();
  const stored: StoredUpload[] = [];
  try {
    for (const { file, facts } of inspected) {
      if (!judgesMaySee(file.role)) continue;
      const source = { ...file, contentType: facts.contentType, durationSeconds: facts.video?.durationSeconds ?? null };
      copies.set(file, await makeBlindCopy(ctx, source));
    }
    for (const item of inspected) {
      const upload: StoredUpload = { ...item, key: await ctx.storage.adopt(item.file.path), blind: null };
      stored.push(upload);
      const copy = copies.get(item.file);
      if (copy) upload.blind = { key: await ctx.storage.adopt(copy.incomingPath), size: copy.size };
    }
  } catch (err) {
    await removeStored(ctx, stored);
    throw err;
  } finally {
    // Copies not moved into storage (after a refusal) are still incoming: remove them.
    await Promise.all([...copies.values()].map((c) => ctx.storage.discard(c.incomingPath)));
  }
  return stored;
}

async function removeStored(ctx: AppContext, stored: { key: string; blind?: { key: string } | null }[]): Promise<void> {
  await Promise.all(
    stored.flatMap((s) => [s.key, ...(s.blind ? [s.blind.key] : [])].map((k) => ctx.storage.remove(k))),
  );
}

function fileRow(entryId: string, upload: StoredUpload, now: string): EntryFileRow {
  return {
    id: newId(),
    entryId,
    role: upload.file.role,
    storageKey: upload.key,
    originalName: upload.file.originalName.slice(0, 255),
    contentType: upload.facts.contentType,
    size: upload.file.size,
    sha256: upload.file.sha256,
    probe: upload.facts.video,
    blind: upload.blind && { storageKey: upload.blind.key, size: upload.blind.size },
    createdAt: now,
  };
}

function cityOf(input: string | undefined, fallback: string | null): string {
  const city = normalizeCity(input ?? fallback ?? "");
  if (!city)
    throw new ValidationError(
      "errors.unknownCity",
      { city: input ?? "" },
      { fields: [{ field: "city", messageKey: "errors.unknownCity", params: { city: input ?? "" } }] },
    );
  return city;
}

async function assertLimits(
  trx: Knex,
  contest: Contest,
  entry: Pick<EntryRow, "firstAuthorKey" | "unitKey">,
  exceptId?: string,
): Promise<void> {
  const { maxEntriesPerAuthor, maxEntriesPerUnit } = contest.rules;
  if (
    maxEntriesPerAuthor !== null &&
    (await q.countActiveBy(trx, contest.id, "first_author_key", entry.firstAuthorKey, exceptId)) >= maxEntriesPerAuthor
  ) {
    throw new ConflictError("entry_limit", "errors.limitPerAuthor", { max: maxEntriesPerAuthor });
  }
  if (
    maxEntriesPerUnit !== null &&
    entry.unitKey !== "" &&
    (await q.countActiveBy(trx, contest.id, "unit_key", entry.unitKey, exceptId)) >= maxEntriesPerUnit
  ) {
    throw new ConflictError("entry_limit", "errors.limitPerUnit", { max: maxEntriesPerUnit });
  }
}

function assertTeamSize(contest: Contest, authors: unknown[]): void {
  if (contest.rules.teamMax !== null && authors.length > contest.rules.teamMax) {
    throw new ValidationError(
      "errors.teamTooLarge",
      { max: contest.rules.teamMax },
      { fields: [{ field: "authors", messageKey: "errors.teamTooLarge", params: { max: contest.rules.teamMax } }] },
    );
  }
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e.code === "23505" || e.code === "SQLITE_CONSTRAINT" || /UNIQUE constraint failed/.test(e.message ?? "");
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
          const row: EntryRow = {
            id: newId(),
            contestId: contest.id,
            seq,
            code: entryCode(contest.kind, contest.opensAt, seq),
            ownerId: user.id,
            title: fields.title.trim(),
            summary: fields.summary ?? "",
            category: fields.category.trim(),
            city,
            unit,
            authors: fields.authors.map((a) => ({ name: a.name.trim(), ...(a.role ? { role: a.role.trim() } : {}) })),
            firstAuthorKey: limitKey(fields.authors[0].name),
            unitKey: limitKey(unit),
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
