import type { Knex } from "knex";
import type { SessionUser } from "../accounts/accounts.service.js";
import { normalizeCity } from "../accounts/cities.js";
import type { AppContext } from "../context.js";
import { getContest, type Contest } from "../contests/contests.service.js";
import { allows } from "../contests/lifecycle.js";
import { ConflictError, ForbiddenError, ValidationError } from "../lib/errors.js";
import { identityKey } from "../lib/identity.js";
import { loadEntry } from "./entries.access.js";
import * as q from "./entries.queries.js";
import type { EntryRow } from "./entries.queries.js";
import { EntryFieldsSchema, fieldsFromMultipart, parseEntryFields } from "./entries.schemas.js";

// What refuses a submission or an edit: the submission window, the limits, team size and city, and the
// checks made before an upload's bytes are read (entries.service.ts submits and edits with them).

/** Names compared for the per-author and per-unit limits: case, spacing and invisible characters do not make a new person. */
export const limitKey = identityKey;

/** Whether the contest takes new entries and owners' changes right now (the pages show their forms by it). */
export function isAccepting(contest: Contest, now: Date): boolean {
  return (
    allows(contest.stage, "submitEntries") &&
    Date.parse(contest.opensAt) <= now.getTime() &&
    now.getTime() < Date.parse(contest.closesAt)
  );
}

export function assertAccepting(contest: Contest, now: Date): void {
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
export async function assertContestantLimit(db: Knex, contest: Contest, ownerId: string): Promise<void> {
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
export function submissionFields(contest: Contest, user: SessionUser, raw: Record<string, unknown>) {
  const fields = parseEntryFields(fieldsFromMultipart(raw));
  assertTeamSize(contest, fields.authors);
  const city = cityOf(fields.city, user.city);
  const unit = (fields.unit ?? user.unit ?? "").trim();
  return { fields, city, unit };
}

export function cityOf(input: string | undefined, fallback: string | null): string {
  const city = normalizeCity(input ?? fallback ?? "");
  if (!city)
    throw new ValidationError(
      "errors.unknownCity",
      { city: input ?? "" },
      { fields: [{ field: "city", messageKey: "errors.unknownCity", params: { city: input ?? "" } }] },
    );
  return city;
}

export async function assertLimits(
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

export function assertTeamSize(contest: Contest, authors: unknown[]): void {
  if (contest.rules.teamMax !== null && authors.length > contest.rules.teamMax) {
    throw new ValidationError(
      "errors.teamTooLarge",
      { max: contest.rules.teamMax },
      { fields: [{ field: "authors", messageKey: "errors.teamTooLarge", params: { max: contest.rules.teamMax } }] },
    );
  }
}
