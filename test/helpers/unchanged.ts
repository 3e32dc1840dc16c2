/**
 * "A refused request writes nothing" (DESIGN §7), as one check: every domain table, the API tokens
 * and every file under UPLOAD_DIR before the request, compared after it. Sessions and login
 * attempts are left out: a refused login is meant to count as an attempt.
 */
import { expect } from "chai";
import { existsSync } from "node:fs";
import { snapshot, type TestApp } from "./app.js";
import { filesUnder } from "./entries.js";

export interface WrittenState {
  tables: Record<string, unknown[]>;
  uploads: string[];
}

/** What a request could have written: the rows of the domain tables and API tokens, and the stored files. */
export async function writtenState(app: TestApp): Promise<WrittenState> {
  const dir = app.ctx.config.uploadDir;
  return {
    tables: { ...(await snapshot(app.db)), api_tokens: await app.db("api_tokens").select("*").orderBy("id") },
    uploads: existsSync(dir) ? filesUnder(dir) : [],
  };
}

/** Asserts that nothing was written since `before` (taken with writtenState). */
export async function expectNothingWritten(
  app: TestApp,
  before: WrittenState,
  what = "a refused request",
): Promise<void> {
  const after = await writtenState(app);
  expect(after.tables, `${what} changed the database`).to.deep.equal(before.tables);
  expect(after.uploads, `${what} left files under UPLOAD_DIR`).to.deep.equal(before.uploads);
}
