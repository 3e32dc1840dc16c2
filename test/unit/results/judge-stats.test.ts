import { expect } from "chai";
import fc from "fast-check";
import {
  BIAS_MIN_ENTRIES,
  judgeStatistics,
  OUTLIER_MIN_OTHERS,
  type StatSheet,
} from "../../../src/results/judge-stats.js";

/**
 * A slow, obvious reference: totals are whole tenths (rubric step 0.1), so every sum is an integer
 * and every decision is an integer comparison, or one of plain BigInt fractions (Rat below). It
 * shares no code with src/results/decimal.ts.
 */
interface Gen {
  entry: number;
  judge: number;
  tenths: number;
}

class Rat {
  constructor(
    readonly n: bigint,
    readonly d: bigint = 1n,
  ) {}
  static of(v: number): Rat {
    return new Rat(BigInt(v));
  }
  plus(o: Rat): Rat {
    return new Rat(this.n * o.d + o.n * this.d, this.d * o.d);
  }
  minus(o: Rat): Rat {
    return new Rat(this.n * o.d - o.n * this.d, this.d * o.d);
  }
  times(o: Rat): Rat {
    return new Rat(this.n * o.n, this.d * o.d);
  }
  over(o: Rat): Rat {
    return o.n < 0n ? new Rat(-this.n * o.d, this.d * -o.n) : new Rat(this.n * o.d, this.d * o.n);
  }
  /** Sign of this − o (denominators are positive). */
  cmp(o: Rat): number {
    const diff = this.n * o.d - o.n * this.d;
    return diff > 0n ? 1 : diff < 0n ? -1 : 0;
  }
  float(): number {
    return Number(this.n) / Number(this.d);
  }
}

const toSheets = (gen: readonly Gen[]): StatSheet[] =>
  gen.map((g) => ({ entryId: `e${g.entry}`, judgeId: `j${g.judge}`, total: g.tenths / 10 }));

function byKey<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}

const sumOf = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Outliers by the rule, literally: for each sheet, the other sheets of its entry, in integers. */
function refOutliers(gen: readonly Gen[]): string[] {
  const flagged: string[] = [];
  for (const group of byKey(gen, (g) => `e${g.entry}`).values()) {
    for (const sheet of group) {
      const others = group.filter((g) => g !== sheet).map((g) => g.tenths);
      const k = others.length;
      if (k < 3) continue;
      // (x − mean)² = D² / k²; sample variance = V / (k(k − 1)).
      const d = k * sheet.tenths - sumOf(others);
      const v = k * sumOf(others.map((o) => o * o)) - sumOf(others) ** 2;
      if (v === 0) continue;
      // D²/k² > (5/2)² · V/(k(k − 1))  ⟺  4·D²·(k − 1) > 25·k·V
      if (4 * d * d * (k - 1) > 25 * k * v) flagged.push(`e${sheet.entry}/j${sheet.judge}`);
    }
  }
  return flagged.sort();
}

interface RefJudge {
  sheets: number;
  mean: number;
  sd: number;
  compared: number;
  offset: number | null;
  correlation: number | null;
  bias: "lenient" | "harsh" | null;
}

function refJudges(gen: readonly Gen[]): Map<string, RefJudge> {
  const entries = byKey(gen, (g) => `e${g.entry}`);
  // Pooled within-entry variance, as a fraction of tenths².
  let squares = new Rat(0n);
  let degrees = 0;
  for (const group of entries.values()) {
    if (group.length < 2) continue;
    const n = group.length;
    const s = sumOf(group.map((g) => g.tenths));
    // Σ(x − mean)² = Σx² − s²/n
    squares = squares.plus(Rat.of(sumOf(group.map((g) => g.tenths ** 2))).minus(new Rat(BigInt(s * s), BigInt(n))));
    degrees += n - 1;
  }
  const within = degrees > 0 ? squares.over(Rat.of(degrees)) : null;
  const out = new Map<string, RefJudge>();
  for (const [judge, own] of byKey(gen, (g) => `j${g.judge}`)) {
    const totals = own.map((g) => g.tenths / 10);
    const mean = sumOf(totals) / totals.length;
    const sd = Math.sqrt(sumOf(totals.map((t) => (t - mean) ** 2)) / totals.length);
    const pairs = own
      .map((g) => ({
        mine: g.tenths,
        others: entries
          .get(`e${g.entry}`)!
          .filter((o) => o !== g)
          .map((o) => o.tenths),
      }))
      .filter((p) => p.others.length > 0)
      .map((p) => ({ mine: Rat.of(p.mine), others: new Rat(BigInt(sumOf(p.others)), BigInt(p.others.length)) }));
    let offset: Rat | null = null;
    for (const p of pairs) offset = (offset ?? new Rat(0n)).plus(p.mine.minus(p.others));
    if (offset) offset = offset.over(Rat.of(pairs.length));
    let bias: RefJudge["bias"] = null;
    if (offset && within && pairs.length >= 5 && offset.times(offset).cmp(within) > 0)
      bias = offset.cmp(new Rat(0n)) > 0 ? "lenient" : "harsh";
    // Pearson's r in plain floats (tenths → points).
    let correlation: number | null = null;
    if (pairs.length >= 2) {
      const xs = pairs.map((p) => p.mine.float() / 10);
      const ys = pairs.map((p) => p.others.float() / 10);
      const mx = sumOf(xs) / xs.length;
      const my = sumOf(ys) / ys.length;
      const sxx = sumOf(xs.map((x2) => (x2 - mx) ** 2));
      const syy = sumOf(ys.map((y2) => (y2 - my) ** 2));
      const sxy = sumOf(xs.map((x2, i) => (x2 - mx) * (ys[i] - my)));
      // Constant sides are decided exactly: all the same integer tenths, or all the same fraction.
      const flatX = new Set(pairs.map((p) => p.mine.float())).size === 1;
      const flatY = pairs.every((p) => p.others.cmp(pairs[0].others) === 0);
      correlation = flatX || flatY ? null : sxy / Math.sqrt(sxx * syy);
    }
    out.set(judge, {
      sheets: own.length,
      mean,
      sd,
      compared: pairs.length,
      offset: offset ? offset.float() / 10 : null,
      correlation,
      bias,
    });
  }
  return out;
}

const roundArb = fc.uniqueArray(
  fc.record({
    entry: fc.integer({ min: 0, max: 6 }),
    judge: fc.integer({ min: 0, max: 6 }),
    // Mostly close totals (a panel that agrees), sometimes anything, sometimes popular values for ties.
    tenths: fc.oneof(fc.integer({ min: 780, max: 860 }), fc.integer({ min: 0, max: 1000 }), fc.constantFrom(800, 850)),
  }),
  { selector: (s) => `${s.entry}/${s.judge}`, minLength: 1, maxLength: 49 },
);

/** A round in which judge 0 is harsh or lenient by `shift` tenths on every entry. */
const biasedRoundArb = fc
  .record({
    entries: fc.integer({ min: 3, max: 9 }),
    judges: fc.integer({ min: 3, max: 6 }),
    shift: fc.integer({ min: -150, max: 150 }),
    noise: fc.array(fc.integer({ min: -30, max: 30 }), { minLength: 54, maxLength: 54 }),
  })
  .map(({ entries, judges, shift, noise }) => {
    const gen: Gen[] = [];
    for (let e = 0; e < entries; e += 1) {
      for (let j = 0; j < judges; j += 1)
        gen.push({ entry: e, judge: j, tenths: 600 + e * 30 + noise[e * judges + j] + (j === 0 ? shift : 0) });
    }
    return gen;
  });

const close = (a: number | null, b: number | null) =>
  a === null || b === null ? a === b : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

function checkAgainstReference(gen: readonly Gen[]): void {
  const stats = judgeStatistics(toSheets(gen));
  expect(stats.outliers.map((o) => `${o.entryId}/${o.judgeId}`).sort()).to.deep.equal(refOutliers(gen));
  for (const o of stats.outliers) expect(Math.abs(o.deviations)).to.be.greaterThan(2.5 - 1e-9);
  const ref = refJudges(gen);
  expect(stats.judges.map((j) => j.judgeId).sort()).to.deep.equal([...ref.keys()].sort());
  for (const j of stats.judges) {
    const r = ref.get(j.judgeId)!;
    expect(j.sheets).to.equal(r.sheets);
    expect(j.compared).to.equal(r.compared);
    expect(j.bias, j.judgeId).to.equal(r.bias);
    expect(close(j.mean, r.mean), `mean ${j.mean} vs ${r.mean}`).to.equal(true);
    expect(close(j.sd, r.sd), `sd ${j.sd} vs ${r.sd}`).to.equal(true);
    expect(close(j.offset, r.offset), `offset ${j.offset} vs ${r.offset}`).to.equal(true);
    expect(j.correlation === null, `correlation defined: ${j.correlation} vs ${r.correlation}`).to.equal(
      r.correlation === null,
    );
    if (j.correlation !== null) expect(Math.abs(j.correlation - r.correlation!)).to.be.lessThan(1e-9);
  }
}

describe("results/judge-stats", () => {
  describe("worked examples", () => {
    it("flags an obvious outlier sheet, and only that one: 85, 86, 84, 85, 40", () => {
      // For the 40: the others are 85, 86, 84, 85, mean 85, sample deviation √(2/3) ≈ 0.816;
      // 40 is 45 below, about 55 deviations. For the 86: the others (85, 84, 85, 40) spread widely.
      const stats = judgeStatistics(
        [85, 86, 84, 85, 40].map((total, i) => ({ entryId: "A", judgeId: `j${i + 1}`, total })),
      );
      expect(stats.outliers).to.have.length(1);
      const [o] = stats.outliers;
      expect(o).to.include({ entryId: "A", judgeId: "j5", total: 40, othersMean: 85 });
      expect(o.othersSd).to.be.closeTo(Math.sqrt(2 / 3), 1e-12);
      expect(o.deviations).to.be.closeTo(-45 / Math.sqrt(2 / 3), 1e-9);
    });

    it("decides a sheet exactly on 2.5 deviations as not an outlier, and one tenth beyond as one", () => {
      // Others 80, 82, 84: mean 82, sample variance (4 + 0 + 4) / 2 = 4, deviation 2 → the limit is 82 ± 5.
      const entry = (last: number) => [80, 82, 84, last].map((total, i) => ({ entryId: "A", judgeId: `j${i}`, total }));
      expect(judgeStatistics(entry(87)).outliers).to.deep.equal([]);
      expect(judgeStatistics(entry(77)).outliers).to.deep.equal([]);
      expect(judgeStatistics(entry(87.1)).outliers.map((o) => o.judgeId)).to.deep.equal(["j3"]);
      expect(judgeStatistics(entry(76.9)).outliers.map((o) => o.judgeId)).to.deep.equal(["j3"]);
    });

    it(`needs ${OUTLIER_MIN_OTHERS} other sheets and a non-zero deviation among them`, () => {
      const sheets = (totals: number[]) => totals.map((total, i) => ({ entryId: "A", judgeId: `j${i}`, total }));
      expect(judgeStatistics(sheets([85, 86, 10])).outliers).to.deep.equal([]);
      expect(judgeStatistics(sheets([85, 85, 85, 10])).outliers).to.deep.equal([]);
    });

    it("flags a harsh judge ten points under the panel on six entries, and no one else", () => {
      // Entry quality q = 90, 85, …, 65; judges 1–4 give q + 1, q − 1, q + 0.5, q − 0.5; judge 5 gives q − 10.
      // Judge 5's offset: (q − 10) − q = −10 on every entry. Within an entry the totals deviate from
      // their mean q − 2 by 3, 1, 2.5, 1.5, −8: squares 82.5, over 4 degrees of freedom per entry →
      // pooled variance 82.5 × 6 / 24 = 20.625, deviation ≈ 4.54 < 10 → harsh.
      // Judge 1: 1 − (−1 + 0.5 − 0.5 − 10) / 4 = 3.75 < 4.54 → not flagged.
      const noise = [1, -1, 0.5, -0.5, -10];
      const sheets: StatSheet[] = [];
      for (const [e, q] of [90, 85, 80, 75, 70, 65].entries())
        noise.forEach((n, j) => sheets.push({ entryId: `e${e}`, judgeId: `j${j + 1}`, total: q + n }));
      const stats = judgeStatistics(sheets);
      expect(stats.withinEntrySd).to.be.closeTo(Math.sqrt(20.625), 1e-12);
      const j5 = stats.judges.find((j) => j.judgeId === "j5")!;
      expect(j5).to.include({ sheets: 6, compared: 6, offset: -10, bias: "harsh" });
      expect(j5.correlation).to.be.closeTo(1, 1e-12);
      expect(j5.mean).to.equal(67.5);
      expect(j5.sd).to.be.closeTo(Math.sqrt(875 / 12), 1e-12);
      expect(stats.judges.find((j) => j.judgeId === "j1")).to.include({ offset: 3.75, bias: null });
      expect(stats.judges.filter((j) => j.bias !== null).map((j) => j.judgeId)).to.deep.equal(["j5"]);
      // Each of his sheets is an outlier too: the other four agree within ±1 (sample deviation
      // √(2.5/3) ≈ 0.91), and 10 below their mean is about 11 deviations.
      expect(stats.outliers.map((o) => `${o.entryId}/${o.judgeId}`)).to.deep.equal([
        "e0/j5",
        "e1/j5",
        "e2/j5",
        "e3/j5",
        "e4/j5",
        "e5/j5",
      ]);
      expect(stats.outliers[0].deviations).to.be.closeTo(-10 / Math.sqrt(2.5 / 3), 1e-9);
    });

    it(`does not judge bias on fewer than ${BIAS_MIN_ENTRIES} compared entries`, () => {
      const sheets: StatSheet[] = [];
      for (const [e, q] of [90, 80, 70, 60].entries())
        [1, -1, 0, -20].forEach((n, j) => sheets.push({ entryId: `e${e}`, judgeId: `j${j}`, total: q + n }));
      const stats = judgeStatistics(sheets);
      expect(stats.judges.find((j) => j.judgeId === "j3")).to.include({ compared: 4, bias: null });
    });

    it("correlation is null with one shared entry or a judge who gives the same total everywhere", () => {
      const one = judgeStatistics([
        { entryId: "A", judgeId: "x", total: 80 },
        { entryId: "A", judgeId: "y", total: 70 },
      ]);
      expect(one.judges.map((j) => j.correlation)).to.deep.equal([null, null]);
      const flat = judgeStatistics([
        { entryId: "A", judgeId: "x", total: 80 },
        { entryId: "A", judgeId: "y", total: 70 },
        { entryId: "B", judgeId: "x", total: 80 },
        { entryId: "B", judgeId: "y", total: 90 },
      ]);
      expect(flat.judges.find((j) => j.judgeId === "x")!.correlation).to.equal(null);
      expect(flat.judges.find((j) => j.judgeId === "x")!.offset).to.equal(0);
    });

    it("a judge with no shared entry has no offset and no correlation; a single sheet has deviation 0", () => {
      const stats = judgeStatistics([{ entryId: "A", judgeId: "x", total: 77.5 }]);
      expect(stats.judges).to.deep.equal([
        { judgeId: "x", sheets: 1, mean: 77.5, sd: 0, compared: 0, offset: null, correlation: null, bias: null },
      ]);
      expect(stats.withinEntrySd).to.equal(null);
      expect(stats.allTotalsSd).to.equal(0);
      expect(judgeStatistics([])).to.deep.equal({ judges: [], outliers: [], withinEntrySd: null, allTotalsSd: null });
    });

    it("reads totals as the decimals they stand for: 87.00000000000001 is 87, on the limit", () => {
      const entry = (x: number) => [80, 82, 84, x].map((total, i) => ({ entryId: "A", judgeId: `j${i}`, total }));
      expect(judgeStatistics(entry(80 + 7.000000000000001)).outliers).to.deep.equal([]);
    });

    it("refuses two sheets of one judge for one entry", () => {
      expect(() =>
        judgeStatistics([
          { entryId: "A", judgeId: "x", total: 1 },
          { entryId: "A", judgeId: "x", total: 2 },
        ]),
      ).to.throw(RangeError);
    });
  });

  describe("properties against the slow reference", () => {
    it("random rounds: outliers, offsets, bias, means, deviations and correlations agree", () => {
      fc.assert(
        fc.property(roundArb, (gen) => checkAgainstReference(gen)),
        { numRuns: 300 },
      );
    });

    it("rounds with one shifted judge: the same, with biased judges common", () => {
      let flagged = 0;
      let outliers = 0;
      fc.assert(
        fc.property(biasedRoundArb, (gen) => {
          checkAgainstReference(gen);
          const stats = judgeStatistics(toSheets(gen));
          if (stats.judges.some((j) => j.bias !== null)) flagged += 1;
          if (stats.outliers.length > 0) outliers += 1;
        }),
        { numRuns: 200 },
      );
      // The generator is meant to exercise both rules, not only their "no" side.
      expect(flagged).to.be.greaterThan(20);
      expect(outliers).to.be.greaterThan(20);
    });

    it("statistics do not depend on the order of the sheets", () => {
      fc.assert(
        fc.property(roundArb, fc.integer(), (gen, seed) => {
          const shuffled = [...gen].sort(
            (a, b) => ((a.entry * 31 + a.judge * 17 + seed) % 7) - ((b.entry * 31 + b.judge * 17 + seed) % 7),
          );
          const a = judgeStatistics(toSheets(gen));
          const b = judgeStatistics(toSheets(shuffled));
          const key = (s: typeof a) => ({
            outliers: s.outliers.map((o) => `${o.entryId}/${o.judgeId}`).sort(),
            judges: [...s.judges]
              .sort((x, y) => (x.judgeId < y.judgeId ? -1 : 1))
              .map((j) => [j.judgeId, j.bias, j.compared, j.sheets]),
          });
          expect(key(b)).to.deep.equal(key(a));
        }),
        { numRuns: 100 },
      );
    });
  });
});
