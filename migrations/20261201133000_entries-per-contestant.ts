import type { Knex } from "knex";

// Contests get the rule "entries per contestant" (Trust item 6); existing ones take the default, 30.
const KEY = "maxEntriesPerContestant";
const DEFAULT = 30;

async function rewriteRules(knex: Knex, change: (rules: Record<string, unknown>) => boolean): Promise<void> {
  const rows = await knex<{ id: string; rules: string }>("contests").select("id", "rules");
  for (const row of rows) {
    const rules = JSON.parse(row.rules) as Record<string, unknown>;
    if (change(rules))
      await knex("contests")
        .where({ id: row.id })
        .update({ rules: JSON.stringify(rules) });
  }
}

export async function up(knex: Knex): Promise<void> {
  await rewriteRules(knex, (rules) => {
    if (KEY in rules) return false;
    rules[KEY] = DEFAULT;
    return true;
  });
}

export async function down(knex: Knex): Promise<void> {
  await rewriteRules(knex, (rules) => delete rules[KEY]);
}
