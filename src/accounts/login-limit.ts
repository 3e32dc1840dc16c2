/**
 * The login limit (Trust #2), for the login form, the API token and a changed password's current one.
 *
 * Every password check first reserves its place in two counters, each with one atomic statement
 * (accounts.queries `countAttemptInWindow`), and only then may argon2 run; so parallel guesses each get
 * a different count and can never all pass. A counter's window starts at its first attempt and lasts
 * LOGIN_WINDOW_MINUTES.
 *
 * - Per account (LOGIN_MAX_FAILURES_PER_ACCOUNT, from any address): once that many checks have failed,
 *   the account is throttled: every further attempt answers 429 and no password is checked, not even
 *   the right one. A correct password (or an organizer's reset) clears the account's count.
 * - Per address (LOGIN_MAX_FAILURES_PER_IP): the failed checks from one client address (IPv6 by its /64).
 *   An address over it is slowed, not locked out: from there an account is checked only while nobody has
 *   failed on it in its window, so each account gets one attempt per window instead of the per-account
 *   allowance. A school or a proxy where someone sprayed or mistyped many accounts thus still signs in
 *   everyone else with a correct password, while the sprayer gets a single guess per account. A correct
 *   password gives the address its place back, so many people signing in behind one address cost nothing.
 *
 * A refused attempt gives both places back: the counters count the checks that ran and failed.
 */
import { isIPv6 } from "node:net";
import type { Knex } from "knex";
import type { AppContext } from "../context.js";
import { TooManyRequestsError } from "../lib/errors.js";
import * as q from "./accounts.queries.js";

/** The places one password check holds, to give back or clear once the check is decided. */
export interface PasswordCheck {
  account: { key: string; resetsAt: string };
  address: { key: string; resetsAt: string };
}

function accountKey(email: string): string {
  return `account:${email}`;
}

/** One counter per client: an IPv4 address (also when written IPv4-mapped), or an IPv6 /64, which one client usually holds whole. */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return `address:${mapped[1]}`;
  if (!isIPv6(ip)) return `address:${ip}`;
  const [head, tail = ""] = ip.split("%")[0].split("::");
  const groups = (part: string): string[] =>
    part === "" ? [] : part.split(":").flatMap((g) => (g.includes(".") ? ["0", "0"] : [g]));
  const left = groups(head);
  const right = ip.includes("::") ? groups(tail) : [];
  const full = [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return `address:${full
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(":")}::/64`;
}

function refusal(now: Date, resetsAt: string): TooManyRequestsError {
  return new TooManyRequestsError(Math.max(1, Math.ceil((Date.parse(resetsAt) - now.getTime()) / 1000)));
}

/** Reserves a password check for this account from this address, or refuses with 429 before any password is checked. */
export async function reservePasswordCheck(ctx: AppContext, email: string, ip: string): Promise<PasswordCheck> {
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const resetsAt = new Date(now.getTime() + ctx.config.loginWindowMinutes * 60_000).toISOString();
  const account = {
    key: accountKey(email),
    ...(await q.countAttemptInWindow(ctx.db, accountKey(email), nowIso, resetsAt)),
  };
  const address = { key: addressKey(ip), ...(await q.countAttemptInWindow(ctx.db, addressKey(ip), nowIso, resetsAt)) };
  const check = { account, address };
  let refused: TooManyRequestsError | null = null;
  if (account.attempts > ctx.config.loginMaxFailuresPerAccount) {
    refused = refusal(now, account.resetsAt);
  } else if (address.attempts > ctx.config.loginMaxFailuresPerIp && account.attempts > 1) {
    // A slowed address may try again once the account's failures or the address's own have expired.
    refused = refusal(now, account.resetsAt < address.resetsAt ? account.resetsAt : address.resetsAt);
  }
  if (refused) {
    await giveBack(ctx.db, check.account);
    await giveBack(ctx.db, check.address);
    throw refused;
  }
  return check;
}

async function giveBack(db: Knex, place: { key: string; resetsAt: string }): Promise<void> {
  await q.giveBackLoginAttempt(db, place.key, place.resetsAt);
}

/** The password was right: the account's failures are forgiven and the address gets its place back. */
export async function passwordCheckPassed(ctx: AppContext, check: PasswordCheck): Promise<void> {
  await q.clearLoginAttempts(ctx.db, check.account.key);
  await giveBack(ctx.db, check.address);
  await q.deleteEndedLoginLimits(ctx.db, ctx.clock.now().toISOString());
}

/** The password was right but the account may not sign in (disabled): not a failure, nothing forgiven. */
export async function passwordCheckNotFailed(ctx: AppContext, check: PasswordCheck): Promise<void> {
  await giveBack(ctx.db, check.account);
  await giveBack(ctx.db, check.address);
}

/** Forgets an account's failures (its password was reset by an organizer). */
export async function clearAccountFailures(db: Knex, email: string): Promise<void> {
  await q.clearLoginAttempts(db, accountKey(email));
}
