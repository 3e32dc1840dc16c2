import { createHash, randomBytes } from "node:crypto";
import type { Knex } from "knex";
import { recordAudit } from "../audit/audit.service.js";
import type { AppContext } from "../context.js";
import { newId } from "../lib/ids.js";
import { findOrCreateUnit, getUnit, type Unit } from "../units/units.service.js";
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from "../lib/errors.js";
import * as q from "./accounts.queries.js";
import type { UserRow } from "./accounts.queries.js";
export type { UserRow } from "./accounts.queries.js";
import type { CreateUserBody, RegisterBody, Role, UpdateUserBody } from "./accounts.schemas.js";
import { normalizeCity } from "./cities.js";
import { consumeRegistration } from "./registration-limit.js";
import { cleanList, type OwnProfileBody } from "./roster.js";
import { passwordCheckNotFailed, passwordCheckPassed, reservePasswordCheck } from "./login-limit.js";
import { assertStrongPassword, hashPassword, verifyAgainstDummy, verifyPassword } from "./passwords.js";

export interface PublicUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  city: string | null;
  unit: string | null;
  /** A reporter's unit in the registry; null for every other role. */
  unitId: string | null;
  expertise: string[];
  avoidUnits: string[];
  disabled: boolean;
  /** Present (true) while the user must replace a password an organizer chose. */
  mustChangePassword?: boolean;
  createdAt: string;
}

/**
 * Who is signed in; `mustChangePassword` (set when read from a session or token) sends pages to /me/password.
 * `unitId` is set when read from a session or token: a reporter's unit.
 */
export type SessionUser = Pick<UserRow, "id" | "email" | "name" | "role" | "city" | "unit" | "expertise"> &
  Partial<Pick<UserRow, "mustChangePassword" | "unitId">>;

export function publicUser(user: UserRow): PublicUser {
  const { passwordHash: _hash, updatedAt: _updated, mustChangePassword, ...rest } = user;
  // Only when set: clients that do not know the flag see the user as before.
  return mustChangePassword ? { ...rest, mustChangePassword } : rest;
}

const TOKEN_DAYS = 30;

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function canonicalEmail(email: string): string {
  return email.trim().toLowerCase();
}

function cityOrThrow(city: string | null | undefined, required: boolean): string | null {
  if (city === undefined || city === null || city.trim() === "") {
    if (required) throw new ValidationError("errors.cityRequired", {}, { field: "city" }, "validation_failed");
    return null;
  }
  const canonical = normalizeCity(city);
  if (!canonical) throw new ValidationError("errors.unknownCity", { city }, { field: "city" }, "validation_failed");
  return canonical;
}

/**
 * A reporter reports for one unit of the registry: `unitId`, or `unit` (name) and `city`, found or created.
 * Any other role has no registry unit.
 */
async function reporterUnit(
  trx: Knex,
  ctx: AppContext,
  role: Role,
  body: { unitId?: string; unit?: string | null; city?: string | null },
): Promise<Unit | null> {
  if (role !== "reporter") {
    if (body.unitId !== undefined)
      throw new ValidationError("errors.unitIdReportersOnly", {}, { field: "unitId" }, "validation_failed");
    return null;
  }
  if (body.unitId !== undefined) return getUnit(ctx, body.unitId, trx);
  if (!body.unit?.trim())
    throw new ValidationError("errors.reporterUnitRequired", {}, { field: "unit" }, "validation_failed");
  if (!body.city?.trim()) throw new ValidationError("errors.cityRequired", {}, { field: "city" }, "validation_failed");
  return findOrCreateUnit(trx, ctx, { name: body.unit, city: body.city });
}

async function insertNewUser(
  trx: Knex,
  ctx: AppContext,
  fields: Omit<UserRow, "id" | "passwordHash" | "createdAt" | "updatedAt" | "disabled" | "avoidUnits" | "unitId"> & {
    password: string;
    avoidUnits?: string[];
    unitId?: string | null;
  },
): Promise<UserRow> {
  assertStrongPassword(fields.password, fields.email);
  if (await q.findUserByEmail(trx, fields.email)) {
    throw new ConflictError("email_taken", "errors.emailTaken", { email: fields.email });
  }
  const now = ctx.clock.now().toISOString();
  const { password, ...rest } = fields;
  const user: UserRow = {
    ...rest,
    avoidUnits: rest.avoidUnits ?? [],
    unitId: rest.unitId ?? null,
    id: newId(),
    passwordHash: await hashPassword(password),
    disabled: false,
    createdAt: now,
    updatedAt: now,
  };
  await q.insertUser(trx, user);
  return user;
}

/** A contestant registers himself (DESIGN §4), within his address's registrations per hour. */
export async function registerContestant(ctx: AppContext, body: RegisterBody, ip: string): Promise<PublicUser> {
  const email = canonicalEmail(body.email);
  const city = cityOrThrow(body.city, true);
  await consumeRegistration(ctx, ip);
  const user = await ctx.db.transaction((trx) =>
    insertNewUser(trx, ctx, {
      email,
      password: body.password,
      name: body.name.trim(),
      role: "contestant",
      city,
      unit: body.unit.trim() || null,
      expertise: [],
      mustChangePassword: false,
    }),
  );
  return publicUser(user);
}

/** An organizer creates a user of any role; coordinators are bound to a city, reporters to a unit (and its city). */
export async function createUser(ctx: AppContext, actor: SessionUser, body: CreateUserBody): Promise<PublicUser> {
  const email = canonicalEmail(body.email);
  const cityGiven = cityOrThrow(body.city, body.role === "coordinator" || body.role === "contestant");
  return ctx.db.transaction(async (trx) => {
    const unit = await reporterUnit(trx, ctx, body.role, body);
    const city = unit ? unit.city : cityGiven;
    const user = await insertNewUser(trx, ctx, {
      email,
      password: body.password,
      name: body.name.trim(),
      role: body.role,
      city,
      unit: unit ? unit.name : body.unit?.trim() || null,
      unitId: unit?.id ?? null,
      expertise: (body.expertise ?? []).map((e) => e.trim()),
      avoidUnits: (body.avoidUnits ?? []).map((u) => u.trim()),
      // The organizer chose or generated this password and has seen it: the user replaces it at first login.
      mustChangePassword: true,
    });
    await recordAudit(trx, ctx.clock, {
      actorId: actor.id,
      action: "user.create",
      targetType: "user",
      targetId: user.id,
      details: { email, role: body.role, city, ...(unit ? { unitId: unit.id } : {}) },
    });
    return publicUser(user);
  });
}

export async function updateUser(
  ctx: AppContext,
  actor: SessionUser,
  userId: string,
  body: UpdateUserBody,
): Promise<PublicUser> {
  return ctx.db.transaction(async (trx) => {
    const user = await q.findUserById(trx, userId);
    if (!user) throw new NotFoundError("errors.userNotFound");
    if (body.disabled === true && user.id === actor.id) {
      throw new ConflictError("cannot_disable_self", "errors.cannotDisableSelf");
    }
    const changes: UpdateUserBody = { ...body };
    if (body.name !== undefined) changes.name = body.name.trim();
    if (body.expertise !== undefined) changes.expertise = cleanList(body.expertise);
    if (body.avoidUnits !== undefined) changes.avoidUnits = cleanList(body.avoidUnits);
    if (body.city !== undefined)
      changes.city = cityOrThrow(body.city, user.role === "coordinator" || user.role === "contestant");
    // A reporter's unit, its name and its city change together: a new city alone means his unit's name there.
    const unit =
      body.unitId !== undefined || (user.role === "reporter" && (body.unit !== undefined || body.city !== undefined))
        ? await reporterUnit(trx, ctx, user.role, {
            unitId: body.unitId,
            unit: body.unit === undefined ? user.unit : body.unit,
            city: body.city ?? user.city,
          })
        : null;
    await q.updateUser(
      trx,
      userId,
      unit ? { ...changes, unitId: unit.id, unit: unit.name, city: unit.city } : changes,
      ctx.clock.now().toISOString(),
    );
    if (body.disabled === true) await q.deleteApiTokensOfUser(trx, userId);
    const action = body.disabled === true ? "user.disable" : body.disabled === false ? "user.enable" : "user.update";
    await recordAudit(trx, ctx.clock, {
      actorId: actor.id,
      action,
      targetType: "user",
      targetId: userId,
      details: { email: user.email, changes: body },
    });
    return publicUser((await q.findUserById(trx, userId))!);
  });
}

/** A judge changes his own units to avoid (回避单位); no other role has anything to change here yet. */
export async function updateOwnProfile(ctx: AppContext, actor: SessionUser, body: OwnProfileBody): Promise<PublicUser> {
  if (actor.role !== "judge") throw new ForbiddenError("errors.avoidUnitsJudgesOnly", "forbidden");
  return ctx.db.transaction(async (trx) => {
    const avoidUnits = cleanList(body.avoidUnits);
    await q.updateUser(trx, actor.id, { avoidUnits }, ctx.clock.now().toISOString());
    await recordAudit(trx, ctx.clock, {
      actorId: actor.id,
      action: "user.update",
      targetType: "user",
      targetId: actor.id,
      details: { email: actor.email, changes: { avoidUnits } },
    });
    return publicUser((await q.findUserById(trx, actor.id))!);
  });
}

export async function listUsers(ctx: AppContext, role?: Role): Promise<PublicUser[]> {
  return (await q.listUsers(ctx.db, { role })).map(publicUser);
}

/** The users of these ids (unknown ids are left out), for another domain's lists of judges. */
export async function findUsersByIds(ctx: AppContext, ids: string[]): Promise<UserRow[]> {
  return q.findUsersByIds(ctx.db, ids);
}

export async function getUser(ctx: AppContext, id: string): Promise<PublicUser> {
  const user = await q.findUserById(ctx.db, id);
  if (!user) throw new NotFoundError("errors.userNotFound");
  return publicUser(user);
}

/**
 * Checks e-mail and password. The attempt is reserved in the login limit (login-limit.ts) before argon2
 * runs, so an account or an address over its limit is refused with 429 without a password check.
 */
export async function authenticate(ctx: AppContext, rawEmail: string, password: string, ip: string): Promise<UserRow> {
  const email = canonicalEmail(rawEmail);
  const check = await reservePasswordCheck(ctx, email, ip);
  const user = await q.findUserByEmail(ctx.db, email);
  const valid = user ? await verifyPassword(user.passwordHash, password) : (await verifyAgainstDummy(password), false);
  if (!user || !valid) throw new UnauthorizedError("errors.invalidCredentials", "invalid_credentials");
  if (user.disabled) {
    await passwordCheckNotFailed(ctx, check);
    throw new ForbiddenError("errors.accountDisabled", "account_disabled");
  }
  await passwordCheckPassed(ctx, check);
  return user;
}

/** A new bearer token; only its hash is stored. */
export async function issueToken(ctx: AppContext, user: UserRow): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const now = ctx.clock.now();
  await q.insertApiToken(ctx.db, {
    id: newId(),
    userId: user.id,
    tokenHash: hashToken(token),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + TOKEN_DAYS * 86_400_000).toISOString(),
  });
  return token;
}

export async function revokeToken(ctx: AppContext, token: string): Promise<void> {
  await q.deleteApiToken(ctx.db, hashToken(token));
}

/** The active user behind a bearer token, or null (unknown, expired or disabled). */
export async function userForToken(ctx: AppContext, token: string): Promise<SessionUser | null> {
  const user = await q.findUserByTokenHash(ctx.db, hashToken(token), ctx.clock.now().toISOString());
  return user && !user.disabled ? sessionUser(user) : null;
}

/** The active user of a session, re-read each request so a disabled user is shut out at once. */
/**
 * A fingerprint of the user's password hash, kept in his page sessions at login: once the password
 * changes, a session made before no longer matches, even one whose row outlived the change.
 */
function credentialStamp(user: UserRow): string {
  return createHash("sha256").update(user.passwordHash).digest("hex").slice(0, 32);
}

export async function sessionStamp(ctx: AppContext, userId: string): Promise<string> {
  const user = await q.findUserById(ctx.db, userId);
  if (!user) throw new NotFoundError("errors.userNotFound");
  return credentialStamp(user);
}

export async function userForSession(
  ctx: AppContext,
  userId: string,
  stamp: string | undefined,
): Promise<SessionUser | null> {
  const user = await q.findUserById(ctx.db, userId);
  return user && !user.disabled && stamp === credentialStamp(user) ? sessionUser(user) : null;
}

function sessionUser(user: UserRow): SessionUser {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    city: user.city,
    unit: user.unit,
    unitId: user.unitId,
    expertise: user.expertise,
    mustChangePassword: user.mustChangePassword,
  };
}
