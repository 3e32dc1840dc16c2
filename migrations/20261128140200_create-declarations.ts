import type { Knex } from "knex";

// The conflict-of-interest declaration (回避声明) a judge accepts per contest, and conflicts he declares.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("judge_declarations", (t) => {
    t.string("contest_id", 36).notNullable().references("id").inTable("contests");
    t.string("judge_id", 36).notNullable().references("id").inTable("users");
    t.string("accepted_at", 30).notNullable();
    t.primary(["contest_id", "judge_id"]);
  });
  await knex.schema.createTable("declared_conflicts", (t) => {
    t.string("judge_id", 36).notNullable().references("id").inTable("users");
    t.string("entry_id", 36).notNullable().references("id").inTable("entries");
    t.text("reason").notNullable().defaultTo("");
    t.string("created_at", 30).notNullable();
    t.primary(["judge_id", "entry_id"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("declared_conflicts");
  await knex.schema.dropTable("judge_declarations");
}
