import type { Logger } from "pino";
import type { Config } from "./config.js";
import type { Db } from "./db/knex.js";
import type { Clock } from "./lib/clock.js";
import type { Storage } from "./storage/storage.js";

/** What every service needs: the database, file storage, the clock, the configuration and the logger. */
export interface AppContext {
  config: Config;
  db: Db;
  storage: Storage;
  clock: Clock;
  logger: Logger;
}
