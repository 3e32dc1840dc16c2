import { expect } from "chai";
import fc from "fast-check";
import { assertMayMove, assertNoticeExtension } from "../../../src/contests/contests.service.js";
import { AppError } from "../../../src/lib/errors.js";

const instant = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2030, 0, 1) });
const codeOf = (run: () => unknown): string | null => {
  try {
    run();
    return null;
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
};

describe("the notice window (DESIGN §2)", () => {
  it("final is refused exactly while now is before the window's end (property)", () => {
    fc.assert(
      fc.property(instant, instant, (end, now) => {
        const contest = { stage: "notice" as const, noticeEndsAt: new Date(end).toISOString() };
        const code = codeOf(() => assertMayMove(contest, "final", new Date(now)));
        expect(code).to.equal(now < end ? "notice_window_open" : null);
      }),
    );
  });

  it("the window is extended or kept, never shortened (property)", () => {
    fc.assert(
      fc.property(instant, instant, (current, next) => {
        const code = codeOf(() =>
          assertNoticeExtension({ noticeEndsAt: new Date(current).toISOString() }, new Date(next).toISOString()),
        );
        expect(code).to.equal(next < current ? "notice_shortened" : null);
      }),
    );
  });

  it("other moves do not wait for the window; skipping is still refused first", () => {
    const contest = { stage: "review" as const, noticeEndsAt: null };
    expect(codeOf(() => assertMayMove(contest, "notice", new Date()))).to.equal(null);
    expect(codeOf(() => assertMayMove(contest, "final", new Date()))).to.equal("stage_conflict");
  });
});
