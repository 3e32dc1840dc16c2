import type { Knex } from "knex";
import type { Clock } from "../lib/clock.js";
import { insertAudit, listAudit, type AuditRecord } from "./audit.queries.js";

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

export async function auditLog(
  db: Knex,
  filter: { targetType?: string; targetId?: string; page?: number },
): Promise<{ records: AuditRecord[]; page: number; pageSize: number }> {
  const pageSize = 50;
  const page = Math.max(1, filter.page ?? 1);
  const records = await listAudit(db, {
    targetType: filter.targetType,
    targetId: filter.targetId,
    limit: pageSize,
    offset: (page - 1) * pageSize,
  });
  return { records, page, pageSize };
}
