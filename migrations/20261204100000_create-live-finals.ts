import type { Knex } from "knex";

// The live final (决赛 on site, DESIGN §3 "Live final"): a round run live, its running order, each
// finalist's segment times, the judges' per-segment sheets and the random-topic bank (随机命题).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("live_finals", (t) => {
    t.string("round_id", 36).primary().references("id").inTable("rounds");
    t.string("contest_id", 36).notNullable().references("id").inTable("contests").index();
    // running | finished
    t.string("status", 20).notNullable();
    // [{key, label, weight, rubric, seconds?}] as given at the start
    t.text("segments").notNullable();
    t.string("seed", 100).notNullable();
    t.string("current_entry_id", 36).nullable();
    t.string("current_segment", 40).nullable();
    // Bumped by every change, so viewers (SSE) and processes can tell states apart.
    t.integer("version").notNullable().defaultTo(0);
    t.string("created_at", 30).notNullable();
    t.string("updated_at", 30).notNullable();
  });
  await knex.schema.createTable("live_slots", (t) => {
    t.string("round_id", 36).notNullable().references("round_id").inTable("live_finals").onDelete("CASCADE");
    t.string("entry_id", 36).notNullable().references("id").inTable("entries");
    t.integer("position").notNullable();
    // waiting | current | done | withdrawn
    t.string("status", 20).notNullable();
    t.integer("no_shows").notNullable().defaultTo(0);
    t.primary(["round_id", "entry_id"]);
    t.index(["round_id", "position"]);
  });
  await knex.schema.createTable("live_timings", (t) => {
    t.string("round_id", 36).notNullable().references("round_id").inTable("live_finals").onDelete("CASCADE");
    t.string("entry_id", 36).notNullable().references("id").inTable("entries");
    t.string("segment", 40).notNullable();
    t.string("started_at", 30).notNullable();
    t.string("stopped_at", 30).nullable();
    t.integer("seconds").nullable();
    t.primary(["round_id", "entry_id", "segment"]);
  });
  await knex.schema.createTable("live_sheets", (t) => {
    t.string("id", 36).primary();
    t.string("round_id", 36).notNullable().references("round_id").inTable("live_finals").onDelete("CASCADE");
    t.string("entry_id", 36).notNullable().references("id").inTable("entries");
    t.string("segment", 40).notNullable();
    t.string("judge_id", 36).notNullable().references("id").inTable("users");
    // draft | submitted
    t.string("status", 20).notNullable();
    t.text("scores").notNullable();
    t.double("total").nullable();
    t.text("comment").nullable();
    t.string("submitted_at", 30).nullable();
    // An organizer's reopening (更正), with its reason; shown as corrected on the big screen.
    t.integer("corrections").notNullable().defaultTo(0);
    t.text("correction_reason").nullable();
    t.string("created_at", 30).notNullable();
    t.string("updated_at", 30).notNullable();
    t.unique(["round_id", "entry_id", "segment", "judge_id"]);
    t.index(["round_id", "judge_id"]);
  });
  await knex.schema.createTable("live_topics", (t) => {
    t.string("id", 36).primary();
    t.string("contest_id", 36).notNullable().references("id").inTable("contests");
    t.integer("position").notNullable();
    t.string("text", 500).notNullable();
    // Set when the topic is drawn for a finalist's random-topic segment.
    t.string("drawn_round_id", 36).nullable();
    t.string("drawn_entry_id", 36).nullable();
    t.index(["contest_id", "position"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("live_topics");
  await knex.schema.dropTable("live_sheets");
  await knex.schema.dropTable("live_timings");
  await knex.schema.dropTable("live_slots");
  await knex.schema.dropTable("live_finals");
}
