import type { Knex } from "knex";

export interface TopicRow {
  id: string;
  position: number;
  text: string;
  drawn: boolean;
}

/** The contest's topic bank in its order, drawn ones included. */
export async function listTopics(db: Knex, contestId: string): Promise<TopicRow[]> {
  const rows: Record<string, unknown>[] = await db("live_topics")
    .where({ contest_id: contestId })
    .orderBy([{ column: "position" }, { column: "id" }])
    .select("id", "position", "text", "drawn_entry_id");
  return rows.map((r) => ({
    id: String(r.id),
    position: Number(r.position),
    text: String(r.text),
    drawn: r.drawn_entry_id !== null,
  }));
}

/** Removes the topics not drawn yet; answers how many went. */
export async function deleteUndrawnTopics(trx: Knex, contestId: string): Promise<number> {
  return trx("live_topics").where({ contest_id: contestId }).whereNull("drawn_entry_id").del();
}

export async function insertTopics(
  trx: Knex,
  rows: { id: string; contestId: string; position: number; text: string }[],
): Promise<void> {
  // 4 columns × 200 rows stays under SQLite's limit of bound parameters per statement.
  for (let i = 0; i < rows.length; i += 200)
    await trx("live_topics").insert(
      rows.slice(i, i + 200).map((r) => ({ id: r.id, contest_id: r.contestId, position: r.position, text: r.text })),
    );
}
