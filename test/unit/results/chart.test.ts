import { expect } from "chai";
import fc from "fast-check";
import { escapeXml } from "../../../src/lib/svg.js";
import { histogramLayout, prizeCuts, scoreHistogram, type HistogramInput } from "../../../src/results/chart.js";

interface Element {
  name: string;
  attrs: Record<string, string>;
  children: Element[];
  text: string;
}

/**
 * A tiny strict XML reader, enough for our SVG: tags with double-quoted attributes, text without a
 * raw "<" or a bare "&", every tag closed in order, one root. Throws on anything else.
 */
function parseXml(xml: string): Element {
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[A-Za-z_:][\w:.-]*="[^"<>]*")*)\s*(\/?)>|([^<]+)/y;
  const root: Element = { name: "#root", attrs: {}, children: [], text: "" };
  const stack: Element[] = [root];
  let at = 0;
  while (at < xml.length) {
    token.lastIndex = at;
    const m = token.exec(xml);
    if (!m) throw new Error(`malformed XML at ${at}: ${xml.slice(at, at + 40)}`);
    at = token.lastIndex;
    const [, closing, name, attrText, selfClosing, text] = m;
    if (text !== undefined) {
      if (/&(?!(amp|lt|gt|quot|#39);)/.test(text)) throw new Error(`bare & in text: ${text}`);
      stack.at(-1)!.text += text;
      continue;
    }
    if (closing) {
      const open = stack.pop()!;
      if (open.name !== name) throw new Error(`</${name}> closes <${open.name}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText.matchAll(/([A-Za-z_:][\w:.-]*)="([^"]*)"/g)) {
      if (a[1] in attrs) throw new Error(`duplicate attribute ${a[1]}`);
      if (/&(?!(amp|lt|gt|quot|#39);)/.test(a[2])) throw new Error(`bare & in attribute ${a[1]}`);
      attrs[a[1]] = a[2]!;
    }
    const element: Element = { name: name, attrs, children: [], text: "" };
    stack.at(-1)!.children.push(element);
    if (!selfClosing) stack.push(element);
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack.at(-1)!.name}>`);
  if (root.children.length !== 1) throw new Error("not exactly one root element");
  return root.children[0];
}

function all(el: Element, pred: (e: Element) => boolean): Element[] {
  return [...(pred(el) ? [el] : []), ...el.children.flatMap((c) => all(c, pred))];
}

const unescape = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

const labels: HistogramInput["labels"] = {
  title: "得分分布",
  x: "得分",
  y: "作品数",
  prizes: { first: "一等奖", second: "二等奖", third: "三等奖" },
  empty: "暂无成绩",
};

/** The plot's x range in the SVG (see MARGIN and WIDTH in chart.ts): 44 … 640 − 16. */
const PLOT = { left: 44, right: 624 };

function xOf(svg: Element, score: number): number {
  const [lo, hi] = svg.attrs["data-domain"].split(" ").map(Number) as [number, number];
  return PLOT.left + ((score - lo) / (hi - lo)) * (PLOT.right - PLOT.left);
}

describe("results/chart", () => {
  it("draws a well-formed SVG histogram whose bars count every score once", () => {
    const scores = [91.5, 88, 85, 85, 84.25, 80, 79.99, 72, 66.5, 60];
    const svg = parseXml(scoreHistogram({ scores, cuts: {}, labels }));
    expect(svg.name).to.equal("svg");
    expect(svg.attrs).to.include({
      xmlns: "http://www.w3.org/2000/svg",
      role: "img",
      "aria-labelledby": "score-chart",
    });
    expect(all(svg, (e) => e.name === "title")[0].text).to.equal("得分分布");
    const bars = all(svg, (e) => e.name === "rect" && e.attrs.class === "bar");
    expect(bars.reduce((n, b) => n + Number(b.attrs["data-count"]), 0)).to.equal(scores.length);
    // Range 60 … 91.5 → bins of 2 points from 60 to 92: 16 bins.
    expect(svg.attrs["data-domain"]).to.equal("60 92");
    expect(svg.attrs["data-bin"]).to.equal("2");
    expect(bars).to.have.length(16);
    const countAt = (from: string) => Number(bars.find((b) => b.attrs["data-from"] === from)!.attrs["data-count"]);
    // 84.25, 85, 85 in [84, 86); 79.99 in [78, 80), 80 in [80, 82): an edge belongs to the upper bin.
    expect(countAt("84")).to.equal(3);
    expect(countAt("78")).to.equal(1);
    expect(countAt("80")).to.equal(1);
    expect(all(svg, (e) => e.attrs.class === "band" || e.attrs.class === "cut")).to.deep.equal([]);
  });

  it("draws each prize band from its cut score up to the cut of the level above, with labels", () => {
    const results = [
      { score: 95, prize: "first" as const },
      { score: 92.5, prize: "first" as const },
      { score: 90, prize: "second" as const },
      { score: 86.75, prize: "second" as const },
      { score: 80, prize: "third" as const },
      { score: 70, prize: null },
    ];
    const cuts = prizeCuts(results);
    expect(cuts).to.deep.equal({ first: 92.5, second: 86.75, third: 80 });
    const svg = parseXml(scoreHistogram({ scores: results.map((r) => r.score), cuts, labels }));
    expect(svg.attrs["data-domain"]).to.equal("70 96");
    const bands = all(svg, (e) => e.attrs.class === "band");
    expect(bands.map((b) => [b.attrs["data-prize"], b.attrs["data-from"], b.attrs["data-to"]])).to.deep.equal([
      ["first", "92.5", "96"],
      ["second", "86.75", "92.5"],
      ["third", "80", "86.75"],
    ]);
    for (const band of bands) {
      const from = Number(band.attrs["data-from"]);
      const to = Number(band.attrs["data-to"]);
      expect(Number(band.attrs.x)).to.be.closeTo(xOf(svg, from), 0.01);
      expect(Number(band.attrs.width)).to.be.closeTo(xOf(svg, to) - xOf(svg, from), 0.02);
    }
    const lines = all(svg, (e) => e.name === "line" && e.attrs.class === "cut");
    expect(lines.map((l) => [l.attrs["data-prize"], l.attrs["data-score"]])).to.deep.equal([
      ["first", "92.50"],
      ["second", "86.75"],
      ["third", "80.00"],
    ]);
    for (const line of lines) {
      expect(Number(line.attrs.x1)).to.be.closeTo(xOf(svg, Number(line.attrs["data-score"])), 0.01);
      expect(line.attrs.x1).to.equal(line.attrs.x2);
    }
    // The first band is to the right of the second, the second right of the third.
    expect(Number(bands[0].attrs.x)).to.be.greaterThan(Number(bands[1].attrs.x));
    expect(Number(bands[1].attrs.x)).to.be.greaterThan(Number(bands[2].attrs.x));
    const texts = all(svg, (e) => e.attrs.class === "cut-label").map((t) => unescape(t.text));
    expect(texts).to.deep.equal(["一等奖 ≥ 92.50", "二等奖 ≥ 86.75", "三等奖 ≥ 80.00"]);
  });

  it("a level that nobody won has no band; equal cuts give a zero-width band and their own label rows", () => {
    const svg = parseXml(scoreHistogram({ scores: [85, 85, 70], cuts: { first: 85, second: 85 }, labels }));
    const bands = all(svg, (e) => e.attrs.class === "band");
    expect(bands.map((b) => b.attrs["data-prize"])).to.deep.equal(["first", "second"]);
    expect(Number(bands[1].attrs.width)).to.equal(0);
    const rows = all(svg, (e) => e.attrs.class === "cut-label").map((t) => t.attrs.y);
    expect(new Set(rows).size).to.equal(2);
  });

  it("escapes every text it is given", () => {
    const nasty = `<script>alert("x")</script> & 'y'`;
    const xml = scoreHistogram({
      scores: [80],
      cuts: { first: 80 },
      labels: { ...labels, title: nasty, x: nasty, prizes: { ...labels.prizes, first: nasty } },
      id: `a"b`,
    });
    expect(xml).not.to.include("<script>");
    const svg = parseXml(xml);
    expect(unescape(all(svg, (e) => e.name === "title")[0].text)).to.equal(nasty);
    expect(unescape(svg.attrs["aria-labelledby"])).to.equal(`a"b`);
    expect(escapeXml(`&<>"'`)).to.equal("&amp;&lt;&gt;&quot;&#39;");
  });

  it("without scores it still draws a well-formed chart with a message", () => {
    const svg = parseXml(scoreHistogram({ scores: [], cuts: {}, labels }));
    expect(all(svg, (e) => e.attrs.class === "empty")[0].text).to.equal("暂无成绩");
  });

  it("property: any scores give at most 20 bins covering every score exactly once, and a well-formed SVG", () => {
    const score = fc.integer({ min: -500, max: 10000 }).map((h) => h / 100);
    fc.assert(
      fc.property(fc.array(score, { minLength: 1, maxLength: 60 }), (scores) => {
        const layout = histogramLayout(scores);
        expect(layout.counts.length).to.be.at.most(20).and.at.least(1);
        expect(layout.counts.reduce((a, b) => a + b, 0)).to.equal(scores.length);
        for (const s of scores) {
          const h = Math.round(s * 100);
          expect(h).to.be.at.least(layout.lo).and.below(layout.hi);
        }
        const sorted = [...scores].sort((a, b) => b - a);
        const cuts = { first: sorted[0], third: sorted.at(-1)! };
        const svg = parseXml(scoreHistogram({ scores, cuts, labels }));
        expect(all(svg, (e) => e.attrs.class === "bar")).to.have.length(layout.counts.length);
        for (const line of all(svg, (e) => e.attrs.class === "cut")) {
          const x = Number(line.attrs.x1);
          expect(x)
            .to.be.at.least(PLOT.left - 0.01)
            .and.at.most(PLOT.right + 0.01);
        }
      }),
      { numRuns: 200 },
    );
  });
});
