/** One changed setting as the audit log records it: a dotted path ("rules.maxEntriesPerAuthor") and both values. */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Every leaf that differs between two settings objects, nested objects walked key by key (so a rule
 * change says which rule), arrays compared whole. Pure; the audit log shows each as 字段: 旧 → 新.
 */
export function fieldChanges(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  prefix = "",
): FieldChange[] {
  const out: FieldChange[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const from = before[key];
    const to = after[key];
    const field = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(from) && isPlainObject(to)) out.push(...fieldChanges(from, to, field));
    else if (JSON.stringify(from ?? null) !== JSON.stringify(to ?? null))
      out.push({ field, from: from ?? null, to: to ?? null });
  }
  return out;
}
