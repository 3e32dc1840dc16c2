// The next version of the app as a process: its migrations are the app's plus one expand migration,
// applied at start as the app applies its own; then the real server starts on the expanded database.
import path from "node:path";
import { migrations } from "../../../migrations/index.js";
import { loadConfig } from "../../../src/config.js";
import { createDb } from "../../../src/db/knex.js";
import { migrateLatest } from "../../../src/db/migrate.js";
import * as expandJudgeNote from "./expand-judge-note.js";

const config = loadConfig();
const db = createDb({ databaseUrl: config.databaseUrl, sqliteFile: path.join(config.dataDir, "app.sqlite") });
await migrateLatest(db, { ...migrations, [expandJudgeNote.EXPAND_MIGRATION]: expandJudgeNote });
await db.destroy();
await import("../../../src/server.js");
