import type { Knex } from "knex";

// The per-author and per-unit keys are recomputed with the identity key that also drops invisible
// characters (Trust issue, item 4), and the unit key gets the index the author key has. A migration
// never imports from src/: this is a copy of src/lib/identity.ts as of this migration.
const IGNORED = /[\p{Cf}\p{Default_Ignorable_Code_Point}\s]/gu;
const CASED = /\p{Changes_When_Casemapped}/gu;
const foldCase = (text: string) => text.replace(CASED, (ch) => ch.toUpperCase().toLowerCase());
const reduce = (text: string) =>
  foldCase(text.replace(IGNORED, "").normalize("NFKC")).normalize("NFKC").replace(IGNORED, "");
function identityKey(text: string): string {
  let key = reduce(text);
  for (let i = 0; i < 8; i++) {
    const next = reduce(key);
    if (next === key) break;
    key = next;
  }
  return key;
}
// The keys as they were computed before.
const oldKey = (text: string) => text.normalize("NFKC").replace(/\s+/g, "").toLowerCase();

function firstAuthorName(authors: unknown): string {
  const list = (typeof authors === "string" ? JSON.parse(authors) : authors) as { name?: string }[];
  return list[0]?.name ?? "";
}

async function rekey(knex: Knex, key: (text: string) => string): Promise<void> {
  const rows: { id: string; authors: unknown; unit: string | null; first_author_key: string; unit_key: string }[] =
    await knex("entries").select("id", "authors", "unit", "first_author_key", "unit_key");
  for (const row of rows) {
    const firstAuthorKey = key(firstAuthorName(row.authors));
    const unitKey = key(row.unit ?? "");
    if (firstAuthorKey !== row.first_author_key || unitKey !== row.unit_key)
      await knex("entries").where({ id: row.id }).update({ first_author_key: firstAuthorKey, unit_key: unitKey });
  }
}

export async function up(knex: Knex): Promise<void> {
  await rekey(knex, identityKey);
  await knex.schema.alterTable("entries", (t) => {
    t.index(["contest_id", "unit_key"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("entries", (t) => {
    t.dropIndex(["contest_id", "unit_key"]);
  });
  await rekey(knex, oldKey);
}
