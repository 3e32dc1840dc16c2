/**
 * The one key under which names of people, units, cities and e-mail addresses are compared
 * (conflicts of interest, per-author and per-unit limits, duplicates, the roster, the quota's city).
 * What is shown stays as typed; only the key is reduced.
 *
 * Invisible characters must not make a new person or unit: `河北\u200B大学` is 河北大学 (Trust issue,
 * item 4). Removed: every format character (\p{Cf}: zero-width space and joiners, BOM, bidi marks,
 * soft hyphen), every other default-ignorable code point (variation selectors, the combining
 * grapheme joiner, Hangul fillers) and all whitespace (NBSP, ideographic space); then NFKC folds
 * full-width and compatibility forms, and case is folded.
 */
const IGNORED = /[\p{Cf}\p{Default_Ignorable_Code_Point}\s]/gu;

/**
 * Case folded one character at a time (upper, then lower: ß → ss, ſ → s, ς → σ): String#toLowerCase
 * looks at the neighbours (Σ becomes ς at a word's end), so a removed mark could change the key.
 */
const CASED = /\p{Changes_When_Casemapped}/gu;
const foldCase = (text: string) => text.replace(CASED, (ch) => ch.toUpperCase().toLowerCase());

function reduce(text: string): string {
  return foldCase(text.replace(IGNORED, "").normalize("NFKC")).normalize("NFKC").replace(IGNORED, "");
}

/**
 * The comparison key of a name: equal keys mean the same person, unit or city. Idempotent: removing a
 * character can let NFKC compose what it separated (and NFKC can yield a space, as in `¨` → ` ̈`), so
 * the reduction runs until nothing changes (twice in practice; the bound only guarantees an end).
 */
export function identityKey(text: string): string {
  let key = reduce(text);
  for (let i = 0; i < 8; i++) {
    const next = reduce(key);
    if (next === key) break;
    key = next;
  }
  return key;
}

/** Whether two names are the same identity; an empty key (nothing visible) matches nothing. */
export function sameIdentity(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return false;
  const key = identityKey(a);
  return key !== "" && key === identityKey(b);
}
