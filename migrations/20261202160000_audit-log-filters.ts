import type { Knex } from "knex";

// The audit log is filtered by who acted and by action (issue 10, item 8).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("audit_log", (t) => {
    t.index(["actor_id"]);
    t.index(["action"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("audit_log", (t) => {
    t.dropIndex(["action"]);
    t.dropIndex(["actor_id"]);
  });
}
