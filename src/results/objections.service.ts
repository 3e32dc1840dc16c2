import type { Knex } from "knex";
import type { SessionUser } from "../accounts/accounts.service.js";
import { recordAudit } from "../audit/audit.service.js";
import type { AppContext } from "../context.js";
import { getContest, type Contest } from "../contests/contests.service.js";
import { allows, assertMay } from "../contests/lifecycle.js";
import { disqualifyInTransaction } from "../entries/entries.service.js";
import { orderRescore, rescoreCandidates, rescoreStatus } from "../judging/judging.service.js";
import type { UploadedFile } from "../http/upload.js";
import { AppError, ConflictError, ForbiddenError, NotFoundError, StageError, ValidationError } from "../lib/errors.js";
import { newId } from "../lib/ids.js";
import { CONTENT_TYPES, detectContentType, nameForType, type ContentType } from "../media/content-type.js";
import { parseObjectionFields } from "./results.schemas.js";
import * as q from "./results.queries.js";
import { recomputeAndRepublish } from "./snapshots.service.js";

const EVIDENCE_TYPES: ContentType[] = ["pdf", "jpeg", "png"];

/** The evidence file's size limit (OBJECTION_EVIDENCE_MAX_MB), for stopping a larger one while it streams. */
export function evidenceLimits(ctx: AppContext): Record<string, number> {
  return { evidence: ctx.config.objectionEvidenceMaxBytes };
}

export interface ObjectionJson {
  id: string;
  contestId: string;
  entryId: string;
  entryCode?: string;
  text: string;
  status: q.ObjectionRow["status"];
  reply: string | null;
  createdAt: string;
  resolvedAt: string | null;
  evidence: { name: string; url: string } | null;
  filedBy?: string;
  /** Re-scoring ordered when upheld (organizers): the fresh judge's assignment and when the results were republished. */
  rescore?: { assignmentId: string; republishedAt: string | null } | null;
}

function objectionJson(
  o: q.ObjectionRow & { userName?: string; entryCode?: string },
  forOrganizer: boolean,
): ObjectionJson {
  return {
    id: o.id,
    contestId: o.contestId,
    entryId: o.entryId,
    entryCode: o.entryCode,
    text: o.text,
    status: o.status,
    reply: o.reply,
    createdAt: o.createdAt,
    resolvedAt: o.resolvedAt,
    evidence: o.evidenceKey ? { name: o.evidenceName ?? "evidence", url: `/api/v1/objections/${o.id}/evidence` } : null,
    ...(forOrganizer
      ? {
          filedBy: o.userName,
          rescore: o.rescoreAssignmentId
            ? { assignmentId: o.rescoreAssignmentId, republishedAt: o.republishedAt }
            : null,
        }
      : {}),
  };
}

/**
 * Checks that refuse before the body (and its evidence file) is read: the notice's stage and window,
 * and the person's objections left in this contest. Answers the contest.
 */
export async function assertMayObject(ctx: AppContext, user: SessionUser, contestId: string): Promise<Contest> {
  const contest = await getContest(ctx, user, contestId);
  // Outside the notice, or after its window has closed, the refusal says the window is closed.
  assertMay(contest, "handleObjections", "errors.objectionWindowClosed");
  if (!contest.noticeEndsAt || ctx.clock.now().getTime() >= Date.parse(contest.noticeEndsAt)) {
    throw new StageError("errors.objectionWindowClosed", { stage: contest.stage });
  }
  // Counted in the database, so every app process sees the same number.
  const max = ctx.config.objectionsPerUserPerContest;
  if ((await q.objectionsOf(ctx.db, contest.id, { userId: user.id })).length >= max) {
    throw new ConflictError("objection_limit", "errors.objectionLimit", { max });
  }
  return contest;
}

/**
 * A signed-in person files an objection (异议) under his real name, with an optional evidence file,
 * only inside the notice window; late ones are refused.
 */
export async function fileObjection(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  upload: { fields: Record<string, unknown>; files: UploadedFile[] },
): Promise<ObjectionJson> {
  let adoptedKey: string | null = null;
  try {
    const contest = await assertMayObject(ctx, user, contestId);
    const now = ctx.clock.now();
    const fields = parseObjectionFields(upload.fields);
    const latest = (await q.snapshotsOf(ctx.db, contest.id)).at(-1);
    const listed = latest
      ? (JSON.parse(latest.canonicalJson) as { results: { entryId: string }[] }).results.some(
          (r) => r.entryId === fields.entryId,
        )
      : false;
    if (!listed) throw new NotFoundError("errors.entryNotInResults");
    const evidence = upload.files.find((f) => f.role === "evidence");
    let evidenceType: ContentType | null = null;
    if (evidence) {
      evidenceType = (await detectContentType(evidence.path)).type;
      if (!evidenceType || !EVIDENCE_TYPES.includes(evidenceType)) {
        throw new AppError(415, "file_type_not_allowed", "errors.evidenceType", { allowed: EVIDENCE_TYPES.join("/") });
      }
      adoptedKey = await ctx.storage.adopt(evidence.path);
    }
    const row: q.ObjectionRow = {
      id: newId(),
      contestId: contest.id,
      entryId: fields.entryId,
      userId: user.id,
      text: fields.text.trim(),
      evidenceKey: adoptedKey,
      evidenceName: evidence ? evidence.originalName.slice(0, 255) : null,
      evidenceType,
      status: "open",
      reply: null,
      resolvedBy: null,
      resolvedAt: null,
      createdAt: now.toISOString(),
      rescoreAssignmentId: null,
      republishedAt: null,
    };
    await q.insertObjection(ctx.db, row);
    adoptedKey = null;
    return objectionJson(row, false);
  } finally {
    if (adoptedKey) await ctx.storage.remove(adoptedKey);
    await Promise.all(upload.files.map((f) => ctx.storage.discard(f.path)));
  }
}

/** Organizers see every objection with who filed it; others see their own. */
export async function listObjections(ctx: AppContext, user: SessionUser, contestId: string): Promise<ObjectionJson[]> {
  const contest = await getContest(ctx, user, contestId);
  const organizer = user.role === "organizer";
  return (await q.objectionsOf(ctx.db, contest.id, organizer ? {} : { userId: user.id })).map((o) =>
    objectionJson(o, organizer),
  );
}

/**
 * An organizer answers an objection. Upheld with `disqualify`, the entry is disqualified, the
 * results recomputed and a new snapshot published (the old ones stay listed). Upheld with
 * `rescoreJudgeId`, a fresh judge is given the entry to score during the notice; once he has
 * submitted, the organizer republishes (republishRescored).
 */
export async function resolveObjection(
  ctx: AppContext,
  user: SessionUser,
  objectionId: string,
  body: { decision: "upheld" | "rejected"; reply: string; disqualify?: boolean; rescoreJudgeId?: string },
): Promise<ObjectionJson> {
  const objection = await q.findObjection(ctx.db, objectionId);
  if (!objection) throw new NotFoundError("errors.objectionNotFound");
  const contest = await getContest(ctx, user, objection.contestId);
  assertMay(contest, "handleObjections");
  if (objection.status !== "open") throw new ConflictError("objection_resolved", "errors.objectionResolved");
  const rescoreJudgeId = body.decision === "upheld" ? body.rescoreJudgeId : undefined;
  if (body.rescoreJudgeId !== undefined && (body.decision !== "upheld" || body.disqualify))
    throw new ValidationError("errors.rescoreWithUpheld", {}, undefined, "validation_failed");
  await ctx.db.transaction(async (trx) => {
    const now = ctx.clock.now().toISOString();
    await q.resolveObjection(trx, objection.id, {
      status: body.decision,
      reply: body.reply.trim(),
      resolvedBy: user.id,
      resolvedAt: now,
    });
    if (body.decision === "upheld" && body.disqualify) {
      await disqualifyInTransaction(ctx, trx, objection.entryId, body.reply.trim());
      await recomputeAndRepublish(ctx, trx, contest);
    }
    if (rescoreJudgeId)
      await q.setObjectionRescore(
        trx,
        objection.id,
        await orderRescore(ctx, trx, contest, objection.entryId, rescoreJudgeId),
      );
    await recordAudit(trx, ctx.clock, {
      actorId: user.id,
      action: "objection.resolve",
      targetType: "contest",
      targetId: contest.id,
      details: {
        objectionId,
        entryId: objection.entryId,
        decision: body.decision,
        disqualify: Boolean(body.disqualify),
        ...(rescoreJudgeId ? { rescoreJudgeId } : {}),
      },
    });
  });
  return objectionById(ctx, contest.id, objection.id);
}

async function objectionById(ctx: AppContext, contestId: string, id: string): Promise<ObjectionJson> {
  return objectionJson(
    (await q.objectionsOf(ctx.db, contestId)).find((o) => o.id === id)!,
    true,
  );
}

/**
 * After an objection's re-scoring is submitted: the results computed again with the fresh judge's
 * sheet and published as a revision snapshot (as an upheld disqualification is). Audited.
 */
export async function republishRescored(
  ctx: AppContext,
  user: SessionUser,
  objectionId: string,
): Promise<ObjectionJson> {
  const objection = await q.findObjection(ctx.db, objectionId);
  if (!objection) throw new NotFoundError("errors.objectionNotFound");
  const contest = await getContest(ctx, user, objection.contestId);
  assertMay(contest, "rescoreEntries");
  if (!objection.rescoreAssignmentId || objection.republishedAt)
    throw new ConflictError("no_rescore", "errors.rescoreNone");
  if ((await rescoreStatus(ctx, objection.rescoreAssignmentId)) !== "submitted")
    throw new ConflictError("rescore_not_submitted", "errors.rescoreNotSubmitted");
  await ctx.db.transaction(async (trx) => {
    const snapshot = await recomputeAndRepublish(ctx, trx, contest);
    await q.markRepublished(trx, objection.id, snapshot.createdAt);
    await recordAudit(trx, ctx.clock, {
      actorId: user.id,
      action: "objection.republish",
      targetType: "contest",
      targetId: contest.id,
      details: { objectionId, entryId: objection.entryId, snapshot: snapshot.number },
    });
  });
  return objectionById(ctx, contest.id, objection.id);
}

/**
 * What the objections page offers about re-scoring: for an open objection, the fresh judges who may
 * re-score its entry; for an ordered one not yet republished, whether the sheet is in.
 */
export async function rescoreChoices(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  list: readonly ObjectionJson[],
): Promise<Map<string, { candidates: { id: string; name: string }[]; submitted: boolean }>> {
  if (user.role !== "organizer") throw new ForbiddenError();
  const contest = await getContest(ctx, user, contestId);
  const out = new Map<string, { candidates: { id: string; name: string }[]; submitted: boolean }>();
  for (const o of list) {
    if (o.status === "open" && allows(contest.stage, "handleObjections"))
      out.set(o.id, { candidates: await rescoreCandidates(ctx, contest, o.entryId), submitted: false });
    else if (o.rescore && !o.rescore.republishedAt)
      out.set(o.id, { candidates: [], submitted: (await rescoreStatus(ctx, o.rescore.assignmentId)) === "submitted" });
  }
  return out;
}

/** The final list waits for every ordered re-scoring to be republished. */
export async function assertNoPendingRescore(db: Knex, contestId: string): Promise<void> {
  if ((await q.countPendingRescores(db, contestId)) > 0)
    throw new ConflictError("rescore_pending", "errors.rescorePending");
}

/** Objections of the contest still waiting for an answer (the final list waits for none). */
export async function countOpenObjections(db: Knex, contestId: string): Promise<number> {
  return q.countOpenObjections(db, contestId);
}

/** The evidence file, for organizers and the person who filed it. */
export async function evidenceFile(
  ctx: AppContext,
  user: SessionUser,
  objectionId: string,
): Promise<{ path: string; mime: string; downloadName: string }> {
  const objection = await q.findObjection(ctx.db, objectionId);
  if (!objection || !objection.evidenceKey) throw new NotFoundError("errors.fileNotFound");
  if (user.role !== "organizer" && user.id !== objection.userId) throw new ForbiddenError();
  const type = objection.evidenceType as ContentType;
  // Served as the type detected at upload, and named with its extension (a PDF named x.html is x.pdf).
  return {
    path: ctx.storage.pathOf(objection.evidenceKey),
    mime: CONTENT_TYPES[type],
    downloadName: nameForType(objection.evidenceName ?? "evidence", type),
  };
}
