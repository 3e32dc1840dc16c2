import type { Knex } from "knex";
import { parseJson } from "../db/dialect.js";

export interface AuditRecord {
  id: number;
  at: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown>;
}

export async function insertAudit(
  db: Knex,
  record: {
    at: string;
    actorId: string | null;
    action: string;
    targetType: string;
    targetId: string | null;
    details: unknown;
  },
): Promise<void> {
  await db("audit_log").insert({
    at: record.at,
    actor_id: record.actorId,
    action: record.action,
    target_type: record.targetType,
    target_id: record.targetId,
    details: JSON.stringify(record.details ?? {}),
  });
}

export async function listAudit(
  db: Knex,
  filter: { targetType?: string; targetId?: string; limit: number; offset: number },
): Promise<AuditRecord[]> {
  const query = db("audit_log")
    .leftJoin("users", "users.id", "audit_log.actor_id")
    .select("audit_log.*", "users.name as actor_name")
    .orderBy("audit_log.id", "desc")
    .limit(filter.limit)
    .offset(filter.offset);
  if (filter.targetType) query.where("audit_log.target_type", filter.targetType);
  if (filter.targetId) query.where("audit_log.target_id", filter.targetId);
  return (await query).map((row: Record<string, unknown>) => ({
    id: Number(row.id),
    at: String(row.at),
    actorId: (row.actor_id as string | null) ?? null,
    actorName: (row.actor_name as string | null) ?? null,
    action: String(row.action),
    targetType: String(row.target_type),
    targetId: (row.target_id as string | null) ?? null,
    details: parseJson<Record<string, unknown>>(row.details, {}),
  }));
}
