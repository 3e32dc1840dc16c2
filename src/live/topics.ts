/**
 * The random-topic bank (随机命题) of a live final as an organizer uploads it: one topic per row under a
 * header `题目` or `topic`. Pure: records in, topics out; no database, no clock.
 */
import { identityKey } from "../lib/identity.js";
import { ValidationError } from "../lib/errors.js";
import { cleanCell, tooManyRows, type TableRecord } from "../media/table-file.js";

/** A bank holds at most this many topics per file; a topic at most this many characters (the column's width). */
export const MAX_TOPICS = 2000;
export const MAX_TOPIC_LENGTH = 500;

/** The header's spellings, compared after NFKC and case folding (`Topic`, `ＴＯＰＩＣ`, `题目`). */
const HEADERS = new Set(["题目", "topic"].map(identityKey));

/** The column of a header row holding the topics, or -1. */
export function topicColumn(cells: readonly string[]): number {
  return cells.findIndex((cell) => HEADERS.has(identityKey(cleanCell(cell))));
}

/**
 * The topics of a file: the first non-blank row is the header; blank cells are skipped, and so is a
 * topic met before (the same text up to spaces, width and case). A file without the header, without
 * any topic, with more than MAX_TOPICS rows of topics or with a topic too long is refused as a whole.
 */
export function topicsOf(records: readonly TableRecord[]): string[] {
  const header = records.find((r) => r.cells.some((cell) => cleanCell(cell) !== ""));
  const column = header ? topicColumn(header.cells) : -1;
  if (!header || column < 0)
    throw new ValidationError("errors.topicsHeader", {}, { headerRow: header?.row ?? null }, "topics_header");
  const rows = records
    .filter((r) => r.row > header.row)
    .map((r) => ({ row: r.row, text: cleanCell(r.cells[column] ?? "") }))
    .filter((r) => r.text !== "");
  if (rows.length === 0) throw new ValidationError("errors.topicsEmpty", {}, undefined, "topics_empty");
  if (rows.length > MAX_TOPICS) throw tooManyRows("topics", MAX_TOPICS, rows.length);
  const long = rows.find((r) => [...r.text].length > MAX_TOPIC_LENGTH);
  if (long)
    throw new ValidationError(
      "errors.topicTooLong",
      { row: long.row, max: MAX_TOPIC_LENGTH },
      { row: long.row, max: MAX_TOPIC_LENGTH },
      "topic_too_long",
    );
  const seen = new Set<string>();
  const topics: string[] = [];
  for (const { text } of rows) {
    const key = identityKey(text);
    if (seen.has(key)) continue;
    seen.add(key);
    topics.push(text);
  }
  return topics;
}
