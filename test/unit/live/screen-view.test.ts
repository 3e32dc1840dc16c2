import { expect } from "chai";
import fc from "fast-check";
import {
  clockText,
  clockTone,
  clockView,
  elapsedSeconds,
  judgeSlots,
  WARN_BEFORE_LIMIT_SECONDS,
} from "../../../src/live/live.screen-view.js";
import type { LiveJson } from "../../../src/live/live.service.js";

type Timer = NonNullable<LiveJson["current"]>["timer"];

const START = Date.parse("2026-05-20T02:00:00.000Z");

function timer(over: Partial<Timer> = {}): Timer {
  return {
    startedAt: new Date(START).toISOString(),
    stoppedAt: null,
    seconds: null,
    running: true,
    limit: 240,
    cutoff: 270,
    deduction: null,
    ...over,
  };
}

/** The reference clock text, written apart: minutes and seconds from a Date, for times under an hour. */
const refClockText = (s: number) => new Date(Math.floor(s) * 1000).toISOString().slice(14, 19);

/** The reference tone, said as the rule says it: red past the limit, amber in its last 30 s, plain before. */
function refTone(seconds: number, limit: number): string {
  if (seconds > limit) return "over";
  if (limit - seconds <= 30) return "warn";
  return "ok";
}

describe("live/screen-view: what the big screen and the console show of the state", () => {
  it("writes the clock as mm:ss, as the reference does, for any time under an hour", () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 3599.99, noNaN: true }), (s) => clockText(s) === refClockText(s)));
    expect(clockText(270)).to.equal("04:30");
    expect(clockText(3660)).to.equal("61:00");
  });

  it("colours the clock amber in the limit's last 30 seconds and red past it", () => {
    expect(WARN_BEFORE_LIMIT_SECONDS).to.equal(30);
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 3600 }), fc.integer({ min: 0, max: 3630 }), (limit, seconds) => {
        expect(clockTone(timer({ limit, cutoff: limit + 30 }), seconds)).to.equal(refTone(seconds, limit));
      }),
    );
    expect(clockTone(timer({ startedAt: null, running: false }), 0)).to.equal("idle");
    expect(clockTone(timer({ limit: null, cutoff: null }), 5000)).to.equal("ok");
  });

  it("counts a running clock from its start and holds it at the cutoff; a stopped one shows its measured time", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (ms) => {
        const now = new Date(START + ms);
        expect(elapsedSeconds(timer(), now)).to.equal(Math.min(270, Math.floor(ms / 1000)));
        expect(elapsedSeconds(timer({ running: false, seconds: 200 }), now)).to.equal(200);
      }),
    );
    const held = clockView(timer(), new Date(START + 300_000), "zh-CN");
    expect(held).to.include({ text: "04:30", tone: "over", running: false, grace: 15, overPoints: -2 });
  });

  it("gives every panel judge a slot by number, filled only by his submitted total", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 15 })
          .chain((judges) =>
            fc.tuple(fc.constant(judges), fc.subarray(Array.from({ length: judges }, (_, i) => i + 1))),
          ),
        ([judges, submitted]) => {
          const live = {
            panel: { judges, submitted: submitted.length },
            sheets: submitted.map((n) => ({ judge: `评委${n}`, total: n * 3, dropped: null, corrected: n === 1 })),
          } as unknown as LiveJson;
          const slots = judgeSlots(live, "zh-CN");
          expect(slots.map((s) => s.label)).to.deep.equal(Array.from({ length: judges }, (_, i) => `评委${i + 1}`));
          for (const slot of slots) {
            expect(slot.submitted).to.equal(submitted.includes(slot.n));
            expect(slot.total).to.equal(submitted.includes(slot.n) ? String(slot.n * 3) : "");
          }
        },
      ),
    );
  });
});
