import {
  RateLimiterPostgres,
  RateLimiterRes,
  RateLimiterSQLite,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";
import type { AppContext } from "../context.js";
import { TooManyRequestsError } from "../lib/errors.js";

const HOUR_SECONDS = 3600;

/** One limiter per database handle: the counters live in the database, so every app process shares them. */
const limiters = new WeakMap<AppContext["db"], RateLimiterAbstract>();

function limiterFor(ctx: AppContext): RateLimiterAbstract {
  let limiter = limiters.get(ctx.db);
  if (!limiter) {
    const options = {
      storeClient: ctx.db,
      storeType: "knex",
      tableName: "registration_limits",
      tableCreated: true,
      clearExpiredByTimeout: false,
      keyPrefix: "register-ip",
      points: ctx.config.registrationsPerIpPerHour,
      duration: HOUR_SECONDS,
    };
    limiter = ctx.config.databaseUrl ? new RateLimiterPostgres(options) : new RateLimiterSQLite(options);
    limiters.set(ctx.db, limiter);
  }
  return limiter;
}

/**
 * Counts a registration from this address, atomically and before the password is hashed (an argon2
 * hash costs real memory and time), and refuses with 429 once the address has used its hour's share.
 */
export async function consumeRegistration(ctx: AppContext, ip: string): Promise<void> {
  try {
    await limiterFor(ctx).consume(ip);
  } catch (err) {
    if (err instanceof RateLimiterRes) {
      throw new TooManyRequestsError(
        Math.max(1, Math.ceil(err.msBeforeNext / 1000)),
        "errors.tooManyRegistrations",
        "too_many_registrations",
      );
    }
    throw err;
  }
}
