import type { Knex } from "knex";

// Outside a transaction: dropping the column (down) makes SQLite rebuild "contests", which many tables
// reference; knex can suspend the foreign-key checks for that rebuild only outside a transaction.
export const config = { transaction: false };

// When the notice (公示) began, so pages show its whole window ("公示期：… 至 …") after it is extended.
// Contests already in notice or final take the time of their first notice snapshot.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("contests", (t) => {
    t.string("notice_starts_at", 30).nullable();
  });
  await knex("contests").update({
    notice_starts_at: knex("result_snapshots")
      .min("created_at")
      .where("kind", "notice")
      .where("contest_id", knex.ref("contests.id")),
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("contests", (t) => {
    t.dropColumn("notice_starts_at");
  });
}
