import { expect } from "chai";
import fc from "fast-check";
import {
  canonicalRosterEmail,
  checkRoster,
  cleanCell,
  detectHeader,
  fieldOfHeader,
  MAX_ROSTER_ROWS,
  parseCsv,
  ROSTER_FIELDS,
  splitList,
  type RosterField,
  type RosterRecord,
} from "../../../src/accounts/roster.js";
import { ValidationError } from "../../../src/lib/errors.js";

const records = (...rows: string[][]): RosterRecord[] => rows.map((cells, i) => ({ row: i + 1, cells }));

const HEADER_ZH = ["姓名", "邮箱", "单位", "城市", "专业领域", "回避单位"];
const HEADER_EN = ["name", "email", "unit", "city", "expertise", "avoid units"];

/** Spellings organizers use for each column, in both languages. */
const SPELLINGS: Record<RosterField, string[]> = {
  name: ["姓名", "Name", "NAME", "专家姓名", "Full name"],
  email: ["邮箱", "电子邮箱", "E-mail", "email", "Email Address", "ＥＭＡＩＬ"],
  unit: ["单位", "工作单位", "Unit", "Organization"],
  city: ["城市", "所在城市", "City", "地市"],
  expertise: ["专业领域", "Expertise", "领域", "THEMES"],
  avoidUnits: ["回避单位", "Avoid units", "avoidUnits", "Units to avoid", "AVOID_UNITS"],
};

function refusalOf(roster: ReturnType<typeof checkRoster>, row: number) {
  return roster.rows.find((r) => r.row === row)?.refusal?.code;
}

function throwsCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(ValidationError);
    expect((err as ValidationError).code).to.equal(code);
    return;
  }
  expect.fail(`expected ${code}`);
}

describe("roster: header detection", () => {
  it("recognizes the Chinese and the English header", () => {
    for (const header of [HEADER_ZH, HEADER_EN]) {
      const { columns, missing, repeated } = detectHeader(header);
      expect(columns).to.deep.equal({ name: 0, email: 1, unit: 2, city: 3, expertise: 4, avoidUnits: 5 });
      expect(missing).to.deep.equal([]);
      expect(repeated).to.deep.equal([]);
    }
  });

  it("ignores case, spaces, full-width letters, a required mark and a note in brackets", () => {
    expect(fieldOfHeader(" 姓名* ")).to.equal("name");
    expect(fieldOfHeader("邮箱（必填）")).to.equal("email");
    expect(fieldOfHeader("专业领域(多个用、分隔)")).to.equal("expertise");
    expect(fieldOfHeader("【选填】回避单位")).to.equal("avoidUnits");
    expect(fieldOfHeader("Ｅ－ｍａｉｌ")).to.equal("email");
    expect(fieldOfHeader("\uFEFF姓名")).to.equal("name");
    expect(fieldOfHeader("序号")).to.equal(null);
    expect(fieldOfHeader("备注")).to.equal(null);
  });

  it("finds every column wherever it stands, in either language, among unused columns", () => {
    const spelling = (field: RosterField) => fc.constantFrom(...SPELLINGS[field]);
    const arb = fc.record({
      order: fc.shuffledSubarray([...ROSTER_FIELDS], { minLength: ROSTER_FIELDS.length }),
      extras: fc.array(fc.constantFrom("序号", "备注", "No.", "电话", ""), { maxLength: 3 }),
      names: fc.record(
        Object.fromEntries(ROSTER_FIELDS.map((f) => [f, spelling(f)])) as Record<RosterField, fc.Arbitrary<string>>,
      ),
      pad: fc.constantFrom("", " ", "\u3000", "\t"),
    });
    fc.assert(
      fc.property(arb, ({ order, extras, names, pad }) => {
        const header = [...extras, ...order.map((f) => `${pad}${names[f]}${pad}`)];
        const { columns, missing } = detectHeader(header);
        expect(missing).to.deep.equal([]);
        order.forEach((field, i) => expect(columns[field], field).to.equal(extras.length + i));
      }),
    );
  });

  it("reports missing required columns and a column named twice", () => {
    expect(detectHeader(["姓名", "单位"]).missing).to.deep.equal(["email"]);
    expect(detectHeader(["单位", "城市"]).missing).to.deep.equal(["name", "email"]);
    expect(detectHeader(["姓名", "邮箱", "Email"]).repeated).to.deep.equal(["email"]);
    throwsCode(() => checkRoster(records(["单位", "城市"], ["河北大学", "保定"])), "roster_header");
    throwsCode(() => checkRoster(records(["姓名", "邮箱", "email"], ["张三", "a@b.cn", "c@d.cn"])), "roster_header");
  });

  it("takes the first non-blank row as the header and numbers rows as the sheet does", () => {
    const roster = checkRoster(
      records(["", ""], ["姓名", "邮箱"], ["张三", "zhang@example.org"], [], ["李四", "li@example.org"]),
    );
    expect(roster.headerRow).to.equal(2);
    expect(roster.rows.map((r) => [r.row, r.email])).to.deep.equal([
      [3, "zhang@example.org"],
      [5, "li@example.org"],
    ]);
  });

  it("refuses a file without judges, or with more than the limit", () => {
    throwsCode(() => checkRoster([]), "roster_empty");
    throwsCode(() => checkRoster(records(["姓名", "邮箱"])), "roster_empty");
    const many = Array.from({ length: MAX_ROSTER_ROWS + 1 }, (_, i) => [`专家${i}`, `j${i}@example.org`]);
    throwsCode(() => checkRoster(records(["姓名", "邮箱"], ...many)), "roster_too_many_rows");
    expect(checkRoster(records(["姓名", "邮箱"], ...many.slice(1))).rows).to.have.length(MAX_ROSTER_ROWS);
  });
});

describe("roster: lists (expertise, avoid units)", () => {
  const item = fc.stringMatching(/^[^、,，;；\s\u200B-\u200D\u2060\uFEFF]{1,12}$/);
  const separator = fc.constantFrom("、", ",", "，", ";", "；", " ", "\u3000", " , ", "、 ", "\t");

  it("splits on 、 , ; (ASCII and full-width) and spaces, drops empty and repeated items", () => {
    expect(splitList("科学防控、科普行动, 科技扶贫；科创惠民")).to.deep.equal([
      "科学防控",
      "科普行动",
      "科技扶贫",
      "科创惠民",
    ]);
    expect(splitList(" 科学防控  科学防控 ,, ")).to.deep.equal(["科学防控"]);
    expect(splitList("")).to.deep.equal([]);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(item, separator), { maxLength: 8 }),
        fc.constantFrom("", " ", "、"),
        (parts, edge) => {
          const text = edge + parts.map(([i, s]) => i + s).join("") + edge;
          expect(splitList(text)).to.deep.equal([...new Set(parts.map(([i]) => i))]);
        },
      ),
    );
  });

  it("in a form, keeps spaces inside a unit's name and splits on lines", () => {
    expect(splitList("Hebei University\n河北工业大学、 保定学院\r\n\r\n", { spaces: false })).to.deep.equal([
      "Hebei University",
      "河北工业大学",
      "保定学院",
    ]);
  });
});

describe("roster: CSV", () => {
  /** RFC 4180 with quotes only where needed, as Excel writes it. */
  function toCsv(grid: string[][], lineEnd: string): string {
    const cell = (c: string) => (/[",\r\n]/.test(c) || c === "" ? (c === "" ? "" : `"${c.replace(/"/g, '""')}"`) : c);
    return grid.map((row) => row.map(cell).join(",")).join(lineEnd);
  }

  it("parses what it is given back, with any line ends, quotes, commas and new lines in cells, with or without a BOM", () => {
    const grid = fc.array(
      fc.array(fc.string({ unit: fc.constantFrom("a", "张", ",", '"', "\n", "\r", " ", "、"), maxLength: 6 }), {
        minLength: 1,
        maxLength: 5,
      }),
      { minLength: 1, maxLength: 6 },
    );
    fc.assert(
      fc.property(
        grid,
        fc.constantFrom("\r\n", "\n", "\r"),
        fc.boolean(),
        fc.boolean(),
        (rows, lineEnd, bom, finalEnd) => {
          // A last record of one empty cell is an empty last line: only a final line end keeps it.
          const last = rows[rows.length - 1];
          const ending = finalEnd || (last.length === 1 && last[0] === "") ? lineEnd : "";
          const parsed = parseCsv((bom ? "\uFEFF" : "") + toCsv(rows, lineEnd) + ending);
          expect(parsed.map((r) => r.cells)).to.deep.equal(rows);
          expect(parsed.map((r) => r.row)).to.deep.equal(rows.map((_, i) => i + 1));
        },
      ),
    );
  });

  it("drops the BOM, so the header's first cell is still recognized", () => {
    const roster = checkRoster(parseCsv("\uFEFF姓名,邮箱\r\n张三,zhang@example.org\r\n"));
    expect(roster.rows).to.have.length(1);
    expect(roster.rows[0].judge?.name).to.equal("张三");
  });

  it("refuses an unclosed quote, naming its row", () => {
    throwsCode(() => parseCsv('姓名,邮箱\n"张三,zhang@example.org\n李四,li@example.org\n'), "roster_malformed");
  });
});

describe("roster: rows", () => {
  const header = HEADER_ZH;

  it("trims every cell, full-width and invisible spaces too, and reads lists and cities", () => {
    const roster = checkRoster(
      records(header, [
        " 王五\u3000",
        "\u200B Wang.Wu@Example.ORG ",
        "  河北大学 ",
        " 保定市 ",
        "科学防控、 科普行动",
        "河北农业大学；保定学院",
      ]),
    );
    expect(roster.rows[0]).to.deep.equal({
      row: 2,
      email: "wang.wu@example.org",
      judge: {
        name: "王五",
        email: "wang.wu@example.org",
        unit: "河北大学",
        city: "保定",
        expertise: ["科学防控", "科普行动"],
        avoidUnits: ["河北农业大学", "保定学院"],
      },
    });
    expect(cleanCell("\uFEFF\u3000 x \u00A0")).to.equal("x");
  });

  it("normalizes the city (市, pinyin, 雄安) and refuses an unknown one; an empty city is allowed", () => {
    const roster = checkRoster(
      records(
        header,
        ["甲", "a@example.org", "", "石家庄市"],
        ["乙", "b@example.org", "", "Tangshan"],
        ["丙", "c@example.org", "", "雄安"],
        ["丁", "d@example.org", "", "北京"],
        ["戊", "e@example.org", "", ""],
      ),
    );
    expect(roster.rows.map((r) => (r.judge ? r.judge.city : r.refusal.code))).to.deep.equal([
      "石家庄",
      "唐山",
      "雄安新区",
      "city_unknown",
      null,
    ]);
    expect(roster.rows[3].refusal!.params).to.deep.equal({ city: "北京" });
  });

  it("refuses a missing name, a missing e-mail and a malformed e-mail; a full-width ＠ is accepted", () => {
    const roster = checkRoster(
      records(
        header,
        ["", "x@example.org"],
        ["赵六", ""],
        ["孙七", "not-an-email"],
        ["周八", "zhou＠example.org"],
        ["吴九", "wu@example"],
      ),
    );
    expect(roster.rows.map((r) => r.refusal?.code ?? "ok")).to.deep.equal([
      "name_missing",
      "email_missing",
      "email_invalid",
      "ok",
      "email_invalid",
    ]);
    expect(roster.rows[3].email).to.equal("zhou@example.org");
  });

  it("refuses values beyond the user schema's limits", () => {
    const roster = checkRoster(
      records(
        header,
        ["长".repeat(101), "a@example.org"],
        ["甲", "b@example.org", "单".repeat(201)],
        ["乙", "c@example.org", "", "", Array.from({ length: 21 }, (_, i) => `领域${i}`).join("、")],
      ),
    );
    expect(roster.rows.map((r) => [r.refusal?.code, r.refusal?.params.field])).to.deep.equal([
      ["too_long", "name"],
      ["too_long", "unit"],
      ["too_many_items", "expertise"],
    ]);
  });

  it("a repeated e-mail in the file: the first row keeps it, each later one is refused pointing at it (reference check)", () => {
    const variant = fc.tuple(
      fc.constantFrom("zhang", "li", "wang", "zhao"),
      fc.constantFrom("", " ", "\u3000"),
      fc.boolean(),
      fc.boolean(),
    );
    fc.assert(
      fc.property(fc.array(variant, { minLength: 1, maxLength: 12 }), (variants) => {
        const rows = variants.map(([local, pad, upper, bad]) => [
          bad ? "" : "某专家",
          `${pad}${upper ? local.toUpperCase() : local}@Example.org${pad}`,
        ]);
        const roster = checkRoster(records(["姓名", "邮箱"], ...rows));
        // The obvious reference: scan in order, remember the first row of each lower-cased address.
        const first = new Map<string, number>();
        variants.forEach(([local, , , bad], i) => {
          const row = i + 2;
          const got = roster.rows[i];
          expect(got.row).to.equal(row);
          expect(got.email).to.equal(`${local}@example.org`);
          if (first.has(local))
            expect(got.refusal).to.deep.equal({ code: "duplicate_in_file", params: { first: first.get(local) } });
          else {
            first.set(local, row);
            expect(got.refusal?.code).to.equal(bad ? "name_missing" : undefined);
          }
        });
      }),
    );
  });

  it("canonical e-mail: NFKC, no spaces, lower case", () => {
    expect(canonicalRosterEmail(" Ｌｉ.Ｓｉ＠Example.ORG ")).to.equal("li.si@example.org");
    const roster = checkRoster(records(header, ["甲", "li.si@example.org"], ["乙", "LI.SI＠EXAMPLE.ORG"]));
    expect(refusalOf(roster, 3)).to.equal("duplicate_in_file");
  });
});
