import type { AppContext } from "../context.js";
import { TooManyRequestsError } from "../lib/errors.js";
import * as q from "./accounts.queries.js";

const WINDOW_MS = 3600_000;

/**
 * Counts a registration from this address before the password is hashed (an argon2 hash costs real
 * memory and time), and refuses with 429 once the address has used its hour's share. The count is the
 * login limit's atomic counter (one upsert), so parallel requests and several processes agree.
 */
export async function consumeRegistration(ctx: AppContext, ip: string): Promise<void> {
  const now = ctx.clock.now().getTime();
  const { attempts, resetsAt } = await q.countAttemptInWindow(
    ctx.db,
    `register:${ip}`,
    new Date(now).toISOString(),
    new Date(now + WINDOW_MS).toISOString(),
  );
  if (attempts > ctx.config.registrationsPerIpPerHour) {
    const retryAfterSeconds = Math.max(1, Math.ceil((Date.parse(resetsAt) - now) / 1000));
    throw new TooManyRequestsError(retryAfterSeconds, "errors.tooManyRegistrations", "too_many_registrations");
  }
}
