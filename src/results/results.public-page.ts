import type { Request } from "express";
import type { AppContext } from "../context.js";
import type { Contest } from "../contests/contests.service.js";
import { may } from "../contests/lifecycle.js";
import { listEntries } from "../entries/entries.service.js";
import { StageError } from "../lib/errors.js";
import { formatShanghai } from "../lib/time.js";
import { PRIZE_LEVELS } from "./chart.js";
import * as objections from "./objections.service.js";
import type { ObjectionJson } from "./objections.service.js";
import { awardGroups } from "./results.awards-page.js";
import { isPublic, prizeLabel, publicPageTitleKey, rowView, rulesText } from "./results.page-text.js";
import * as publication from "./published.service.js";
import type { PublishedResults } from "./results.service.js";

/** Results for the public page: in notice and final the published snapshot (for everyone alike); before, the organizer's preview. */
async function publicResults(ctx: AppContext, req: Request, contest: Contest): Promise<PublishedResults> {
  if (isPublic(contest)) return publication.publishedResultsOf(ctx, null, contest, req.locale);
  if (req.user?.role !== "organizer") throw new StageError("errors.resultsNotPublic", { stage: contest.stage });
  const preview = await publication.publishedResultsOf(ctx, req.user, contest, req.locale);
  // The preview has no names (they are published with the snapshot): the organizer sees them from the entries.
  const entries = new Map((await listEntries(ctx, req.user, contest.id)).map((e) => [e.id, e]));
  return {
    ...preview,
    results: preview.results.map((r) =>
      r.prize || r.awards.length > 0
        ? {
            ...r,
            authors: (entries.get(r.entryId)?.authors ?? []).map((a) => a.name),
            unit: entries.get(r.entryId)?.unit ?? "",
          }
        : r,
    ),
  };
}

function latestSnapshotCommand(snapshots: PublishedResults["snapshots"]): string {
  const latest = snapshots.at(-1);
  return latest
    ? `npm run verify -- snapshot-${latest.number}.json --sha256 ${latest.sha256}`
    : "npm run verify -- snapshot-1.json";
}

export function objectionView(req: Request, o: ObjectionJson) {
  return {
    ...o,
    statusLabel: req.t(`objectionStatus.${o.status}`),
    evidenceUrl: o.evidence ? `/objections/${o.id}/evidence` : null,
  };
}

/** Everything the public results page shows; `typed` refills the objection form after a refusal. */
export async function publicView(
  ctx: AppContext,
  req: Request,
  contest: Contest,
  typed: { entryId?: string; text?: string } = {},
) {
  const published = await publicResults(ctx, req, contest);
  const rows = published.results.map((r) => rowView(req, contest, r));
  const now = ctx.clock.now().getTime();
  const flags = may(contest);
  const windowOpen = flags.handleObjections && contest.noticeEndsAt !== null && now < Date.parse(contest.noticeEndsAt);
  const user = req.user;
  const mine =
    user && user.role !== "organizer" && isPublic(contest)
      ? await objections.listObjections(ctx, user, contest.id)
      : [];
  const organizer = user?.role === "organizer";
  const heading = req.t(publicPageTitleKey(contest));
  const endsAt = contest.noticeEndsAt ? formatShanghai(contest.noticeEndsAt, req.locale) : "";
  return {
    title: `${contest.title} · ${heading}`,
    heading,
    // Plain words first (what this list is; the window and how to object follow on the page), the hashes last.
    intro: flags.showFinalResults
      ? [req.t("results.introFinal")]
      : isPublic(contest)
        ? [req.t("results.introNotice"), ...(windowOpen ? [] : [req.t("results.introNoticeEnded")])]
        : [],
    contest,
    preview: !isPublic(contest),
    organizer,
    notice: {
      open: windowOpen,
      ended: flags.handleObjections && !windowOpen,
      final: flags.showFinalResults,
      endsAt,
    },
    winners: PRIZE_LEVELS.map((level) => ({
      level,
      label: prizeLabel(req, contest, level),
      rows: rows.filter((r) => r.prize === level),
    })).filter((g) => g.rows.length > 0),
    awardWinners: awardGroups(published.rules.prizes, rows),
    hasAwards: (published.rules.prizes.extras ?? []).length > 0,
    rows,
    rules: rulesText(req, published.rules),
    snapshots: published.snapshots.map((s) => ({
      ...s,
      kindLabel: req.t(`snapshotKind.${s.kind}`),
      createdAtText: formatShanghai(s.createdAt, req.locale),
      url: `/api/v1/contests/${contest.id}/results/snapshots/${s.number}`,
    })),
    // The verifier's command for the latest snapshot, as saved by its download link (scripts/verify.ts).
    verifyCommand: latestSnapshotCommand(published.snapshots),
    objectionForm:
      windowOpen && user && !organizer
        ? {
            name: user.name,
            entries: rows.map((r) => ({
              id: r.entryId,
              label: `${r.code} ${r.title}`,
              selected: r.entryId === typed.entryId,
            })),
            text: typed.text ?? "",
          }
        : null,
    askToLogIn: windowOpen && !user,
    loginHref: `/login?next=${encodeURIComponent(`/contests/${contest.id}/results`)}`,
    objectionsClosed: isPublic(contest) && !windowOpen,
    myObjections: mine.map((o) => objectionView(req, o)),
    exportsPublic: isPublic(contest),
  };
}
