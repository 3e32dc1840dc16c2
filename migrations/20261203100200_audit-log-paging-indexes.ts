import type { Knex } from "knex";

// The audit log filtered by actor or by action is paged newest first: with the id beside the filter
// column the index gives the page in order, instead of the planner walking the whole log backwards
// and filtering it (issue 11, goal 7). They replace the single-column indexes of 20261202160000.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("audit_log", (t) => {
    t.dropIndex(["actor_id"]);
    t.dropIndex(["action"]);
    t.index(["actor_id", "id"]);
    t.index(["action", "id"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("audit_log", (t) => {
    t.dropIndex(["action", "id"]);
    t.dropIndex(["actor_id", "id"]);
    t.index(["action"]);
    t.index(["actor_id"]);
  });
}
