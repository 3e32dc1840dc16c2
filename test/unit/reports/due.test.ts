import { expect } from "chai";
import fc from "fast-check";
import { isLate, newsDueAt, newsStatus } from "../../../src/reports/due.js";

/**
 * The reference reads the Shanghai calendar day through Intl (the tz database), counts days on the
 * calendar, and writes the deadline as a local time with its offset: no arithmetic shared with due.ts.
 */
function referenceDueAt(endsAt: string, days: number): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(new Date(endsAt));
  const part = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const day = new Date(0);
  day.setUTCFullYear(part("year"), part("month") - 1, part("day") + days);
  const [date] = day.toISOString().split("T");
  return new Date(`${date}T23:59:59.999+08:00`).toISOString();
}

describe("reports/due: a news report's deadline", () => {
  it("an activity ending 2026-05-20 at any time is due 2026-05-23 23:59:59.999 Shanghai", () => {
    for (const end of ["2026-05-19T16:00:00.000Z", "2026-05-20T04:00:00.000Z", "2026-05-20T15:59:59.999Z"])
      expect(newsDueAt(end, 3), end).to.equal("2026-05-23T15:59:59.999Z");
  });

  it("23:59 and 00:00 Shanghai are different days: 15:59Z and 16:00Z across midnight", () => {
    expect(newsDueAt("2026-05-20T15:59:00.000Z", 3)).to.equal("2026-05-23T15:59:59.999Z");
    expect(newsDueAt("2026-05-20T16:00:00.000Z", 3)).to.equal("2026-05-24T15:59:59.999Z");
    // Month and year ends roll over on the calendar.
    expect(newsDueAt("2026-12-30T12:00:00.000Z", 3)).to.equal("2027-01-02T15:59:59.999Z");
    expect(newsDueAt("2028-02-27T01:00:00.000Z", 3)).to.equal("2028-03-01T15:59:59.999Z");
  });

  it("equals the calendar reference for any end instant and any number of days", () => {
    const minutes = fc.integer({ min: Date.UTC(2019, 0, 1) / 60_000, max: Date.UTC(2031, 0, 1) / 60_000 });
    // Ends near Shanghai midnight (15:59Z/16:00Z) are drawn often: the boundary that matters.
    const nearMidnight = fc
      .tuple(
        fc.integer({ min: Date.UTC(2019, 0, 1) / 86_400_000, max: Date.UTC(2031, 0, 1) / 86_400_000 }),
        fc.integer({ min: -2, max: 1 }),
      )
      .map(([day, offset]) => day * 1440 + 16 * 60 + offset);
    fc.assert(
      fc.property(fc.oneof(minutes, nearMidnight), fc.integer({ min: 0, max: 40 }), (minute, days) => {
        const end = new Date(minute * 60_000).toISOString();
        expect(newsDueAt(end, days)).to.equal(referenceDueAt(end, days));
      }),
    );
  });

  it("late is strictly after the deadline; the status names the four cases", () => {
    const due = "2026-05-23T15:59:59.999Z";
    expect(isLate(due, due)).to.equal(false);
    expect(isLate("2026-05-23T16:00:00.000Z", due)).to.equal(true);
    expect(newsStatus(null, due, new Date(due))).to.equal("pending");
    expect(newsStatus(null, due, new Date("2026-05-23T16:00:00.000Z"))).to.equal("overdue");
    expect(newsStatus({ late: false }, due, new Date("2027-01-01"))).to.equal("onTime");
    expect(newsStatus({ late: true }, due, new Date("2027-01-01"))).to.equal("late");
  });
});
