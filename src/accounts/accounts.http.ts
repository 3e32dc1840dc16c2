// Request helpers shared by the accounts API (accounts.routes.ts) and pages (accounts.pages.ts).
import type { Request, Response } from "express";
import type { AppContext } from "../context.js";
import { localizedParams } from "../http/errors.js";
import { isMultipart, receiveUpload } from "../http/upload.js";
import { AppError } from "../lib/errors.js";
import { ROLES, type Role } from "./accounts.schemas.js";
import * as roster from "./roster.service.js";

export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? "unknown";
}

export function roleFilter(value: unknown): Role | undefined {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value) ? (value as Role) : undefined;
}

/** Receives the roster file (multipart field `file`) and imports it; the session or token was checked before a byte was read. */
export async function receiveRoster(ctx: AppContext, req: Request, res: Response): Promise<roster.RosterReport> {
  if (!isMultipart(req)) throw new AppError(415, "multipart_required", "errors.rosterMultipartRequired");
  const upload = await receiveUpload(req, res, ctx.storage, { [roster.ROSTER_FIELD]: roster.ROSTER_MAX_BYTES });
  return roster.importRoster(ctx, req.user!, upload.files);
}

/** The report in the reader's language; initial passwords appear here once and nowhere else. */
export function rosterReportView(req: Request, report: roster.RosterReport) {
  return {
    imported: report.imported,
    refused: report.refused,
    rows: report.rows.map((r) => {
      if (r.status === "imported")
        return { row: r.row, email: r.email, status: r.status, userId: r.userId, initialPassword: r.initialPassword };
      const params = { ...r.reasonParams };
      if (typeof params.field === "string") params.field = req.t(`roster.column.${params.field}`);
      return {
        row: r.row,
        email: r.email,
        status: r.status,
        reasonCode: r.reasonCode,
        reason: req.t(`roster.reason.${r.reasonCode}`, localizedParams(req, params)),
      };
    }),
  };
}

/** Pages and answers holding a password in clear are kept out of every cache. */
export function noStore(res: Response): void {
  res.set("Cache-Control", "no-store");
}
