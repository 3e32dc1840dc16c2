import { expect } from "chai";
import fc from "fast-check";
import { shanghaiDay } from "../../../src/lib/time.js";
import { onTimeRate } from "../../../src/reports/dashboard.rates.js";
import { overdueBeforeDay } from "../../../src/reports/due.js";

/**
 * The reference, written from the rule as DESIGN §3 states it: the due time is the last millisecond
 * of the Nth Shanghai calendar day after the activity's end day, and a report is past due after it.
 */
function dueAt(endsAt: Date, dueDays: number): number {
  const local = new Date(endsAt.getTime() + 8 * 3_600_000);
  const nextDayStartLocal = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + dueDays + 1);
  return nextDayStartLocal - 8 * 3_600_000 - 1;
}

const instant = fc.date({
  min: new Date("2020-01-01T00:00:00Z"),
  max: new Date("2030-12-31T00:00:00Z"),
  noInvalidDate: true,
});

describe("dashboard rates", () => {
  it("an activity is past due exactly when its Shanghai end day comes before overdueBeforeDay(now)", () => {
    fc.assert(
      fc.property(
        instant,
        fc.integer({ min: 0, max: 10 * 86_400_000 }),
        fc.integer({ min: 0, max: 7 }),
        (end, later, days) => {
          const now = new Date(end.getTime() + later);
          expect(shanghaiDay(end.toISOString()) < overdueBeforeDay(now, days)).to.equal(
            now.getTime() > dueAt(end, days),
          );
        },
      ),
    );
  });

  it("the example of DESIGN §3: an activity ending 2026-05-20 is due 2026-05-23T15:59:59.999Z", () => {
    const end = new Date("2026-05-20T09:00:00.000Z");
    expect(new Date(dueAt(end, 3)).toISOString()).to.equal("2026-05-23T15:59:59.999Z");
    expect(shanghaiDay(end.toISOString()) < overdueBeforeDay(new Date("2026-05-23T15:59:59.999Z"), 3)).to.equal(false);
    expect(shanghaiDay(end.toISOString()) < overdueBeforeDay(new Date("2026-05-23T16:00:00.000Z"), 3)).to.equal(true);
  });

  it("the on-time rate is on time over everything due, none when nothing is due", () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), fc.nat(1000), (onTime, late, missingPastDue) => {
        const rate = onTimeRate({ onTime, late, missingPastDue });
        const due = onTime + late + missingPastDue;
        if (due === 0) expect(rate).to.equal(null);
        else expect(rate! * due).to.be.closeTo(onTime, 1e-9);
      }),
    );
  });
});
