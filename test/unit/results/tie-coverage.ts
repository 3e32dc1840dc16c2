/**
 * Counts how many runs of a property reached each kind of tie, so that a property over the ranking
 * cannot pass on inputs that never exercise the tie chain. A property records what each run saw;
 * after fc.assert the test asserts a minimum share per kind and shows the shares in its title.
 */
import { expect } from "chai";

export type TieKind = "2nd criterion" | "3rd criterion" | "full tie";
export const TIE_KINDS: readonly TieKind[] = ["2nd criterion", "3rd criterion", "full tie"];

export class RunShares<K extends string = TieKind> {
  private runs = 0;
  private readonly seen = new Map<K, number>();

  constructor(private readonly kinds: readonly K[]) {
    for (const kind of kinds) this.seen.set(kind, 0);
  }

  /** One run, with the kinds it reached (each counted once per run). */
  record(kinds: Iterable<K>): void {
    this.runs += 1;
    for (const kind of new Set(kinds)) this.seen.set(kind, (this.seen.get(kind) ?? 0) + 1);
  }

  share(kind: K): number {
    return this.runs === 0 ? 0 : this.seen.get(kind)! / this.runs;
  }

  /** e.g. "2nd criterion 61%, 3rd criterion 40%, full tie 35% of 1000 runs". */
  summary(): string {
    return `${this.kinds.map((k) => `${k} ${Math.round(100 * this.share(k))}%`).join(", ")} of ${this.runs} runs`;
  }

  /** Appends the summary to the running mocha test's title (call it in a `function ()` test). */
  showIn(context: Mocha.Context): this {
    if (context.test) context.test.title += ` [${this.summary()}]`;
    return this;
  }

  expectAtLeast(minShare: number): void {
    for (const kind of this.kinds)
      expect(this.share(kind), `share of runs reaching "${kind}" (${this.summary()})`).to.be.at.least(minShare);
  }
}

/** The tie kinds in a ranking given by position (rank and tieBrokenBy parallel, best first). */
export function tieKindsOf(positions: { rank: readonly number[]; tieBrokenBy: readonly (number | null)[] }): TieKind[] {
  const kinds: TieKind[] = [];
  for (let i = 1; i < positions.rank.length; i++) {
    if (positions.rank[i] === positions.rank[i - 1]) kinds.push("full tie");
    if (positions.tieBrokenBy[i] === 1) kinds.push("2nd criterion");
    if (positions.tieBrokenBy[i] === 2) kinds.push("3rd criterion");
  }
  return kinds;
}
