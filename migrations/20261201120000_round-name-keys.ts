import type { Knex } from "knex";

// Round 1's name was stored in Chinese (初评); it becomes the key "first", shown in the reader's language.
export async function up(knex: Knex): Promise<void> {
  await knex("rounds").where({ number: 1, name: "初评" }).update({ name: "first" });
}

export async function down(knex: Knex): Promise<void> {
  await knex("rounds").where({ number: 1, name: "first" }).update({ name: "初评" });
}
