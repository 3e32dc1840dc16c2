import type { Knex } from "knex";

/**
 * Every round keeps its own computed results (round 1's stay viewable once a final opens), and a
 * round records how its entries advanced into it and when the list of those finalists was published.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("computed_results", (t) => {
    t.dropPrimary();
    t.primary(["contest_id", "round_id"]);
  });
  await knex.schema.alterTable("rounds", (t) => {
    // JSON {top} or {threshold}: the rule by which the previous round's entries advanced into this one.
    t.text("advancement").nullable();
    // When the organizer published this round's finalists (those who advanced to the next round).
    t.string("finalists_published_at", 30).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("rounds", (t) => {
    t.dropColumn("finalists_published_at");
    t.dropColumn("advancement");
  });
  // One computation per contest again: the latest one's.
  const rows = await knex<{ contest_id: string; round_id: string; computed_at: string }>("computed_results")
    .select("contest_id", "round_id", "computed_at")
    .orderBy("computed_at", "desc");
  const kept = new Set<string>();
  for (const row of rows) {
    if (!kept.has(row.contest_id)) kept.add(row.contest_id);
    else await knex("computed_results").where({ contest_id: row.contest_id, round_id: row.round_id }).del();
  }
  await knex.schema.alterTable("computed_results", (t) => {
    t.dropPrimary();
    t.primary(["contest_id"]);
  });
}
