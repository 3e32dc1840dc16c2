import { expect } from "chai";
import fc from "fast-check";
import { countStatus, type StatusActivity } from "../../../src/reports/status.js";

const NOW = Date.parse("2026-05-23T16:00:00.000Z");
const units = ["u1", "u2", "u3"].map((id) => ({ id, name: `单位${id}`, city: "保定", kind: "高校" }));

// Due dates on either side of now (and exactly on it); units drawn among the known ones and one unknown.
const activity = fc.record({
  unitId: fc.constantFrom("u1", "u2", "u3", "elsewhere"),
  title: fc.constantFrom("讲座", "展览", "直播"),
  dueOffsetMs: fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }),
  news: fc.option(fc.record({ late: fc.boolean() })),
});
const input = fc.record({
  activities: fc.array(activity, { maxLength: 40 }),
  summaries: fc.uniqueArray(fc.record({ unitId: fc.constantFrom("u1", "u2", "elsewhere"), late: fc.boolean() }), {
    selector: (s) => s.unitId,
  }),
});

/** The reference, written apart: one pass per unit and per figure, by filtering. */
function reference(activities: StatusActivity[], summaries: { unitId: string; late: boolean }[], unitId: string) {
  const mine = activities.filter((a) => a.unitId === unitId);
  const missing = mine.filter((a) => a.news === null);
  const summary = summaries.find((s) => s.unitId === unitId);
  return {
    activities: mine.length,
    onTime: mine.filter((a) => a.news !== null && !a.news.late).length,
    late: mine.filter((a) => a.news?.late === true).length,
    missing: missing.length,
    missingPastDue: missing.filter((a) => Date.parse(a.dueAt) < NOW).length,
    summary: summary === undefined ? "missing" : summary.late ? "late" : "onTime",
    missingIds: missing.map((a) => a.id).sort(),
  };
}

describe("report status counting (pure)", () => {
  it("per unit: activities, on time, late, missing (any due date), past due, and the summary equal a plain count", () => {
    fc.assert(
      fc.property(input, ({ activities: drawn, summaries }) => {
        const activities: StatusActivity[] = drawn.map((a, i) => ({
          id: `a${i}`,
          unitId: a.unitId,
          title: a.title,
          dueAt: new Date(NOW + a.dueOffsetMs).toISOString(),
          news: a.news,
        }));
        const out = countStatus({ units, activities, summaries, now: new Date(NOW) });
        expect(out.map((s) => s.unitId)).to.deep.equal(["u1", "u2", "u3"]);
        for (const status of out) {
          const { missingIds, ...figures } = reference(activities, summaries, status.unitId);
          expect(status).to.include(figures);
          expect(status.missingNews.map((m) => m.activityId).sort()).to.deep.equal(missingIds);
          const dues = status.missingNews.map((m) => m.dueAt);
          expect(dues).to.deep.equal([...dues].sort());
          for (const m of status.missingNews) expect(m.pastDue).to.equal(Date.parse(m.dueAt) < NOW);
        }
      }),
    );
  });

  it("an activity due exactly now is missing but not yet past due", () => {
    const [u1] = countStatus({
      units: units.slice(0, 1),
      activities: [{ id: "a", unitId: "u1", title: "讲座", dueAt: new Date(NOW).toISOString(), news: null }],
      summaries: [],
      now: new Date(NOW),
    });
    expect(u1).to.include({ missing: 1, missingPastDue: 0, summary: "missing" });
  });
});
