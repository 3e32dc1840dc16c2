import { ValidationError } from "../lib/errors.js";

/**
 * Vote counts typed or pasted on the review page, one entry a line: "SP-2026-0001 1234" (a space,
 * a tab as a spreadsheet pastes it, or a comma between; thousands separators are not allowed).
 * Blank lines are skipped; a line that is not a code and a whole number ≥ 0, or a code listed twice,
 * is refused naming it. Pure.
 */
export function parsePublicVotesText(text: string): Record<string, number> {
  const votes: Record<string, number> = {};
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === "") continue;
    const match = /^(\S+?)[\s,，]+(\d{1,10})$/.exec(line);
    const count = match ? Number(match[2]) : Number.NaN;
    if (!match || count > 1_000_000_000) throw new ValidationError("errors.votesLine", { line: i + 1, text: line.slice(0, 60) }, { line: i + 1 }, "votes_line");
    const code = match[1]!;
    if (code in votes) throw new ValidationError("errors.votesDuplicate", { code }, { code }, "votes_duplicate");
    votes[code] = count;
  }
  return votes;
}

/** The votes as the review page shows them back: one "code count" line per entry. */
export function publicVotesText(votes: Record<string, number>): string {
  return Object.entries(votes)
    .map(([code, count]) => `${code} ${count}`)
    .join("\n");
}
