import type { AppContext } from "../context.js";
import { TooManyRequestsError } from "../lib/errors.js";

const WINDOW_MS = 3600_000;

/**
 * One statement counts and reads the address's registrations in the current hour, so parallel
 * requests (and several app processes) can never all see "one left": the database serializes the
 * upsert. A window that has run out starts again at 1. The same SQL runs on SQLite (3.35+) and
 * PostgreSQL. (rate-limiter-flexible's SQLite store hands its pooled connection back before its
 * savepoint ends, which breaks knex's next transaction on SQLite's single connection; hence this.)
 */
const COUNT_SQL = `
  INSERT INTO registration_limits (key, points, expire) VALUES (?, 1, ?)
  ON CONFLICT (key) DO UPDATE SET
    points = CASE WHEN registration_limits.expire > ? THEN registration_limits.points + 1 ELSE 1 END,
    expire = CASE WHEN registration_limits.expire > ? THEN registration_limits.expire ELSE excluded.expire END
  RETURNING points, expire`;

type Row = { points: number | string; expire: number | string };

/**
 * Counts a registration from this address before the password is hashed (an argon2 hash costs real
 * memory and time), and refuses with 429 once the address has used its hour's share.
 */
export async function consumeRegistration(ctx: AppContext, ip: string): Promise<void> {
  const now = ctx.clock.now().getTime();
  const result = (await ctx.db.raw(COUNT_SQL, [`register:${ip}`, now + WINDOW_MS, now, now])) as
    Row[] | { rows: Row[] };
  const [row] = Array.isArray(result) ? result : result.rows;
  if (Number(row.points) > ctx.config.registrationsPerIpPerHour) {
    const retryAfterSeconds = Math.max(1, Math.ceil((Number(row.expire) - now) / 1000));
    throw new TooManyRequestsError(retryAfterSeconds, "errors.tooManyRegistrations", "too_many_registrations");
  }
}
