import type { Knex } from "knex";
import { parseJson, toBool, toNumber } from "../db/dialect.js";
import type { Role } from "./accounts.schemas.js";

export interface UserRow {
  id: string;
  email: string;
  passwordHash: string;
  name: string;
  role: Role;
  city: string | null;
  unit: string | null;
  /** A reporter's unit in the registry (units.id); null for every other role. */
  unitId: string | null;
  expertise: string[];
  avoidUnits: string[];
  disabled: boolean;
  /** Given his password by an organizer: pages send him to choose his own first. */
  mustChangePassword: boolean;
  createdAt: string;
  updatedAt: string;
}

function fromRow(row: Record<string, unknown>): UserRow {
  return {
    id: String(row.id),
    email: String(row.email),
    passwordHash: String(row.password_hash),
    name: String(row.name),
    role: row.role as Role,
    city: (row.city as string | null) ?? null,
    unit: (row.unit as string | null) ?? null,
    unitId: (row.unit_id as string | null) ?? null,
    expertise: parseJson<string[]>(row.expertise, []),
    avoidUnits: parseJson<string[]>(row.avoid_units, []),
    disabled: toBool(row.disabled),
    mustChangePassword: toBool(row.must_change_password),
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

/** `unitId` only for a reporter; every other account is made without one. */
export async function insertUser(
  db: Knex,
  user: Omit<UserRow, "unitId"> & Partial<Pick<UserRow, "unitId">>,
): Promise<void> {
  await db("users").insert({
    id: user.id,
    email: user.email,
    password_hash: user.passwordHash,
    name: user.name,
    role: user.role,
    city: user.city,
    unit: user.unit,
    unit_id: user.unitId ?? null,
    expertise: JSON.stringify(user.expertise),
    avoid_units: JSON.stringify(user.avoidUnits),
    disabled: user.disabled,
    must_change_password: user.mustChangePassword,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  });
}

export async function findUserByEmail(db: Knex, email: string): Promise<UserRow | null> {
  const row = await db<Record<string, unknown>>("users").where({ email }).first();
  return row ? fromRow(row) : null;
}

export async function findUserById(db: Knex, id: string): Promise<UserRow | null> {
  const row = await db<Record<string, unknown>>("users").where({ id }).first();
  return row ? fromRow(row) : null;
}

export async function listUsers(db: Knex, filter: { role?: Role }): Promise<UserRow[]> {
  const query = db("users").orderBy([{ column: "role" }, { column: "created_at" }]);
  if (filter.role) query.where({ role: filter.role });
  return (await query).map(fromRow);
}

export async function findUsersByIds(db: Knex, ids: string[]): Promise<UserRow[]> {
  const out: UserRow[] = [];
  for (let i = 0; i < ids.length; i += 500)
    out.push(...(await db("users").whereIn("id", ids.slice(i, i + 500))).map(fromRow));
  return out;
}

export async function countUsers(db: Knex): Promise<number> {
  const [row] = await db("users").count({ n: "*" });
  return toNumber(row?.n);
}

export async function updateUser(
  db: Knex,
  id: string,
  changes: Partial<Pick<UserRow, "name" | "city" | "unit" | "unitId" | "expertise" | "avoidUnits" | "disabled">>,
  updatedAt: string,
): Promise<void> {
  const row: Record<string, unknown> = { updated_at: updatedAt };
  if (changes.name !== undefined) row.name = changes.name;
  if (changes.city !== undefined) row.city = changes.city;
  if (changes.unit !== undefined) row.unit = changes.unit;
  if (changes.unitId !== undefined) row.unit_id = changes.unitId;
  if (changes.expertise !== undefined) row.expertise = JSON.stringify(changes.expertise);
  if (changes.avoidUnits !== undefined) row.avoid_units = JSON.stringify(changes.avoidUnits);
  if (changes.disabled !== undefined) row.disabled = changes.disabled;
  await db("users").where({ id }).update(row);
}

/** A new password hash; `mustChange` when an organizer chose it (the user must replace it at his next login). */
export async function updatePasswordHash(
  db: Knex,
  id: string,
  passwordHash: string,
  mustChange: boolean,
  updatedAt: string,
): Promise<void> {
  await db("users")
    .where({ id })
    .update({ password_hash: passwordHash, must_change_password: mustChange, updated_at: updatedAt });
}

export async function insertApiToken(
  db: Knex,
  token: { id: string; userId: string; tokenHash: string; createdAt: string; expiresAt: string },
): Promise<void> {
  await db("api_tokens").insert({
    id: token.id,
    user_id: token.userId,
    token_hash: token.tokenHash,
    created_at: token.createdAt,
    expires_at: token.expiresAt,
  });
}

/** The user owning an unexpired token, whatever his disabled flag (the caller decides). */
export async function findUserByTokenHash(db: Knex, tokenHash: string, nowIso: string): Promise<UserRow | null> {
  const row = await db("users")
    .join("api_tokens", "api_tokens.user_id", "users.id")
    .where("api_tokens.token_hash", tokenHash)
    .andWhere("api_tokens.expires_at", ">", nowIso)
    .first<Record<string, unknown> | undefined>("users.*");
  return row ? fromRow(row) : null;
}

export async function deleteApiToken(db: Knex, tokenHash: string): Promise<void> {
  await db("api_tokens").where({ token_hash: tokenHash }).del();
}

export async function deleteApiTokensOfUser(db: Knex, userId: string): Promise<void> {
  await db("api_tokens").where({ user_id: userId }).del();
}

/**
 * Ends every page session of a user. The session store keeps each session as the JSON text
 * express-session writes (`…"userId":"<id>"…`, no spaces); CAST reads it alike on SQLite and PostgreSQL.
 */
export async function deleteSessionsOfUser(db: Knex, userId: string): Promise<void> {
  await db("sessions")
    .whereRaw("CAST(sess AS TEXT) LIKE ?", [`%"userId":${JSON.stringify(userId)}%`])
    .del();
}

/** A login counter after one more attempt: how many in its window, and when the window ends. */
export interface LoginCount {
  attempts: number;
  resetsAt: string;
}

/**
 * Counts one more attempt under a key (logins by account and address, registrations by address), in one
 * statement (an upsert on both databases), and answers the count it reached: parallel attempts each get
 * a different count, so no two can both be "the fifth". A window that has ended starts again at 1.
 */
export async function countAttemptInWindow(
  db: Knex,
  key: string,
  nowIso: string,
  resetsAtIso: string,
): Promise<LoginCount> {
  const rows: Record<string, unknown>[] = await db("login_limits")
    .insert({ limit_key: key, attempts: 1, resets_at: resetsAtIso })
    .onConflict("limit_key")
    .merge({
      attempts: db.raw("CASE WHEN login_limits.resets_at <= ? THEN 1 ELSE login_limits.attempts + 1 END", [nowIso]),
      resets_at: db.raw("CASE WHEN login_limits.resets_at <= ? THEN ? ELSE login_limits.resets_at END", [
        nowIso,
        resetsAtIso,
      ]),
    })
    .returning(["attempts", "resets_at"]);
  return { attempts: toNumber(rows[0]?.attempts), resetsAt: String(rows[0]?.resets_at) };
}

/** Gives one attempt back to a key, only in the window it was reserved in (a check that was not a failure). */
export async function giveBackLoginAttempt(db: Knex, key: string, resetsAtIso: string): Promise<void> {
  await db("login_limits")
    .where({ limit_key: key, resets_at: resetsAtIso })
    .andWhere("attempts", ">", 0)
    .decrement("attempts", 1);
}

export async function clearLoginAttempts(db: Knex, key: string): Promise<void> {
  await db("login_limits").where("limit_key", key).del();
}

/** Forgets the counters whose window has ended. */
export async function deleteEndedLoginLimits(db: Knex, nowIso: string): Promise<void> {
  await db("login_limits").where("resets_at", "<=", nowIso).del();
}
