import type { Knex } from "knex";

// Judging rounds (初评, 决赛…), each with its own judge pool; a later round lists the entries it took over.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("rounds", (t) => {
    t.string("id", 36).primary();
    t.string("contest_id", 36).notNullable().references("id").inTable("contests");
    t.integer("number").notNullable();
    t.string("name", 60).notNullable();
    // Null in round 1: the contest's own rubric, aggregation and judges per entry apply.
    t.text("rubric").nullable();
    t.string("aggregation", 20).nullable();
    t.integer("judges_per_entry").nullable();
    t.string("status", 20).notNullable();
    t.string("created_at", 30).notNullable();
    t.unique(["contest_id", "number"]);
  });
  await knex.schema.createTable("round_judges", (t) => {
    t.string("round_id", 36).notNullable().references("id").inTable("rounds").onDelete("CASCADE");
    t.string("judge_id", 36).notNullable().references("id").inTable("users");
    t.primary(["round_id", "judge_id"]);
  });
  await knex.schema.createTable("round_entries", (t) => {
    t.string("round_id", 36).notNullable().references("id").inTable("rounds").onDelete("CASCADE");
    t.string("entry_id", 36).notNullable().references("id").inTable("entries");
    t.primary(["round_id", "entry_id"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("round_entries");
  await knex.schema.dropTable("round_judges");
  await knex.schema.dropTable("rounds");
}
