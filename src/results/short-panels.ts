/**
 * Short panels (DESIGN §3), pure: a ranked entry with fewer submitted sheets than its round requires is
 * short; it may be published only once the organizer has accepted it with a reason, and only for the
 * number of sheets he saw (another sheet lost since then makes it short again).
 */

/** A short entry of the results, accepted (with its reason) or not. */
export interface ShortPanel {
  entryId: string;
  code: string;
  sheets: number;
  required: number;
  reason: string | null;
}

/** An accepted short panel as the rules in force print and the snapshots publish it. */
export type AcceptedShortPanel = ShortPanel & { reason: string };

export function shortPanelsOf(
  rows: readonly { entryId: string; code: string; judges: number }[],
  required: number,
  accepted: ReadonlyMap<string, { sheets: number; reason: string }>,
): ShortPanel[] {
  return rows
    .filter((r) => r.judges < required)
    .map((r) => {
      const acceptance = accepted.get(r.entryId);
      return {
        entryId: r.entryId,
        code: r.code,
        sheets: r.judges,
        required,
        reason: acceptance && acceptance.sheets === r.judges ? acceptance.reason : null,
      };
    });
}

export const isAccepted = (panel: ShortPanel): panel is AcceptedShortPanel => panel.reason !== null;
