import type { Knex } from "knex";
import type { Clock } from "../lib/clock.js";
import { toCsv } from "../lib/csv.js";
import { translate, type Locale } from "../lib/i18n.js";
import { actionLabel, idsIn, readableAudit, type ReadableAudit } from "./audit-text.js";
import {
  auditActions,
  auditActors,
  insertAudit,
  listAudit,
  namesOfIds,
  type AuditFilter,
  type AuditRecord,
} from "./audit.queries.js";

export type { AuditFilter } from "./audit.queries.js";

export interface AuditEvent {
  actorId: string | null;
  action: string;
  targetType: "user" | "contest" | "entry" | "system";
  targetId: string | null;
  details?: unknown;
}

/** Records an organizer's change; called inside the same transaction as the change itself. */
export async function recordAudit(trx: Knex, clock: Clock, event: AuditEvent): Promise<void> {
  await insertAudit(trx, { ...event, details: event.details ?? {}, at: clock.now().toISOString() });
}

export type ReadableRecord = AuditRecord & ReadableAudit;

const PAGE_SIZE = 50;
/** The CSV holds the filtered list up to this many rows, newest first. */
const CSV_MAX_ROWS = 20_000;

async function readable(db: Knex, records: AuditRecord[], locale: Locale): Promise<ReadableRecord[]> {
  const names = await namesOfIds(db, [...new Set(records.flatMap((r) => idsIn(r.details)))]);
  return records.map((r) => ({ ...r, ...readableAudit(r, locale, names) }));
}

export async function auditLog(
  db: Knex,
  filter: AuditFilter & { page?: number },
  locale: Locale,
): Promise<{ records: ReadableRecord[]; page: number; pageSize: number; hasMore: boolean }> {
  const page = Math.max(1, filter.page ?? 1);
  // One row more than a page says whether there is a next page without counting the whole log.
  const rows = await listAudit(db, { ...filter, limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE });
  return {
    records: await readable(db, rows.slice(0, PAGE_SIZE), locale),
    page,
    pageSize: PAGE_SIZE,
    hasMore: rows.length > PAGE_SIZE,
  };
}

/** The filtered log as CSV, in the reader's language, details as 字段: 旧 → 新. */
export async function auditCsv(db: Knex, filter: AuditFilter, locale: Locale): Promise<string> {
  const t = (key: string) => translate(locale, key);
  const records = await readable(db, await listAudit(db, { ...filter, limit: CSV_MAX_ROWS, offset: 0 }), locale);
  const header = [
    t("audit.at"),
    t("audit.actor"),
    t("audit.action"),
    t("audit.contest"),
    t("audit.target"),
    t("audit.details"),
  ];
  return toCsv(
    header,
    records.map((r) => [
      r.atText,
      r.actorName ?? t("audit.system"),
      r.actionLabel,
      r.contestTitle ?? "",
      r.targetLabel,
      r.lines.map((l) => `${l.label}: ${l.from !== undefined ? `${l.from} → ` : ""}${l.value}`).join("\n"),
    ]),
  );
}

/** What the filters offer: everyone who acted and every action recorded, labelled. */
export async function auditFilterChoices(
  db: Knex,
  locale: Locale,
): Promise<{ actors: { id: string; name: string }[]; actions: { action: string; label: string }[] }> {
  const [actors, actions] = await Promise.all([auditActors(db), auditActions(db)]);
  return {
    actors,
    actions: actions
      .map((action) => ({ action, label: actionLabel(action, locale) }))
      .sort((a, b) => a.label.localeCompare(b.label, locale)),
  };
}
