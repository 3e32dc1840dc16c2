import type { Knex } from "knex";

// A recommendation counts against the quota of the city whose coordinator made it, whatever city the
// entry names later (Trust issue, item 3); an owner's edit clears it, and the owner is told when.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("entries", (t) => {
    t.string("recommended_city", 20).nullable();
    t.string("recommendation_cleared_at", 30).nullable();
    t.index(["contest_id", "recommended_city"]);
  });
  // Recommendations made before: the recommending coordinator's city, else the entry's.
  await knex("entries")
    .whereNotNull("recommended_at")
    .update({
      recommended_city: knex.raw(
        "coalesce((select users.city from users where users.id = entries.recommended_by), entries.city)",
      ),
    });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("entries", (t) => {
    t.dropIndex(["contest_id", "recommended_city"]);
    t.dropColumn("recommendation_cleared_at");
    t.dropColumn("recommended_city");
  });
}
