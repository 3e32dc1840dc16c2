import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { groupCommit, type Outcome } from "../../../src/db/group-commit.js";
import { createDb, type Db } from "../../../src/db/knex.js";

describe("group commit", () => {
  let dir: string;
  let db: Db;
  /** A second connection to the same file: it sees only what was committed. */
  let other: Db;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "sw-group-commit-"));
    const file = path.join(dir, "db.sqlite");
    db = createDb({ databaseUrl: null, sqliteFile: file });
    other = createDb({ databaseUrl: null, sqliteFile: file });
    await db.schema.createTable("notes", (t) => {
      t.integer("n").primary();
    });
  });
  afterEach(async () => {
    await db.destroy();
    await other.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Stores each item's number in one INSERT for the batch; refuses negative numbers on their own. */
  function notes(batches: number[][]) {
    return groupCommit<number, number>(async (trx, items) => {
      batches.push(items);
      const outcomes: Outcome<number>[] = items.map((n) =>
        n < 0 ? { ok: false, error: new Error(`refused ${n}`) } : { ok: true, value: n },
      );
      const accepted = items.filter((n) => n >= 0);
      if (accepted.length > 0) await trx("notes").insert(accepted.map((n) => ({ n })));
      return outcomes;
    });
  }
  const storedNotes = async () => (await other("notes").orderBy("n").pluck("n")).map(Number);

  it("items that arrive while a batch commits share the next one, and each is answered only once committed", async () => {
    const batches: number[][] = [];
    const save = notes(batches);
    const seen: number[][] = [];
    await Promise.all(
      [1, 2, 3, 4, 5].map(async (n) => {
        await save(db, n);
        seen.push((await other("notes").where({ n }).pluck("n")).map(Number));
      }),
    );
    // The first starts a batch alone; the four that came meanwhile share the next.
    expect(batches).to.deep.equal([[1], [2, 3, 4, 5]]);
    expect(seen).to.deep.equal([[1], [2], [3], [4], [5]]);
  });

  it("an item refused by its own check gets its error and writes nothing; the rest of its batch commits", async () => {
    const save = notes([]);
    const results = await Promise.allSettled([1, 2, -3, 4].map((n) => save(db, n)));
    expect(results.map((r) => r.status)).to.deep.equal(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(String((results[2] as PromiseRejectedResult).reason)).to.contain("refused -3");
    expect(await storedNotes()).to.deep.equal([1, 2, 4]);
  });

  it("a write that fails its whole batch is tried again item by item: only the bad item is refused", async () => {
    await db("notes").insert({ n: 7 });
    const batches: number[][] = [];
    const save = notes(batches);
    // 7 is already stored: the batch's INSERT breaks the primary key and rolls back.
    const results = await Promise.allSettled([1, 6, 7, 8].map((n) => save(db, n)));
    expect(results.map((r) => r.status)).to.deep.equal(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(batches).to.deep.equal([[1], [6, 7, 8], [6], [7], [8]]);
    expect(await storedNotes()).to.deep.equal([1, 6, 7, 8]);
  });

  it("a batch the database does not answer (SQLite still busy) refuses all its items at once, without one wait each", async () => {
    const batches: number[][] = [];
    const busy = Object.assign(new Error("SQLITE_BUSY: database is locked"), { code: "SQLITE_BUSY" });
    // Writes the batch, then fails as a commit that stayed busy past the timeout would.
    const save = groupCommit<number, number>(async (trx, items) => {
      batches.push(items);
      await trx("notes").insert(items.map((n) => ({ n })));
      throw busy;
    });
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => save(db, n)));
    expect(results.map((r) => r.status)).to.deep.equal(["rejected", "rejected", "rejected", "rejected"]);
    expect(batches).to.deep.equal([[1], [2, 3, 4]]);
    expect(await storedNotes()).to.deep.equal([]);
  });
});
