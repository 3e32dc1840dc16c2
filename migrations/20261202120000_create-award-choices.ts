import type { Knex } from "knex";

// The organizer's choices for named awards (最佳创意奖 ×3 …): one row per chosen entry, with its reason.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("award_choices", (t) => {
    t.string("contest_id", 36).notNullable().references("id").inTable("contests");
    t.string("award_key", 40).notNullable();
    t.string("entry_id", 36).notNullable().references("id").inTable("entries");
    t.text("reason").notNullable();
    t.string("chosen_by", 36).notNullable().references("id").inTable("users");
    t.string("chosen_at", 30).notNullable();
    t.primary(["contest_id", "award_key", "entry_id"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("award_choices");
}
