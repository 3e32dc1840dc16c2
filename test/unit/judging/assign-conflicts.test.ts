import { expect } from "chai";
import { conflictOf, conflictTally, type ConflictJudge } from "../../../src/judging/conflicts.js";

/** The reasons an infeasible assignment gives for one blocked entry (issue 10 item 7). */
describe("judging/conflicts, the tally that explains a blocked entry", () => {
  const entry = {
    id: "entry-1",
    ownerId: "owner",
    unit: "河北大学",
    city: "保定",
    authors: [{ name: "张三" }],
  };
  const judge = (id: string, over: Partial<ConflictJudge> = {}): ConflictJudge => ({
    id,
    name: `评委${id}`,
    unit: `单位${id}`,
    city: "石家庄",
    avoidUnits: [],
    ...over,
  });
  const judges = [
    judge("a", { name: "张 三" }), // the author, whatever the spacing
    judge("b", { unit: "河北大学" }),
    judge("c", { unit: "河北大学 " }),
    judge("d", { avoidUnits: ["河北大学"] }),
    judge("e", { city: "保定" }),
    judge("f"), // declared a conflict with the entry
    judge("g"), // free, in the pool
    judge("h", { city: "保定" }), // outside the pool, same city: no help
    judge("i"), // outside the pool, free: would help
    judge("j"), // outside the pool, free: would help
  ];
  const inPool = new Set(["a", "b", "c", "d", "e", "f", "g"]);
  const reasonOf = (j: ConflictJudge) =>
    conflictOf(entry, j, { sameCityConflict: true, declared: new Set([`f|${entry.id}`]) });

  it("counts the pool's conflicting judges by reason, and the free judges outside the pool", () => {
    expect(conflictTally(judges, inPool, reasonOf)).to.deep.equal({
      conflicts: { author: 1, unit: 2, avoidUnit: 1, city: 1, declared: 1 },
      notInPool: 2,
    });
  });

  it("without the same-city rule, same-city judges count as free", () => {
    const noCity = (j: ConflictJudge) => conflictOf(entry, j, { sameCityConflict: false, declared: new Set() });
    expect(conflictTally(judges, inPool, noCity)).to.deep.equal({
      conflicts: { author: 1, unit: 2, avoidUnit: 1, city: 0, declared: 0 },
      notInPool: 3,
    });
  });
});
