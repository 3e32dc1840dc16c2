import { Router, type Request } from "express";
import type { SessionUser } from "../accounts/accounts.service.js";
import type { AppContext } from "../context.js";
import { getContest, type Contest } from "../contests/contests.service.js";
import { may } from "../contests/lifecycle.js";
import type { FileRule } from "../contests/rules.js";
import { requireRole } from "../http/auth.js";
import { routeParam } from "../http/params.js";
import { flash } from "../http/flash.js";
import { answerForm, fieldText, formFields, repeatedField, wantsJson } from "../http/forms.js";
import { isMultipart, receiveUpload } from "../http/upload.js";
import { AppError } from "../lib/errors.js";
import { acceptOf } from "./entries.file-rules.js";
import { ruleResults, WEEK_THEMES } from "./entries.page-helpers.js";
import { entryReviewPages } from "./entries.review.pages.js";
import { sendFile } from "../http/send-file.js";
import * as entries from "./entries.service.js";
import type { EntryJson } from "./entries.service.js";

/** Empty author rows offered without script; the script adds rows on demand instead. */
const AUTHOR_ROWS = 4;
/** Two fields a row: stays inside the upload's field limit (src/http/upload.ts). */
const MAX_AUTHOR_ROWS = 10;

/** Documents are offered for download; videos play in the page, the cover shows as a picture. */
const VIDEO_TYPES = new Set(["mp4", "mov"]);

interface AuthorRow {
  name: string;
  role: string;
}

/** Author rows as typed: the script's JSON `authors`, or the form's repeated `authorName`/`authorRole` fields. */
function authorRows(fields: Record<string, unknown>): AuthorRow[] {
  if (typeof fields.authors === "string") {
    try {
      const parsed: unknown = JSON.parse(fields.authors);
      if (Array.isArray(parsed))
        return parsed.map((a: { name?: unknown; role?: unknown } | null) => ({
          name: fieldText(a?.name),
          role: fieldText(a?.role),
        }));
    } catch {
      return [];
    }
    return [];
  }
  const roles = repeatedField(fields.authorRole);
  return repeatedField(fields.authorName).map((name, i) => ({ name, role: roles[i] ?? "" }));
}

/**
 * The form's text fields as the API takes them, so pages and API share one schema and one service:
 * author rows become the JSON `authors` (blank rows dropped), the CSRF token is not a field.
 */
function entryFieldsFromForm(fields: Record<string, unknown>): Record<string, unknown> {
  const { _csrf: _token, authorName, authorRole: _roles, authors, ...rest } = fields;
  const out: Record<string, unknown> = { ...rest };
  if (authors !== undefined || authorName !== undefined) {
    const rows = authorRows(fields)
      .map((a) => ({ name: a.name.trim(), role: a.role.trim() }))
      .filter((a) => a.name !== "" || a.role !== "")
      .map((a) => (a.role ? a : { name: a.name }));
    out.authors = JSON.stringify(rows);
  }
  return out;
}

interface FormValues {
  title: string;
  summary: string;
  category: string;
  city: string;
  unit: string;
  declaration: boolean;
  authors: AuthorRow[];
}

function padAuthors(rows: AuthorRow[], contest: Contest): AuthorRow[] {
  const wanted = Math.min(MAX_AUTHOR_ROWS, Math.max(AUTHOR_ROWS, contest.rules.teamMax ?? 0, rows.length + 1));
  return [
    ...rows.slice(0, MAX_AUTHOR_ROWS),
    ...Array.from({ length: Math.max(0, wanted - rows.length) }, () => ({ name: "", role: "" })),
  ];
}

function str(fields: Record<string, unknown>, name: string, fallback = ""): string {
  const value = fields[name];
  return typeof value === "string" ? value : fallback;
}

/** What the form shows: what was typed (after a refusal), else the entry's values, else the user's city and unit. */
function formValues(
  contest: Contest,
  user: SessionUser,
  typed: Record<string, unknown> | null,
  entry?: EntryJson,
): FormValues {
  const base: FormValues = {
    title: entry?.title ?? "",
    summary: entry?.summary ?? "",
    category: entry?.category ?? "",
    city: entry?.city ?? user.city ?? "",
    unit: entry?.unit ?? user.unit ?? "",
    declaration: false,
    authors: (entry?.authors ?? []).map((a) => ({ name: a.name, role: a.role ?? "" })),
  };
  if (typed) {
    for (const name of ["title", "summary", "category", "city", "unit"] as const)
      base[name] = str(typed, name, base[name]);
    base.declaration = ["true", "on", "1"].includes(str(typed, "declaration"));
    if (typed.authors !== undefined || typed.authorName !== undefined)
      base.authors = authorRows(typed).filter((a) => a.name.trim() || a.role.trim());
  }
  return { ...base, authors: padAuthors(base.authors, contest) };
}

function fileInputs(contest: Contest): { role: string; rule: FileRule; accept: string; required: boolean }[] {
  return Object.entries(contest.rules.files).map(([role, rule]) => ({
    role,
    rule,
    accept: acceptOf(rule),
    required: rule.required,
  }));
}

/** Pages for entries: submitting, "my entries", the entry page, lists, the format review. */
export function entriesPages(ctx: AppContext): Router {
  const router = Router();

  const submitPage = (req: Request, contest: Contest, typed: Record<string, unknown> | null) => ({
    title: req.t("entries.submitTitle"),
    contest,
    values: formValues(contest, req.user!, typed),
    fileInputs: fileInputs(contest),
    themes: WEEK_THEMES,
    teamMax: contest.rules.teamMax,
  });

  router.get("/contests/:id/submit", requireRole("contestant"), async (req, res) => {
    await entries.assertMaySubmit(ctx, req.user!, routeParam(req));
    const contest = await getContest(ctx, req.user, routeParam(req));
    res.render("entries/submit", submitPage(req, contest, null));
  });

  // Session and CSRF (header or ?_csrf=) checked before a byte of the body is read; then the API's own steps.
  router.post("/contests/:id/entries", requireRole("contestant"), async (req, res) => {
    if (!isMultipart(req)) throw new AppError(415, "multipart_required", "errors.multipartRequired");
    await entries.assertMaySubmit(ctx, req.user!, routeParam(req));
    const contest = await getContest(ctx, req.user, routeParam(req));
    await answerForm(
      req,
      res,
      {
        view: "entries/submit",
        page: () => ({ ...submitPage(req, contest, (req.body ?? {}) as Record<string, unknown>), reselectFiles: true }),
      },
      async () => {
        const upload = await receiveUpload(
          req,
          res,
          ctx.storage,
          await entries.uploadLimits(ctx, req.user!, contest.id),
          // The text fields sent before the files (upload.js sends them first) are checked before any file byte.
          {
            beforeFiles: (fields) =>
              entries.assertFieldsAllowSubmit(ctx, req.user!, contest.id, entryFieldsFromForm(fields)),
          },
        );
        const entry = await entries.submitEntry(ctx, req.user!, contest.id, {
          fields: entryFieldsFromForm(upload.fields),
          files: upload.files,
        });
        flash(req, "success", req.t("entries.submitted", { code: entry.code }));
        if (wantsJson(req)) res.status(201).json({ entry });
        else res.redirect(303, `/entries/${entry.id}`);
      },
    );
  });

  // upload.js asks this with the text fields alone before it sends the files: 204, or the refusal as JSON.
  router.post("/contests/:id/entries/check", requireRole("contestant"), async (req, res) => {
    await entries.checkSubmission(ctx, req.user!, routeParam(req), entryFieldsFromForm(formFields(req)));
    res.status(204).end();
  });

  router.get("/my/entries", requireRole("contestant"), async (req, res) => {
    const mine = await entries.myEntries(ctx, req.user!);
    const contests = new Map<string, Contest>();
    for (const contestId of new Set(mine.map((e) => e.contestId)))
      contests.set(contestId, await getContest(ctx, req.user, contestId));
    const rows = mine.map((e) => {
      const contest = contests.get(e.contestId)!;
      return {
        ...e,
        requiresRecommendation: contest.rules.requiresRecommendation,
        failing: ruleResults(req, contest, e).filter((c) => !c.ok),
      };
    });
    res.render("entries/mine", { title: req.t("entries.mineTitle"), entries: rows });
  });

  const entryPage = async (req: Request, entryId: string, typed: Record<string, unknown> | null = null) => {
    const user = req.user!;
    const entry = await entries.getEntry(ctx, user, entryId);
    const contest = await getContest(ctx, user, entry.contestId);
    const isOwner = entry.ownerId === user.id;
    const isOrganizer = user.role === "organizer";
    // getEntry answered, so a coordinator here is the entry's city's.
    const isCoordinator = user.role === "coordinator";
    const mayChange = isOwner && entry.status === "submitted" && entries.isAccepting(contest, ctx.clock.now());
    const recommending = isCoordinator && contest.rules.requiresRecommendation;
    const flags = may(contest);
    const url = (role: string) => `/entries/${entry.id}/files/${role}`;
    const files = entry.files.map((f) => ({ ...f, pageUrl: url(f.role), isVideo: VIDEO_TYPES.has(f.contentType) }));
    return {
      title: `${entry.code} ${entry.title}`,
      entry,
      contest,
      isOwner,
      isOrganizer,
      isCoordinator,
      // Judges see the work, never who made it (DESIGN §1).
      showPeople: user.role !== "judge",
      videos: files.filter((f) => f.isVideo),
      cover: files.find((f) => f.role === "cover" && !f.isVideo) ?? null,
      documents: files.filter((f) => !f.isVideo && f.role !== "cover"),
      checks: isOwner || isOrganizer ? ruleResults(req, contest, entry) : null,
      mayChange,
      values: mayChange ? formValues(contest, user, typed, entry) : null,
      fileInputs: mayChange ? fileInputs(contest) : [],
      themes: WEEK_THEMES,
      teamMax: contest.rules.teamMax,
      mayReview: isOrganizer && flags.reviewEntries,
      recommending,
      mayRecommend: recommending && entry.status === "submitted" && flags.recommendEntries,
      // The quota is the coordinator's city's (a recommendation counts for the city that made it).
      quota: recommending ? await entries.recommendationQuota(ctx, contest, user.city ?? "") : null,
      back: `/entries/${entry.id}`,
    };
  };

  router.get("/entries/:id", requireRole(), async (req, res) => {
    res.render("entries/show", await entryPage(req, routeParam(req)));
  });

  router.get(
    "/entries/:id/files/:role",
    requireRole(),
    sendFile((req) => entries.fileToSend(ctx, req.user!, routeParam(req), routeParam(req, "role"))),
  );

  // The owner's edit (fields and replaced files): the same steps as PATCH /api/v1/entries/:id.
  router.post("/entries/:id", requireRole("contestant", "organizer"), async (req, res) => {
    if (!isMultipart(req)) throw new AppError(415, "multipart_required", "errors.multipartRequired");
    // Refuse before reading a byte of a possibly large body.
    await entries.assertMayUpdate(ctx, req.user!, routeParam(req));
    const limits = await entries.uploadLimits(ctx, req.user!, "", routeParam(req));
    await answerForm(
      req,
      res,
      {
        view: "entries/show",
        page: async () => ({
          ...(await entryPage(req, routeParam(req), (req.body ?? {}) as Record<string, unknown>)),
          reselectFiles: true,
        }),
      },
      async () => {
        const upload = await receiveUpload(req, res, ctx.storage, limits);
        const entry = await entries.updateEntry(ctx, req.user!, routeParam(req), {
          fields: entryFieldsFromForm(upload.fields),
          files: upload.files,
        });
        flash(req, "success", req.t("entries.saved"));
        // An owner's edit cleared the recommendation just now: the owner must know it is needed again.
        if (entry.recommendationClearedAt && entry.recommendationClearedAt === entry.updatedAt)
          flash(req, "info", req.t("entries.recommendationCleared"));
        if (wantsJson(req)) res.json({ entry });
        else res.redirect(303, `/entries/${entry.id}`);
      },
    );
  });

  router.post("/entries/:id/withdraw", requireRole("contestant", "organizer"), async (req, res) => {
    await answerForm(req, res, { back: `/entries/${routeParam(req)}` }, async () => {
      const entry = await entries.withdrawEntry(ctx, req.user!, routeParam(req));
      return req.t("entries.withdrawn", { code: entry.code });
    });
  });

  router.use(entryReviewPages(ctx));

  return router;
}
