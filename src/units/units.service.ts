import type { Knex } from "knex";
import { normalizeCity } from "../accounts/cities.js";
import { recordAudit } from "../audit/audit.service.js";
import type { AppContext } from "../context.js";
import { ForbiddenError, NotFoundError, ValidationError } from "../lib/errors.js";
import { identityKey } from "../lib/identity.js";
import { newId } from "../lib/ids.js";
import * as q from "./units.queries.js";
import type { CreateUnitBody, UnitKind } from "./units.schemas.js";
export type { ReporterRow } from "./units.queries.js";

export interface Unit {
  id: string;
  name: string;
  city: string;
  kind: string;
}

export type UnitWithReporters = Unit & { reporters: number };

/** Who asks for the registry: the organizer sees every city, a coordinator his own. */
export interface UnitsViewer {
  role: string;
  city: string | null;
}

const present = (row: q.UnitRow): Unit => ({ id: row.id, name: row.name, city: row.city, kind: row.kind });

export function unitCityOrThrow(city: string): string {
  const canonical = normalizeCity(city);
  if (!canonical) throw new ValidationError("errors.unknownCity", { city }, { field: "city" }, "validation_failed");
  return canonical;
}

/** A new unit's row from what was typed: the name trimmed, its identity key, the city checked. */
function newUnitRow(input: { name: string; city: string; kind?: UnitKind }, now: string): q.UnitRow {
  const name = input.name.trim();
  return {
    id: newId(),
    name,
    nameKey: identityKey(name),
    city: unitCityOrThrow(input.city),
    kind: input.kind ?? "其他",
    createdAt: now,
    updatedAt: now,
  };
}

async function resolveUnit(
  trx: Knex,
  ctx: AppContext,
  input: { name: string; city: string; kind?: UnitKind },
): Promise<{ unit: Unit; created: boolean }> {
  const row = newUnitRow(input, ctx.clock.now().toISOString());
  if (row.nameKey === "") throw new ValidationError("errors.unitNameEmpty", {}, { field: "name" }, "validation_failed");
  // Insert-or-nothing, then read: two requests making the same new unit at once both get the one row.
  await q.insertUnits(trx, [row]);
  const found = (await q.findUnitByKey(trx, row.nameKey))!;
  if (found.id === row.id) return { unit: present(row), created: true };
  // One unit is one unit: the same name under another city is a mistake in the input, not a second unit.
  if (found.city !== row.city)
    throw new ValidationError(
      "errors.unitOtherCity",
      { unit: found.name, city: found.city },
      { field: "city", unitId: found.id, city: found.city },
      "unit_other_city",
    );
  return { unit: present(found), created: false };
}

/**
 * THE way units are made (the registry, a reporter's account, the activity import): the unit whose
 * identityKey(name) matches, or a new one. The same name under another city → 400 `unit_other_city`.
 */
export async function findOrCreateUnit(
  trx: Knex,
  ctx: AppContext,
  input: { name: string; city: string; kind?: UnitKind },
): Promise<Unit> {
  return (await resolveUnit(trx, ctx, input)).unit;
}

/**
 * findOrCreateUnit for a chunk of names at once (the activity import: one lookup query per chunk):
 * the unit of each name key, found or made with its first input's city and kind. The caller compares
 * the cities: a unit found under another city is its row's error, as in findOrCreateUnit.
 */
export async function findOrCreateUnits(
  trx: Knex,
  ctx: AppContext,
  inputs: { name: string; city: string; kind?: UnitKind }[],
): Promise<Map<string, Unit>> {
  const now = ctx.clock.now().toISOString();
  const wanted = new Map<string, q.UnitRow>();
  for (const input of inputs) {
    const nameKey = identityKey(input.name.trim());
    if (nameKey === "" || wanted.has(nameKey)) continue;
    wanted.set(nameKey, newUnitRow(input, now));
  }
  const keys = [...wanted.keys()];
  const found = new Map((await q.findUnitsByKeys(trx, keys)).map((row) => [row.nameKey, present(row)]));
  const fresh = [...wanted.values()].filter((row) => !found.has(row.nameKey));
  if (fresh.length === 0) return found;
  // Insert-or-nothing, then read, as findOrCreateUnit: a unit made meanwhile by another request is the one.
  await q.insertUnits(trx, fresh);
  for (const row of await q.findUnitsByKeys(
    trx,
    fresh.map((r) => r.nameKey),
  ))
    found.set(row.nameKey, present(row));
  return found;
}

/** The organizer's registry form and API: answers whether the unit is new (201) or was already there (200). */
export async function createUnit(
  ctx: AppContext,
  actor: { id: string },
  body: CreateUnitBody,
): Promise<{ unit: Unit; created: boolean }> {
  return ctx.db.transaction(async (trx) => {
    const result = await resolveUnit(trx, ctx, body);
    if (result.created)
      await recordAudit(trx, ctx.clock, {
        actorId: actor.id,
        action: "unit.create",
        targetType: "system",
        targetId: result.unit.id,
        details: { name: result.unit.name, city: result.unit.city, kind: result.unit.kind },
      });
    return result;
  });
}

/** A unit by id (within a transaction when one is given); 404 when there is none. */
export async function getUnit(ctx: AppContext, id: string, trx?: Knex): Promise<Unit> {
  const row = await q.findUnitById(trx ?? ctx.db, id);
  if (!row) throw new NotFoundError("errors.unitNotFound");
  return present(row);
}

/** The units of a city (or all), in registry order, with their reporter counts; no role check (callers check). */
export async function unitsOf(ctx: AppContext, filter: { city?: string } = {}): Promise<UnitWithReporters[]> {
  return (await q.listUnits(ctx.db, filter)).map((row) => ({ ...present(row), reporters: row.reporters }));
}

/** The city a viewer may list: the organizer any (or all: undefined), a coordinator only his own (another → 403). */
export function registryCity(viewer: UnitsViewer, asked: string | undefined): string | undefined {
  const city = asked?.trim() ? unitCityOrThrow(asked) : undefined;
  if (viewer.role === "organizer") return city;
  if (viewer.role === "coordinator" && viewer.city && (city === undefined || city === viewer.city)) return viewer.city;
  throw new ForbiddenError("errors.otherCity", "forbidden", { city: city ?? "" });
}

/** The reporter accounts of these units, in creation order per unit. */
export async function reportersOf(ctx: AppContext, unitIds: string[]): Promise<q.ReporterRow[]> {
  return q.listReporters(ctx.db, unitIds);
}
