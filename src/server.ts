import path from "node:path";
import pino from "pino";
import { ensureFirstOrganizer } from "./accounts/accounts.passwords.service.js";
import { createApp } from "./app.js";
import { ConfigError, loadConfig, missingMetadataTools } from "./config.js";
import type { AppContext } from "./context.js";
import { createDb } from "./db/knex.js";
import { migrateLatest } from "./db/migrate.js";
import { Lifecycle } from "./http/lifecycle.js";
import { applyServerTimeouts } from "./http/timeouts.js";
import { systemClock } from "./lib/clock.js";
import { closeLiveBus } from "./live/live.bus.js";
import { LocalDiskStorage } from "./storage/local-disk.js";
import { sweepStorage } from "./storage/sweep.js";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Configuration error: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const logger = pino({ level: config.logLevel, redact: ["*.password", "*.token", "*.authorization", "*.cookie"] });
  const db = createDb({ databaseUrl: config.databaseUrl, sqliteFile: path.join(config.dataDir, "app.sqlite"), logger });
  const ctx: AppContext = { config, db, storage: new LocalDiskStorage(config.uploadDir), clock: systemClock, logger };
  // Listening from the start: while the migrations run (or wait on another process's lock), /readyz
  // answers "starting" and every other request waits for the start to end (src/http/lifecycle.ts).
  const lifecycle = new Lifecycle("starting");
  const server = createApp(ctx, lifecycle).listen(config.port);
  applyServerTimeouts(server, config);
  const shutdown = (signal: string) => {
    if (lifecycle.state === "draining") return;
    const abortedUploads = lifecycle.drain(logger);
    logger.info(
      { signal, graceMs: config.shutdownGraceMs, inFlight: lifecycle.pending().length, abortedUploads },
      "shutting down: no new connections, requests in flight may finish",
    );
    server.close(() => {
      void db.destroy().then(() => {
        logger.info("stopped");
        process.exit(0);
      });
    });
    // Open SSE streams would hold server.close() forever: end them, and the live final's LISTEN connection.
    void closeLiveBus(ctx);
    setTimeout(() => {
      logger.error({ cut: lifecycle.pending() }, "grace period over: requests still running are cut off");
      process.exit(1);
    }, config.shutdownGraceMs).unref();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  const applied = await migrateLatest(db);
  if (applied.length > 0) logger.info({ migrations: applied }, "migrations applied");
  await sweepStorage(ctx);
  const first = await ensureFirstOrganizer(ctx);
  if (first?.generatedPassword) {
    // Printed once, on stderr and not through pino: the JSON log on stdout is shipped to log storage,
    // where a password would outlive its first use.
    process.stderr.write(
      `\n  First organizer account: ${first.email}\n  Password (shown once): ${first.generatedPassword}\n\n`,
    );
  } else if (first) {
    logger.info({ email: first.email }, "first organizer created from ADMIN_EMAIL");
  }
  const missingTools = missingMetadataTools(config.metadataTools);
  if (missingTools.length > 0) {
    logger.warn(
      { missing: missingTools },
      "metadata tools missing: uploads of files judges see (videos, plans, slides, covers) are refused until they are installed",
    );
  }
  lifecycle.markReady();
  logger.info(
    { port: config.port, db: config.databaseUrl ? "pg" : "sqlite" },
    `listening on http://localhost:${config.port}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
