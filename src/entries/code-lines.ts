import { ValidationError } from "../lib/errors.js";

/**
 * Values typed or pasted on the review page, one entry a line: "SP-2026-0001 1234" (a space, a tab
 * as a spreadsheet pastes it, or a comma between). Blank lines are skipped; a line whose value
 * `read` refuses (null), or a code listed twice, is refused naming it (`lineKey` says what a line
 * should be). Pure.
 */
function parseCodeLines<T>(text: string, lineKey: string, read: (value: string) => T | null): Record<string, T> {
  const values: Record<string, T> = {};
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === "") continue;
    const match = /^(\S+?)[\s,，]+(\S+)$/.exec(line);
    const value = match ? read(match[2]) : null;
    if (value === null)
      throw new ValidationError(lineKey, { line: i + 1, text: line.slice(0, 60) }, { line: i + 1 }, "bad_line");
    const code = match![1];
    if (code in values) throw new ValidationError("errors.codeListedTwice", { code }, { code }, "duplicate_code");
    values[code] = value;
  }
  return values;
}

/** Vote counts: whole numbers from 0 to 10⁹, no thousands separators. */
export function parsePublicVotesText(text: string): Record<string, number> {
  return parseCodeLines(text, "errors.votesLine", (v) =>
    /^\d{1,10}$/.test(v) && Number(v) <= 1_000_000_000 ? Number(v) : null,
  );
}

/** Talk times as m:ss (4:05) or whole seconds (245), at most two hours. */
export function parseTalkTimesText(text: string): Record<string, number> {
  return parseCodeLines(text, "errors.talkTimeLine", (v) => {
    const clock = /^(\d{1,3})[:：](\d{2})$/.exec(v);
    const seconds = clock ? Number(clock[1]) * 60 + Number(clock[2]) : /^\d{1,4}$/.test(v) ? Number(v) : null;
    return seconds !== null && (!clock || Number(clock[2]) < 60) && seconds <= 7200 ? seconds : null;
  });
}

/** The values as the review page shows them back: one "code value" line per entry. */
export function codeLinesText(values: Record<string, number | string>): string {
  return Object.entries(values)
    .map(([code, value]) => `${code} ${value}`)
    .join("\n");
}

/** Seconds as m:ss, as talk times are announced. */
export function minutesSeconds(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}
