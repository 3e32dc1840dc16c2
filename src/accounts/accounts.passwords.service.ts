import { randomInt } from "node:crypto";
import type { Knex } from "knex";
import { recordAudit } from "../audit/audit.service.js";
import type { AppContext } from "../context.js";
import { isUniqueViolation } from "../db/dialect.js";
import { newId } from "../lib/ids.js";
import { ConflictError, NotFoundError, ValidationError } from "../lib/errors.js";
import * as q from "./accounts.queries.js";
import type { ChangePasswordBody } from "./accounts.schemas.js";
import { canonicalEmail, publicUser, type PublicUser, type SessionUser } from "./accounts.service.js";
import { clearAccountFailures, passwordCheckPassed, reservePasswordCheck } from "./login-limit.js";
import { assertStrongPassword, hashPassword, verifyPassword } from "./passwords.js";

// No 0/O, 1/l/I: an initial password is read off a screen or a printout and typed by hand.
const PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";

/**
 * A random initial password (three groups of four, about 70 bits), shown once to the organizer and
 * never stored in clear; drawn again in the rare case it fails the strength rule.
 */
export function generateInitialPassword(email: string): string {
  for (;;) {
    const chars = Array.from({ length: 12 }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]);
    const password = [chars.slice(0, 4), chars.slice(4, 8), chars.slice(8)].map((g) => g.join("")).join("-");
    try {
      assertStrongPassword(password, email);
      return password;
    } catch {
      // Drawn again: no digit or no letter, or it happens to contain the e-mail's name.
    }
  }
}

/**
 * Stores a new password hash and ends everything signed in with the old one: every API token (the
 * caller asks for a new one) and every page session (the page that changed it logs in again). A
 * password set by an organizer (`mustChange`) is one the user must replace at his next login.
 */
async function replacePassword(
  ctx: AppContext,
  trx: Knex,
  userId: string,
  passwordHash: string,
  mustChange: boolean,
): Promise<void> {
  await q.updatePasswordHash(trx, userId, passwordHash, mustChange, ctx.clock.now().toISOString());
  await q.deleteApiTokensOfUser(trx, userId);
  await q.deleteSessionsOfUser(trx, userId);
}

/**
 * A signed-in user changes his own password. A wrong current password counts as a failed login, so
 * a stolen session or token cannot be used to guess it faster than the login form allows.
 */
export async function changeOwnPassword(
  ctx: AppContext,
  actor: SessionUser,
  body: ChangePasswordBody,
  ip: string,
): Promise<PublicUser> {
  const user = await q.findUserById(ctx.db, actor.id);
  if (!user) throw new NotFoundError("errors.userNotFound");
  const check = await reservePasswordCheck(ctx, user.email, ip);
  if (!(await verifyPassword(user.passwordHash, body.currentPassword))) {
    throw new ValidationError("errors.wrongCurrentPassword", {}, { field: "currentPassword" }, "wrong_password");
  }
  await passwordCheckPassed(ctx, check);
  assertStrongPassword(body.newPassword, user.email, "newPassword");
  if (body.newPassword === body.currentPassword)
    throw new ValidationError("errors.passwordUnchanged", {}, { field: "newPassword" }, "password_unchanged");
  // Hashed before the transaction, so the database is never held while it runs.
  const passwordHash = await hashPassword(body.newPassword);
  return ctx.db.transaction(async (trx) => {
    await replacePassword(ctx, trx, user.id, passwordHash, false);
    await recordAudit(trx, ctx.clock, {
      actorId: actor.id,
      action: "user.passwordChange",
      targetType: "user",
      targetId: user.id,
      details: { email: user.email },
    });
    return publicUser((await q.findUserById(trx, user.id))!);
  });
}

/**
 * An organizer resets another user's forgotten password to a generated one, shown to him once. His
 * own he changes on /me/password, where the current password is asked for.
 */
export async function resetPassword(
  ctx: AppContext,
  actor: SessionUser,
  userId: string,
): Promise<{ user: PublicUser; initialPassword: string }> {
  if (userId === actor.id) throw new ConflictError("cannot_reset_self", "errors.cannotResetOwnPassword");
  const user = await q.findUserById(ctx.db, userId);
  if (!user) throw new NotFoundError("errors.userNotFound");
  const initialPassword = generateInitialPassword(user.email);
  const passwordHash = await hashPassword(initialPassword);
  return ctx.db.transaction(async (trx) => {
    await replacePassword(ctx, trx, user.id, passwordHash, true);
    // A user locked out by his own guesses can sign in with the new password at once.
    await clearAccountFailures(trx, user.email);
    await recordAudit(trx, ctx.clock, {
      actorId: actor.id,
      action: "user.passwordReset",
      targetType: "user",
      targetId: user.id,
      details: { email: user.email },
    });
    return { user: publicUser((await q.findUserById(trx, user.id))!), initialPassword };
  });
}

/**
 * First start (DESIGN §4): with no users, create the organizer from ADMIN_EMAIL/ADMIN_PASSWORD, or
 * admin@localhost with a random password that the caller prints once. Answers that password, if any.
 */
export async function ensureFirstOrganizer(
  ctx: AppContext,
): Promise<{ email: string; generatedPassword: string | null } | null> {
  if ((await q.countUsers(ctx.db)) > 0) return null;
  const email = canonicalEmail(ctx.config.adminEmail ?? "admin@localhost");
  const generatedPassword = ctx.config.adminPassword ? null : generateInitialPassword(email);
  const password = ctx.config.adminPassword ?? generatedPassword!;
  try {
    await insertFirstOrganizer(ctx, email, password);
  } catch (err) {
    // Another process starting at the same moment made him first (the email is a unique key).
    if (isUniqueViolation(err) && (await q.countUsers(ctx.db)) > 0) return null;
    throw err;
  }
  return { email, generatedPassword };
}

async function insertFirstOrganizer(ctx: AppContext, email: string, password: string): Promise<void> {
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction(async (trx) => {
    await q.insertUser(trx, {
      id: newId(),
      email,
      passwordHash: await hashPassword(password),
      name: "管理员",
      role: "organizer",
      city: null,
      unit: null,
      expertise: [],
      avoidUnits: [],
      disabled: false,
      // Chosen by whoever runs the server (or printed to him once): his to keep.
      mustChangePassword: false,
      createdAt: now,
      updatedAt: now,
    });
    await recordAudit(trx, ctx.clock, {
      actorId: null,
      action: "user.bootstrap",
      targetType: "system",
      targetId: null,
      details: { email },
    });
  });
}
