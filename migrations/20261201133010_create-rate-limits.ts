import type { Knex } from "knex";

// Registrations per client address in the current hour: key, count, the window's end in epoch ms.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("registration_limits", (t) => {
    t.string("key", 255).primary();
    t.integer("points").notNullable().defaultTo(0);
    t.bigInteger("expire");
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("registration_limits");
}
