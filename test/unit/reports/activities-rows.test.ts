import { expect } from "chai";
import fc from "fast-check";
import { parseActivityRows } from "../../../src/reports/activities.rows.js";
import type { TableRecord } from "../../../src/media/table-file.js";

/**
 * The spreadsheet's rows (DESIGN §3 "Activity import") against a reference written apart: rows are
 * generated from what they mean (a unit, a city spelled one of its ways, a Shanghai date and time in
 * one of the two formats, or a deliberate mistake), rendered into cells under a header in either
 * language and any column order, with blank rows between; the reference says what each row must give.
 */
const HEADERS = {
  unit: ["单位", "unit", "Unit"],
  city: ["城市", "city", "CITY"],
  title: ["活动名称", "title"],
  theme: ["主题", "theme"],
  form: ["形式", "form"],
  start: ["开始", "start"],
  end: ["结束", "end"],
  place: ["地点或链接", "place"],
} as const;
type Column = keyof typeof HEADERS;
const COLUMN_NAMES = Object.keys(HEADERS) as Column[];

const CITY_SPELLINGS: [string, string | null][] = [
  ["保定", "保定"],
  ["保定市", "保定"],
  ["Baoding", "保定"],
  ["石家庄", "石家庄"],
  ["唐山市", "唐山"],
  ["北京", null],
];
const THEME_SPELLINGS: [string, string | null][] = [
  ["科学防控", "科学防控"],
  ["科普行动", "科普行动"],
  ["Science Popularization", "科普行动"],
  ["innovation for the people", "科创惠民"],
  ["科普", null],
];
const FORM_SPELLINGS: [string, string | null][] = [
  ["线上直播", "线上直播"],
  ["短视频", "短视频"],
  ["On-site event", "现场活动"],
  ["online exhibition", "网络展厅"],
  ["直播", null],
];

/** Full-width (ideographic) and ordinary spaces inside or around a unit name: still one unit. */
const SPACES = ["", "", " ", "\u3000"];
const unitName = fc
  .tuple(fc.constantFrom("河北大学", "保定市科技局", "科协"), fc.constantFrom(...SPACES), fc.constantFrom(...SPACES))
  .map(([name, inner, outer]) => ({ typed: `${outer}${name.slice(0, 2)}${inner}${name.slice(2)}${outer}`, key: name }));

interface Moment {
  y: number;
  mo: number;
  d: number;
  time: [number, number] | null;
}
const pad = (n: number) => String(n).padStart(2, "0");
// Hours 0 and 23 come often: the Shanghai midnight is where a UTC date changes.
const moment = fc.record({
  y: fc.constantFrom(2020, 2026),
  mo: fc.integer({ min: 1, max: 12 }),
  d: fc.integer({ min: 1, max: 28 }),
  time: fc.option(fc.tuple(fc.constantFrom(0, 7, 8, 16, 23), fc.constantFrom(0, 1, 59)), { nil: null }),
});
const typedMoment = (m: Moment) =>
  `${m.y}-${pad(m.mo)}-${pad(m.d)}${m.time ? ` ${pad(m.time[0])}:${pad(m.time[1])}` : ""}`;
/** The instant the reference expects: Shanghai is UTC+8; a date alone is 00:00 at the start, 23:59 at the end. */
const referenceInstant = (m: Moment, edge: "start" | "end") => {
  const [h, mi] = m.time ?? (edge === "start" ? [0, 0] : [23, 59]);
  return new Date(Date.UTC(m.y, m.mo - 1, m.d, h - 8, mi)).toISOString();
};
const BAD_DATES = ["2026/05/20", "2026-5-20", "20.05.2026", "2026-02-30", "2026-05-20 24:00", "明天"];

interface Spec {
  unit: { typed: string; key: string };
  city: [string, string | null];
  title: string;
  theme: [string, string | null];
  form: [string, string | null];
  start: Moment | string;
  end: Moment | string;
  place: string;
}
const dateCell: fc.Arbitrary<Moment | string> = fc.oneof(
  { weight: 9, arbitrary: moment },
  { weight: 1, arbitrary: fc.constantFrom(...BAD_DATES) },
);
const spec: fc.Arbitrary<Spec> = fc.record({
  unit: fc.oneof({ weight: 9, arbitrary: unitName }, { weight: 1, arbitrary: fc.constant({ typed: "", key: "" }) }),
  city: fc.constantFrom(...CITY_SPELLINGS),
  title: fc.constantFrom("科普讲座", "开放日", "云上展厅", ""),
  theme: fc.constantFrom(...THEME_SPELLINGS),
  form: fc.constantFrom(...FORM_SPELLINGS),
  start: dateCell,
  end: dateCell,
  place: fc.constantFrom("", "https://example.org/live", "保定一中"),
});

const cellsOf = (s: Spec): Record<Column, string> => ({
  unit: s.unit.typed,
  city: s.city[0],
  title: s.title,
  theme: s.theme[0],
  form: s.form[0],
  start: typeof s.start === "string" ? s.start : typedMoment(s.start),
  end: typeof s.end === "string" ? s.end : typedMoment(s.end),
  place: s.place,
});

/** What a row must give: its reasons (codes, in any order), or the activity. */
function reference(specs: { row: number; spec: Spec }[]) {
  const rows: Record<string, unknown>[] = [];
  const errors: { row: number; codes: string[] }[] = [];
  const seen = new Map<string, number>();
  for (const { row, spec: s } of specs) {
    const codes: string[] = [];
    if (s.unit.key === "") codes.push("unitMissing");
    if (s.city[1] === null) codes.push("cityUnknown");
    if (s.title === "") codes.push("titleMissing");
    if (s.theme[1] === null) codes.push("themeUnknown");
    if (s.form[1] === null) codes.push("formUnknown");
    const startsAt = typeof s.start === "string" ? null : referenceInstant(s.start, "start");
    const endsAt = typeof s.end === "string" ? null : referenceInstant(s.end, "end");
    if (!startsAt) codes.push("dateFormat");
    if (!endsAt) codes.push("dateFormat");
    if (startsAt && endsAt && Date.parse(endsAt) < Date.parse(startsAt)) codes.push("endBeforeStart");
    if (codes.length > 0) {
      errors.push({ row, codes: codes.sort() });
      continue;
    }
    const start = s.start as Moment;
    // One activity: the same unit (spaces aside), the same title and the same start day as typed.
    const key = `${s.unit.key}|${s.title}|${start.y}-${start.mo}-${start.d}`;
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({ row, codes: ["duplicate"] });
      continue;
    }
    seen.set(key, row);
    rows.push({
      row,
      unit: s.unit.typed.trim(),
      city: s.city[1],
      title: s.title,
      theme: s.theme[1],
      form: s.form[1],
      startsAt,
      endsAt,
      place: s.place,
    });
  }
  return { rows, errors };
}

const blank = fc.constantFrom<string[]>(["", ""], ["\u3000", " "], []);
const file = fc.record({
  order: fc.shuffledSubarray(COLUMN_NAMES, { minLength: 8, maxLength: 8 }),
  spelling: fc.array(fc.nat(2), { minLength: 8, maxLength: 8 }),
  lead: fc.array(blank, { maxLength: 2 }),
  body: fc.array(fc.oneof({ weight: 6, arbitrary: spec }, { weight: 1, arbitrary: blank }), { maxLength: 25 }),
  repeat: fc.array(fc.nat(24), { maxLength: 3 }),
});

describe("activity rows (property, against a reference)", () => {
  it("each row gives its activity or its reasons; blank rows are skipped; one unit however spaced; a repeat is refused", () => {
    fc.assert(
      fc.property(file, ({ order, spelling, lead, body, repeat }) => {
        const header = order.map((c, i) => HEADERS[c][spelling[i] % HEADERS[c].length]);
        // A row copied further down is the same activity: refused as a duplicate (if the first was good).
        const lines = [...body];
        for (const i of repeat) if (Array.isArray(lines[i]) === false && lines[i]) lines.push(lines[i]);
        const records: TableRecord[] = [];
        const specs: { row: number; spec: Spec }[] = [];
        for (const cells of lead) records.push({ row: records.length + 1, cells });
        records.push({ row: records.length + 1, cells: header });
        for (const line of lines) {
          const row = records.length + 1;
          if (Array.isArray(line)) records.push({ row, cells: line });
          else {
            const cells = cellsOf(line);
            records.push({ row, cells: order.map((c) => cells[c]) });
            specs.push({ row, spec: line });
          }
        }
        const expected = reference(specs);
        const actual = parseActivityRows(records);
        expect(actual.errors.map((e) => ({ row: e.row, codes: e.problems.map((p) => p.code).sort() }))).to.deep.equal(
          expected.errors,
        );
        expect(
          actual.rows.map(({ unitKey: _k, importKey: _i, ...rest }) => rest),
          "activities",
        ).to.deep.equal(expected.rows);
        // Full-width spaces fold: rows of one unit share its key.
        const keyOf = new Map<string, string>();
        for (const r of actual.rows) {
          const ref = specs.find((s) => s.row === r.row)!.spec.unit.key;
          expect(keyOf.get(ref) ?? r.unitKey).to.equal(r.unitKey);
          keyOf.set(ref, r.unitKey);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("a header missing a column, or naming an unknown one, refuses the file whole", () => {
    const good = ["单位", "城市", "活动名称", "主题", "形式", "开始", "结束", "地点或链接"];
    for (const header of [good.slice(0, 7), [...good, "备注"], [...good.slice(0, 7), "开始"]]) {
      expect(() => parseActivityRows([{ row: 1, cells: header }]))
        .to.throw()
        .with.property("code", "activities_header");
    }
    expect(parseActivityRows([{ row: 1, cells: good }])).to.deep.equal({ rows: [], errors: [] });
  });
});
