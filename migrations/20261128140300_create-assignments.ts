import type { Knex } from "knex";

// One judge's sheet for one entry in one round, and every save of it.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("assignments", (t) => {
    t.string("id", 36).primary();
    t.string("round_id", 36).notNullable().references("id").inTable("rounds");
    t.string("entry_id", 36).notNullable().references("id").inTable("entries");
    t.string("judge_id", 36).notNullable().references("id").inTable("users");
    t.string("status", 20).notNullable();
    t.text("scores").nullable();
    t.text("deductions").nullable();
    t.text("comment").nullable();
    t.double("total").nullable();
    t.string("created_at", 30).notNullable();
    t.string("updated_at", 30).notNullable();
    t.string("submitted_at", 30).nullable();
    t.unique(["round_id", "entry_id", "judge_id"]);
    t.index(["judge_id", "round_id"]);
    t.index(["entry_id"]);
  });
  await knex.schema.createTable("score_history", (t) => {
    t.increments("id").primary();
    t.string("assignment_id", 36).notNullable().references("id").inTable("assignments").onDelete("CASCADE").index();
    t.string("judge_id", 36).notNullable();
    t.string("at", 30).notNullable();
    t.text("before").nullable();
    t.text("after").notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("score_history");
  await knex.schema.dropTable("assignments");
}
