import type { Knex } from "knex";

// A user given his password by an organizer (created, imported or reset) must choose his own at first login.

// Outside a transaction: dropping the column (down) makes SQLite rebuild "users", which many tables
// reference; knex can suspend the foreign-key checks for that rebuild only outside a transaction.
export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("users", (t) => {
    t.boolean("must_change_password").notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("users", (t) => {
    t.dropColumn("must_change_password");
  });
}
