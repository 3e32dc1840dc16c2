import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import pino from "pino";
import { defaultRubric } from "../../../src/contests/rubric.js";
import { dialectOf } from "../../../src/db/dialect.js";
import { STORAGE_KEY_COLUMNS } from "../../../src/storage/storage.queries.js";
import { sweepStorage } from "../../../src/storage/sweep.js";
import { seedContest } from "../../../bench/seed-rows.js";
import { startTestApp, type TestApp } from "../../helpers/app.js";

describe("the startup sweep of UPLOAD_DIR", () => {
  let app: TestApp;
  let uploads: string;
  const now = new Date().toISOString();

  /** A file at a storage key, as LocalDiskStorage lays it out. */
  const stored = (key = randomUUID()) => {
    const file = app.ctx.storage.pathOf(key);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, key);
    return { key, file };
  };
  const incoming = () => {
    const file = app.ctx.storage.incomingPath();
    writeFileSync(file, "half an upload");
    return file;
  };
  /** The working folder the anonymizing tools write in beside an incoming path, with the file of one. */
  const working = () => {
    const folder = `${app.ctx.storage.incomingPath()}.work`;
    mkdirSync(folder);
    writeFileSync(path.join(folder, "clean"), "half a copy");
    return { folder, file: path.join(folder, "clean") };
  };

  beforeEach(async () => {
    app = await startTestApp();
    uploads = app.ctx.config.uploadDir;
    await seedContest(app.db, now, { judgeIds: [], rubric: defaultRubric("video"), entries: 1 });
  });
  afterEach(() => app.close());

  it("removes uploads in progress and files no row points at, keeps every referenced file and anything it does not know, and logs the counts", async () => {
    const [file, blind, report] = [stored(), stored(), stored()];
    const fileRow = {
      entry_id: "e0",
      original_name: "v.mp4",
      content_type: "mp4",
      size: 1,
      sha256: "0",
      created_at: now,
    };
    await app
      .db("entry_files")
      .insert([{ ...fileRow, id: "f1", role: "video", storage_key: file.key, blind_storage_key: blind.key }]);
    await app.db("report_files").insert({
      id: "r1",
      owner_type: "news",
      owner_id: "n1",
      role: "image",
      position: 0,
      storage_key: report.key,
      original_name: "p.png",
      content_type: "png",
      size: 1,
      sha256: "0",
      created_at: now,
    });
    const orphans = [stored(), stored()];
    const temps = [incoming(), incoming(), incoming(), working().folder];
    const foreign = path.join(uploads, "README.txt");
    writeFileSync(foreign, "not the store's");
    const lines: unknown[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });

    // As on SQLite, where nothing but this process writes UPLOAD_DIR: no file is too young to go.
    const config = { ...app.ctx.config, uploadSweepMinAgeSeconds: 0 };
    const result = await sweepStorage({ ...app.ctx, config, logger });

    expect(result).to.deep.equal({ removedTemp: 4, removedOrphans: 2 });
    for (const gone of [...orphans.map((o) => o.file), ...temps]) expect(existsSync(gone), gone).to.equal(false);
    for (const kept of [file.file, blind.file, report.file, foreign]) expect(existsSync(kept), kept).to.equal(true);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({ msg: "storage swept", removedTemp: 4, removedOrphans: 2 });
  });

  it("leaves files written within the minimum age (another process may be writing them) and removes older ones", async () => {
    const hourAgo = new Date(Date.now() - 3_600_000);
    // A tool writing one file for long: its folder was last changed long ago, the file in it just now.
    const busyTool = working();
    utimesSync(busyTool.folder, hourAgo, hourAgo);
    const deadTool = working();
    const young = [stored().file, incoming(), busyTool.file];
    const old = [stored().file, incoming(), deadTool.file, deadTool.folder];
    for (const file of old) utimesSync(file, hourAgo, hourAgo);
    const config = { ...app.ctx.config, uploadSweepMinAgeSeconds: 900 };

    expect(await sweepStorage({ ...app.ctx, config })).to.deep.equal({ removedTemp: 2, removedOrphans: 1 });
    for (const file of young) expect(existsSync(file), file).to.equal(true);
    for (const file of old) expect(existsSync(file), file).to.equal(false);
  });

  it("knows every column of the schema that holds a storage key (a column it missed would lose its files)", async () => {
    const columns: { table: string; column: string }[] =
      dialectOf(app.db) === "pg"
        ? (
            await app.db.raw(
              'SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns WHERE table_schema = current_schema()',
            )
          ).rows
        : await app.db.raw(
            'SELECT m.name AS "table", p.name AS "column" FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = \'table\'',
          );
    const keyColumns = columns
      .filter((c) => /(^|_)(storage|evidence)_key$/.test(c.column))
      .map((c) => `${c.table}.${c.column}`)
      .sort();
    expect(keyColumns).to.deep.equal(STORAGE_KEY_COLUMNS.map(([t, c]) => `${t}.${c}`).sort());
  });
});
