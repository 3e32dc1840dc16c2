import type { Knex } from "knex";

// Short panels (DESIGN §3) accepted by the organizer with a written reason, one per entry and round.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("short_panel_acceptances", (t) => {
    t.string("id", 36).primary();
    t.string("contest_id", 36).notNullable().references("id").inTable("contests").index();
    t.string("round_id", 36).notNullable().references("id").inTable("rounds");
    t.string("entry_id", 36).notNullable().references("id").inTable("entries");
    t.integer("sheets").notNullable();
    t.integer("required").notNullable();
    t.text("reason").notNullable();
    t.string("accepted_by", 36).notNullable().references("id").inTable("users");
    t.string("accepted_at", 30).notNullable();
    t.unique(["round_id", "entry_id"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("short_panel_acceptances");
}
