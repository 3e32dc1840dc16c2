import type { Knex } from "knex";

// The audit log filtered by contest reads the records of the contest and of its entries by target id
// alone; the (target_type, target_id) index cannot serve that (issue 11, goal 7).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("audit_log", (t) => {
    t.index(["target_id"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("audit_log", (t) => {
    t.dropIndex(["target_id"]);
  });
}
