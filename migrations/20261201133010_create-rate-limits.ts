import type { Knex } from "knex";

// Counters of rate-limiter-flexible (registrations per address), in its own table: key, points, expiry in ms.
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
