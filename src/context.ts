import type { Logger } from "pino";
import type { Config } from "./config.js";
import type { Db } from "./db/knex.js";
import type { Clock } from "./lib/clock.js";

/** What every service needs: the database, the clock, the configuration and the logger. */
export interface AppContext {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
}
