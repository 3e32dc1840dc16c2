import { expect } from "chai";
import fc from "fast-check";
import { assertValidSegments, drawOrder, timerView, type Timing } from "../../../src/live/live.rules.js";
import type { Segment } from "../../../src/live/live.schemas.js";
import { defaultSegments } from "../../../src/live/live.service.js";
import { defaultRubric } from "../../../src/contests/rubric.js";

const RUBRIC = { criteria: [{ key: "a", label: "甲", max: 10, step: 1 }] };
const START = Date.parse("2026-05-20T01:00:00.000Z");

/**
 * The timer as the issue states it, written apart: limit S, cutoff S + 30; under round(0.75·S) and over
 * S + 15 each cost 2 points; past the cutoff the talk shows stopped there; while running only the
 * over-time deduction is known.
 */
function referenceTimer(limit: number | null, elapsedMs: number, recorded: number | null) {
  const cutoff = limit === null ? null : limit + 30;
  const stopped = recorded !== null;
  const running = !stopped && (cutoff === null || elapsedMs < cutoff * 1000);
  let seconds = stopped ? recorded : Math.floor(elapsedMs / 1000);
  if (!stopped && cutoff !== null && seconds >= cutoff) seconds = cutoff;
  let deduction: { points: number; reason: string } | null = null;
  if (limit !== null) {
    if (!running && seconds < Math.round(0.75 * limit)) deduction = { points: -2, reason: "under" };
    if (seconds > limit + 15) deduction = { points: -2, reason: "over" };
  }
  return { running, seconds, deduction, cutoff };
}

describe("live final rules (pure)", () => {
  it("the draw is a permutation of the finalists that depends only on the seed and their codes", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 9999 }), { minLength: 1, maxLength: 30 }),
        fc.oneof(fc.string({ minLength: 1 }), fc.integer().map(String)),
        (seqs, seed) => {
          const finalists = seqs.map((n) => ({ code: `JJ-2026-${String(n).padStart(4, "0")}` }));
          const drawn = drawOrder(finalists, seed).map((f) => f.code);
          expect([...drawn].sort()).to.deep.equal(finalists.map((f) => f.code).sort());
          // The same seed draws the same order, whatever order the finalists were listed in.
          expect(drawOrder([...finalists].reverse(), seed).map((f) => f.code)).to.deep.equal(drawn);
        },
      ),
    );
  });

  it("the timer shows what the reference says: stopped at the cutoff, the deductions at their limits", () => {
    // Elapsed and recorded times drawn anywhere, or within a second of round(0.75·S), S + 15 and S + 30.
    const case_ = fc.option(fc.integer({ min: 10, max: 3600 }), { nil: null }).chain((limit) => {
      const edges = limit === null ? [60] : [Math.round(0.75 * limit), limit + 15, limit + 30];
      const near = fc
        .tuple(fc.constantFrom(...edges), fc.integer({ min: -1, max: 1 }))
        .map(([e, d]) => Math.max(0, e + d));
      const anywhere = fc.integer({ min: 0, max: 4000 });
      const seconds = fc.oneof(near, anywhere);
      return fc.record({
        limit: fc.constant(limit),
        elapsedMs: fc.tuple(seconds, fc.integer({ min: 0, max: 999 })).map(([sec, ms]) => sec * 1000 + ms),
        recorded: fc.option(seconds, { nil: null }),
      });
    });
    fc.assert(
      fc.property(case_, ({ limit, elapsedMs, recorded }) => {
        const segment: Pick<Segment, "seconds"> = limit === null ? {} : { seconds: limit };
        const timing: Timing = {
          startedAt: new Date(START).toISOString(),
          stoppedAt: recorded === null ? null : new Date(START + recorded * 1000).toISOString(),
          seconds: recorded,
        };
        const view = timerView(timing, segment, new Date(START + elapsedMs));
        const shown = { running: view.running, seconds: view.seconds, deduction: view.deduction, cutoff: view.cutoff };
        expect(shown).to.deep.equal(referenceTimer(limit, elapsedMs, recorded));
      }),
    );
    // The explainer's 4:00 talk: 179 s −2, 180 s and 255 s nothing, 256 s −2, and a talk never stopped shows 270 s.
    const at = (recorded: number | null, elapsed: number) => {
      const timing = {
        startedAt: new Date(START).toISOString(),
        stoppedAt: recorded === null ? null : "x",
        seconds: recorded,
      };
      return timerView(timing, { seconds: 240 }, new Date(START + elapsed * 1000));
    };
    expect(at(179, 0).deduction?.reason).to.equal("under");
    expect(at(180, 0).deduction).to.equal(null);
    expect(at(255, 0).deduction).to.equal(null);
    expect(at(256, 0).deduction?.reason).to.equal("over");
    expect(at(null, 1000)).to.deep.include({ running: false, seconds: 270 });
  });

  it("weights must sum to exactly 1, compared in millionths", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: -3, max: 3 }),
        (parts, off) => {
          // Millionths summing to 1 000 000 (+ off), as weights.
          const total = parts.reduce((a, b) => a + b, 0);
          const millionths = parts.map((p) => Math.max(1, Math.floor((p * 1_000_000) / total)));
          millionths[0] += 1_000_000 - millionths.reduce((a, b) => a + b, 0) + off;
          fc.pre(millionths[0] >= 1 && millionths[0] <= 1_000_000);
          const segments = millionths.map((m, i) => ({
            key: `s${i}`,
            label: `环节${i}`,
            weight: m / 1_000_000,
            rubric: RUBRIC,
          }));
          if (off === 0) expect(() => assertValidSegments(segments)).to.not.throw();
          else
            expect(() => assertValidSegments(segments))
              .to.throw()
              .with.property("code", "invalid_segments");
        },
      ),
    );
  });

  it("the default segments are valid: the explainer's four, the experiment show's one with its rubric", () => {
    const explainer = defaultSegments({ kind: "explainer", rubric: defaultRubric("explainer") });
    expect(explainer.map((s) => [s.key, s.label, s.weight, s.seconds])).to.deep.equal([
      ["selfTopic", "自主命题", 0.5, 240],
      ["randomTopic", "随机命题", 0.3, 120],
      ["quiz", "科技常识测试", 0.1, undefined],
      ["qa", "评委问答", 0.1, undefined],
    ]);
    expect(explainer[0].rubric.criteria.map((c) => [c.label, c.max])).to.deep.equal([
      ["科学准确", 40],
      ["内容新颖", 30],
      ["仪态形象", 20],
      ["语言表达", 10],
    ]);
    const experiment = defaultSegments({ kind: "experiment", rubric: defaultRubric("experiment") });
    expect(experiment.map((s) => [s.key, s.label, s.weight, s.seconds])).to.deep.equal([["show", "实验展演", 1, 360]]);
    expect(experiment[0].rubric).to.deep.equal(defaultRubric("experiment"));
    for (const segments of [explainer, experiment]) expect(() => assertValidSegments(segments)).to.not.throw();
  });
});
