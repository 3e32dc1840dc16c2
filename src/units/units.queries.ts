import type { Knex } from "knex";
import { toNumber } from "../db/dialect.js";

export interface UnitRow {
  id: string;
  name: string;
  nameKey: string;
  city: string;
  kind: string;
  createdAt: string;
  updatedAt: string;
}

export interface ReporterRow {
  id: string;
  unitId: string;
  name: string;
  email: string;
  disabled: boolean;
}

function fromRow(row: Record<string, unknown>): UnitRow {
  return {
    id: String(row.id),
    name: String(row.name),
    nameKey: String(row.name_key),
    city: String(row.city),
    kind: String(row.kind),
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

export async function findUnitByKey(db: Knex, nameKey: string): Promise<UnitRow | null> {
  const row = await db<Record<string, unknown>>("units").where({ name_key: nameKey }).first();
  return row ? fromRow(row) : null;
}

export async function findUnitById(db: Knex, id: string): Promise<UnitRow | null> {
  const row = await db<Record<string, unknown>>("units").where({ id }).first();
  return row ? fromRow(row) : null;
}

/** The units of these name keys (one query: callers pass a chunk of at most a few hundred). */
export async function findUnitsByKeys(db: Knex, nameKeys: string[]): Promise<UnitRow[]> {
  if (nameKeys.length === 0) return [];
  return (await db<Record<string, unknown>>("units").whereIn("name_key", nameKeys).select("*")).map(fromRow);
}

/** Inserts the units (a chunk) whose name key is not taken; the others, made meanwhile by another request, are left as they are. */
export async function insertUnits(db: Knex, units: UnitRow[]): Promise<void> {
  if (units.length === 0) return;
  await db("units")
    .insert(
      units.map((unit) => ({
        id: unit.id,
        name: unit.name,
        name_key: unit.nameKey,
        city: unit.city,
        kind: unit.kind,
        created_at: unit.createdAt,
        updated_at: unit.updatedAt,
      })),
    )
    .onConflict("name_key")
    .ignore();
}

/** Units in registry order (city, kind, name), with how many reporter accounts each has. */
export async function listUnits(db: Knex, filter: { city?: string }): Promise<(UnitRow & { reporters: number })[]> {
  // Counted per unit through users(unit_id), so the list reads units in the order of their index.
  const reporters = db("users as r").where("r.unit_id", db.ref("u.id")).andWhere("r.role", "reporter").count("*");
  const query = db("units as u")
    .select("u.*", reporters.as("reporters"))
    .orderBy([{ column: "u.city" }, { column: "u.kind" }, { column: "u.name" }]);
  if (filter.city) query.where("u.city", filter.city);
  return (await query).map((row: Record<string, unknown>) => ({
    ...fromRow(row),
    reporters: toNumber(row.reporters),
  }));
}

/** The reporter accounts of these units (their e-mail addresses are what a reminder needs). */
export async function listReporters(db: Knex, unitIds: string[]): Promise<ReporterRow[]> {
  if (unitIds.length === 0) return [];
  const rows: Record<string, unknown>[] = await db("users")
    .where({ role: "reporter" })
    .whereIn("unit_id", unitIds)
    .orderBy([{ column: "unit_id" }, { column: "created_at" }, { column: "id" }])
    .select("id", "unit_id", "name", "email", "disabled");
  return rows.map((row) => ({
    id: String(row.id),
    unitId: String(row.unit_id),
    name: String(row.name),
    email: String(row.email),
    disabled: Boolean(row.disabled),
  }));
}
