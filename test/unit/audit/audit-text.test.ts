import { expect } from "chai";
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { actionLabel, detailLines, fieldLabel } from "../../../src/audit/audit-text.js";
import { fieldChanges } from "../../../src/audit/changes.js";
import { hasMessage, translate } from "../../../src/lib/i18n.js";

/** Every action the code records: the string literals of `action:` (or `const action =`) in files calling recordAudit. */
function recordedActions(): string[] {
  const files = (readdirSync("src", { recursive: true }) as string[])
    .filter((f) => f.endsWith(".ts") && !f.startsWith("audit"))
    .map((f) => readFileSync(path.join("src", f), "utf8"))
    .filter((text) => text.includes("recordAudit("));
  const actions = new Set<string>();
  for (const text of files)
    for (const [, expression] of text.matchAll(/\baction(?::|\s*=)\s*([^\n]+)/g)) {
      const literals = [...expression.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
      expect(literals, `an audited action must be written as a literal: ${expression}`).to.have.length.above(0);
      literals.forEach((a) => actions.add(a));
    }
  return [...actions].sort();
}

describe("audit log text (issue 10, item 8)", () => {
  it("every action the code records has a Chinese and an English label", () => {
    const actions = recordedActions();
    expect(actions.length).to.be.greaterThan(25);
    const missing = actions.filter((a) => !hasMessage(`audit.action.${a}`));
    expect(missing, "actions without a label in src/locales").to.deep.equal([]);
    for (const a of actions) {
      expect(actionLabel(a, "zh-CN")).to.not.equal(a);
      expect(translate("en", `audit.action.${a}`)).to.not.equal(translate("zh-CN", `audit.action.${a}`));
    }
  });

  it("fieldChanges lists every changed leaf with its old and new value, and nothing unchanged", () => {
    const value = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.boolean(), fc.constant(null));
    const settings = fc.dictionary(
      fc.constantFrom("a", "b", "c"),
      fc.oneof(value, fc.dictionary(fc.constantFrom("x", "y"), value)),
    );
    fc.assert(
      fc.property(settings, settings, (before, after) => {
        const changes = fieldChanges(before, after);
        // Reference: flatten both to dotted leaves and compare key by key.
        const flat = (o: Record<string, unknown>, prefix = ""): Map<string, unknown> =>
          new Map(
            Object.entries(o).flatMap(([k, v]) =>
              typeof v === "object" && v !== null
                ? [...flat(v as Record<string, unknown>, `${prefix}${k}.`)]
                : [[`${prefix}${k}`, v]],
            ),
          );
        const [b, a] = [flat(before), flat(after)];
        for (const change of changes) expect(JSON.stringify(change.from)).to.not.equal(JSON.stringify(change.to));
        const leaves = new Set([...b.keys(), ...a.keys()]);
        for (const key of leaves) {
          const differs = JSON.stringify(b.get(key) ?? null) !== JSON.stringify(a.get(key) ?? null);
          const listed = changes.some((c) => c.field === key || key.startsWith(`${c.field}.`));
          if (differs) expect(listed, key).to.equal(true);
        }
      }),
    );
    expect(
      fieldChanges({ rules: { noticeDays: 7, teamMax: 6 } }, { rules: { noticeDays: 10, teamMax: 6 } }),
    ).to.deep.equal([{ field: "rules.noticeDays", from: 7, to: 10 }]);
  });

  it("details read as 字段: 旧 → 新 in Chinese, ids as names, instants in Shanghai time", () => {
    const names = new Map([["0b7c3a52-1c1e-4a1e-9a7e-2f7b5e0e9a01", "张评委"]]);
    expect(
      detailLines(
        "contest.stage",
        { from: "open", to: "closed", closesAt: "2026-12-01T02:00:00.000Z" },
        "zh-CN",
        names,
      ),
    ).to.deep.equal([
      { label: "阶段", from: "征集中", value: "已截止" },
      { label: "截止时间", value: "2026年12月01日 10:00" },
    ]);
    expect(
      detailLines(
        "contest.update",
        { changes: [{ field: "rules.recommendationQuotas.保定", from: null, to: 2 }] },
        "zh-CN",
        names,
      ),
    ).to.deep.equal([{ label: "规则 · 各市推荐名额 · 保定", from: "（无）", value: "2" }]);
    expect(
      detailLines(
        "judging.swap",
        { from: "0b7c3a52-1c1e-4a1e-9a7e-2f7b5e0e9a01", to: "9b7c3a52-1c1e-4a1e-9a7e-2f7b5e0e9a02" },
        "zh-CN",
        names,
      ),
    ).to.deep.equal([{ label: "评委", from: "张评委", value: "（已删除的对象）" }]);
    expect(fieldLabel("rules.files.video.maxSeconds", "en")).to.equal("Rules · Files · Video · Longest (s)");
  });
});
