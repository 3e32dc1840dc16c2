import { expect } from "chai";
import { lockedSettings, settingChanges } from "../../../src/contests/settings.js";

describe("contests/settings", () => {
  describe("settingChanges", () => {
    it("lists each changed leaf with its path, before → after, and null where a value is absent", () => {
      const before = { title: "旧", rules: { files: { video: { maxSeconds: 300, minHeight: 1080 } }, teamMax: null } };
      const after = { rules: { files: { video: { maxSeconds: 240 } }, teamMax: 6 } };
      expect(settingChanges(before, after)).to.deep.equal([
        { field: "rules.files.video.maxSeconds", from: 300, to: 240 },
        { field: "rules.files.video.minHeight", from: 1080, to: null },
        { field: "rules.teamMax", from: null, to: 6 },
      ]);
    });

    it("compares lists whole and looks only at the settings changed", () => {
      const before = { title: "同", rules: { files: { video: { types: ["mp4"] } } } };
      expect(settingChanges(before, { rules: { files: { video: { types: ["mp4", "mov"] } } } })).to.deep.equal([
        { field: "rules.files.video.types", from: ["mp4"], to: ["mp4", "mov"] },
      ]);
      expect(settingChanges(before, { title: "同" })).to.deep.equal([]);
    });
  });

  describe("lockedSettings", () => {
    it("in judging, the rubric and entry rules are locked, the vote weight and talk time are not", () => {
      expect(
        lockedSettings("judging", {
          rubric: { criteria: [{ key: "a", label: "A", max: 10, step: 1 }] },
          rules: { maxEntriesPerUnit: 3, publicVoteWeight: 0.1, timeRules: null },
          aggregation: "mean",
        }),
      ).to.deep.equal(["rubric", "rules.maxEntriesPerUnit"]);
    });

    it("in the notice, the vote weight is locked too; in a draft nothing is", () => {
      expect(lockedSettings("notice", { rules: { publicVoteWeight: 0.1 } })).to.deep.equal(["rules.publicVoteWeight"]);
      expect(lockedSettings("draft", { rules: { files: {}, noticeDays: 5 }, title: "x" })).to.deep.equal([]);
    });
  });
});
