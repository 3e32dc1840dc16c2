import type { Knex } from "knex";

// Objections (异议) filed during the public notice, real-name, with an optional evidence file.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("objections", (t) => {
    t.string("id", 36).primary();
    t.string("contest_id", 36).notNullable().references("id").inTable("contests").index();
    t.string("entry_id", 36).notNullable().references("id").inTable("entries");
    t.string("user_id", 36).notNullable().references("id").inTable("users");
    t.text("text").notNullable();
    t.string("evidence_key", 36).nullable();
    t.string("evidence_name", 255).nullable();
    t.string("evidence_type", 10).nullable();
    t.string("status", 20).notNullable();
    t.text("reply").nullable();
    t.string("resolved_by", 36).nullable();
    t.string("resolved_at", 30).nullable();
    t.string("created_at", 30).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("objections");
}
