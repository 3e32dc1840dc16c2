/**
 * The score distribution of the results review, as a server-rendered SVG string (no script, no
 * chart library): a histogram of the final scores with the prize bands drawn over it, each band
 * from its level's cut score (the lowest score that won that prize) up to the next level's cut.
 * Pure: every text is given by the caller (already in the reader's language) and escaped here.
 */
import { escapeXml, px } from "../lib/svg.js";
import type { Prize } from "./prizes.js";

export type PrizeLevel = Exclude<Prize, null>;

export const PRIZE_LEVELS: readonly PrizeLevel[] = ["first", "second", "third"];

export interface HistogramInput {
  /** Final scores of the ranked entries. */
  scores: readonly number[];
  /** The lowest score that won each level; levels nobody won are left out. */
  cuts: Partial<Record<PrizeLevel, number>>;
  labels: {
    title: string;
    /** The x axis, e.g. "得分". */
    x: string;
    /** The y axis, e.g. "作品数". */
    y: string;
    /** Each prize level's name, e.g. "一等奖". */
    prizes: Record<PrizeLevel, string>;
    /** Shown instead of bars when there are no scores. */
    empty: string;
  };
  /** Unique within the page: the id of the chart's <title>. */
  id?: string;
}

/** Prize colours: gold, silver, bronze, dark enough for their labels on white. */
const COLOURS: Record<PrizeLevel, string> = { first: "#b8860b", second: "#5f7087", third: "#a0522d" };

const WIDTH = 640;
const HEIGHT = 300;
const MARGIN = { left: 44, right: 16, top: 58, bottom: 44 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;

/** Bin widths tried in turn, in hundredths of a point: the first giving at most MAX_BINS bins is used. */
const BIN_WIDTHS = [50, 100, 200, 500, 1000, 2000, 5000];
const MAX_BINS = 20;

/** A score as the page prints it: 2 decimals. */
const scoreText = (n: number) => n.toFixed(2);

/** A tick value: no trailing zeros (85, 85.5). */
const tickText = (hundredths: number) => String(hundredths / 100);

/** Cut scores from ranked results: the lowest score of each prize level that was awarded. */
export function prizeCuts(results: readonly { score: number; prize: Prize }[]): Partial<Record<PrizeLevel, number>> {
  const cuts: Partial<Record<PrizeLevel, number>> = {};
  for (const r of results) if (r.prize !== null) cuts[r.prize] = Math.min(cuts[r.prize] ?? Infinity, r.score);
  return cuts;
}

export interface HistogramLayout {
  /** Axis domain in hundredths of a point: [lo, hi). */
  lo: number;
  hi: number;
  /** Bin width in hundredths. */
  width: number;
  /** How many scores fall in each bin [lo + i·width, lo + (i + 1)·width). */
  counts: number[];
}

/**
 * Bins in whole hundredths (scores have 2 decimals), so a score on a bin edge always lands in the
 * upper bin, without float noise.
 */
export function histogramLayout(scores: readonly number[], cuts: readonly number[] = []): HistogramLayout {
  const values = [...scores, ...cuts].map((s) => Math.round(s * 100));
  if (values.length === 0) return { lo: 0, hi: 10000, width: 1000, counts: Array<number>(10).fill(0) };
  const min = Math.min(...values);
  const max = Math.max(...values);
  const floorTo = (v: number, w: number) => Math.floor(v / w) * w;
  const width = BIN_WIDTHS.find((w) => (floorTo(max, w) + w - floorTo(min, w)) / w <= MAX_BINS) ?? BIN_WIDTHS.at(-1)!;
  const lo = floorTo(min, width);
  const hi = floorTo(max, width) + width;
  const counts = Array<number>((hi - lo) / width).fill(0);
  for (const s of scores) counts[Math.floor((Math.round(s * 100) - lo) / width)] += 1;
  return { lo, hi, width, counts };
}

/** The histogram with its prize bands, as an SVG element (a string of well-formed XML). */
export function scoreHistogram(input: HistogramInput): string {
  const id = input.id ?? "score-chart";
  const levels = PRIZE_LEVELS.filter((l) => input.cuts[l] !== undefined);
  const layout = histogramLayout(
    input.scores,
    levels.map((l) => input.cuts[l]!),
  );
  const { lo, hi, width, counts } = layout;
  const x = (hundredths: number) => MARGIN.left + ((hundredths - lo) / (hi - lo)) * PLOT_W;
  const maxCount = Math.max(1, ...counts);
  const yStep = Math.max(1, Math.ceil(maxCount / 5));
  const yTop = Math.ceil(maxCount / yStep) * yStep;
  const y = (n: number) => MARGIN.top + PLOT_H - (n / yTop) * PLOT_H;
  const base = MARGIN.top + PLOT_H;
  const out: string[] = [];

  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" class="score-chart" role="img" aria-labelledby="${escapeXml(id)}" data-domain="${tickText(lo)} ${tickText(hi)}" data-bin="${tickText(width)}">`,
    `<title id="${escapeXml(id)}">${escapeXml(input.labels.title)}</title>`,
  );

  // Prize bands behind the bars: each level from its cut to the cut of the level above (or the top).
  levels.forEach((level, i) => {
    const from = Math.round(input.cuts[level]! * 100);
    const above = levels.slice(0, i).map((l) => Math.round(input.cuts[l]! * 100));
    const to = above.length > 0 ? Math.min(...above) : hi;
    const x1 = x(from);
    const w = px(Math.max(0, x(to) - x1));
    out.push(
      `<rect class="band" data-prize="${level}" data-from="${tickText(from)}" data-to="${tickText(to)}" x="${px(x1)}" y="${MARGIN.top}" width="${w}" height="${PLOT_H}" fill="${COLOURS[level]}" fill-opacity="0.14"/>`,
    );
    // The same range as a solid strip along the axis, visible where bars cover the shading.
    out.push(
      `<rect class="band-strip" data-prize="${level}" x="${px(x1)}" y="${MARGIN.top + PLOT_H + 1}" width="${w}" height="5" fill="${COLOURS[level]}"/>`,
    );
  });

  // Grid and y axis.
  for (let n = 0; n <= yTop; n += yStep) {
    out.push(
      `<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${px(y(n))}" y2="${px(y(n))}" stroke="#dde2e8" stroke-width="1"/>`,
    );
    out.push(
      `<text x="${MARGIN.left - 6}" y="${px(y(n) + 4)}" text-anchor="end" font-size="11" fill="#5f6b7a">${n}</text>`,
    );
  }

  // Bars.
  counts.forEach((n, i) => {
    const from = lo + i * width;
    const x1 = x(from);
    const w = Math.max(1, x(from + width) - x1 - 1);
    const label = `${tickText(from)}–${tickText(from + width)}: ${n}`;
    out.push(
      `<rect class="bar" data-from="${tickText(from)}" data-count="${n}" x="${px(x1 + 0.5)}" y="${px(y(n))}" width="${px(w)}" height="${px(base - y(n))}" fill="#0b5cad" fill-opacity="0.85"><title>${escapeXml(label)}</title></rect>`,
    );
  });

  if (input.scores.length === 0) {
    out.push(
      `<text class="empty" x="${WIDTH / 2}" y="${MARGIN.top + PLOT_H / 2}" text-anchor="middle" font-size="14" fill="#5f6b7a">${escapeXml(input.labels.empty)}</text>`,
    );
  }

  // X axis with ticks at bin edges, thinned to at most about 10 labels.
  out.push(
    `<line class="axis" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${base}" y2="${base}" stroke="#1d2430" stroke-width="1"/>`,
  );
  const every = Math.ceil(counts.length / 10);
  for (let i = 0; i <= counts.length; i += every) {
    const at = lo + i * width;
    out.push(
      `<text x="${px(x(at))}" y="${base + 19}" text-anchor="middle" font-size="11" fill="#5f6b7a">${tickText(at)}</text>`,
    );
  }
  out.push(
    `<text x="${MARGIN.left + PLOT_W / 2}" y="${HEIGHT - 6}" text-anchor="middle" font-size="12" fill="#1d2430">${escapeXml(input.labels.x)}</text>`,
  );
  out.push(
    `<text x="12" y="${MARGIN.top + PLOT_H / 2}" text-anchor="middle" font-size="12" fill="#1d2430" transform="rotate(-90 12 ${MARGIN.top + PLOT_H / 2})">${escapeXml(input.labels.y)}</text>`,
  );

  // Cut lines over the bars, labelled on their own row each so that equal cuts do not overlap.
  levels.forEach((level, i) => {
    const cut = input.cuts[level]!;
    const at = x(Math.round(cut * 100));
    const row = 14 + i * 15;
    const anchor = at > MARGIN.left + PLOT_W * 0.6 ? "end" : "start";
    const dx = anchor === "end" ? -4 : 4;
    out.push(
      `<line class="cut" data-prize="${level}" data-score="${scoreText(cut)}" x1="${px(at)}" x2="${px(at)}" y1="${row - 10}" y2="${base}" stroke="${COLOURS[level]}" stroke-width="2" stroke-dasharray="5 3"/>`,
    );
    out.push(
      `<text class="cut-label" data-prize="${level}" x="${px(at + dx)}" y="${row}" text-anchor="${anchor}" font-size="12" font-weight="700" fill="${COLOURS[level]}">${escapeXml(`${input.labels.prizes[level]} ≥ ${scoreText(cut)}`)}</text>`,
    );
  });

  out.push("</svg>");
  return out.join("");
}
