import type { Knex } from "knex";

// A sheet's scores in a compact form beside their JSON, which computing results reads instead of
// parsing 500,000 JSON objects: score_keys, the sorted keys as a JSON array, and score_values, the
// values in that order, space-separated, each the shortest decimal that reads back to the same number.

// Outside a transaction: dropping the columns (down) makes SQLite rebuild "assignments", which
// score_history references; knex can suspend the foreign-key checks for that rebuild only outside one.
export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("assignments", (t) => {
    t.text("score_keys").nullable();
    t.text("score_values").nullable();
  });
  // Sheets scored before: the same form, from their JSON (a sheet without scores keeps none).
  const rows = await knex<{ id: string; scores: string }>("assignments").whereNotNull("scores").select("id", "scores");
  await knex.transaction(async (trx) => {
    for (const row of rows) {
      const scores = JSON.parse(row.scores) as Record<string, number> | null;
      if (scores === null) continue;
      const keys = Object.keys(scores).sort();
      await trx("assignments")
        .where({ id: row.id })
        .update({ score_keys: JSON.stringify(keys), score_values: keys.map((k) => String(scores[k])).join(" ") });
    }
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("assignments", (t) => {
    t.dropColumn("score_values");
    t.dropColumn("score_keys");
  });
}
