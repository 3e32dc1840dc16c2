import type { Knex } from "knex";

// The judges' anonymized copy of an entry file (DESIGN §4 "Blind files"): its storage key and size.
// Null for files judges never see (the recommendation form) and for files stored before copies were made.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("entry_files", (t) => {
    t.string("blind_storage_key", 36).nullable().unique();
    t.bigInteger("blind_size").nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("entry_files", (t) => {
    t.dropUnique(["blind_storage_key"]);
  });
  await knex.schema.alterTable("entry_files", (t) => {
    t.dropColumn("blind_storage_key");
    t.dropColumn("blind_size");
  });
}
