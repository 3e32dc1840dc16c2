/**
 * Server-rendered SVG charts (no script, no chart library), shared by the results review, the
 * statistics and the reports dashboard. Pure: every text comes from the caller in the reader's
 * language and is escaped here.
 */

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** A coordinate with two decimals at most, so the SVG stays small and stable. */
export const px = (n: number) => String(Math.round(n * 100) / 100);

export interface BarSeries {
  /** Written as each bar's data-series. */
  key: string;
  label: string;
  colour: string;
}

export interface BarChartInput {
  series: readonly BarSeries[];
  /** One row per group; values in the order of `series`. */
  rows: readonly { name: string; values: readonly number[] }[];
  title: string;
  /** Shown instead of bars when there are no rows. */
  empty: string;
  /** Unique within the page: the id of the chart's <title>. */
  id: string;
  /** Each bar names its row in this data attribute (data-city="保定"), for tests and styling. */
  rowAttribute: string;
  /** Extra class beside score-chart, which the page's CSS sizes. */
  className: string;
}

// Narrower than the histogram: on a 375-px phone it scales down less, so the row names stay legible.
const WIDTH = 480;
const MARGIN = { left: 76, right: 34, bottom: 12 };
const BAR = 9;

/** Horizontal bars: a row per group, a bar per series, a legend on top when there is more than one series. */
export function barChart(input: BarChartInput): string {
  const { series, rows } = input;
  const top = series.length > 1 ? 40 : 12;
  const row = series.length * BAR + 10;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const height = top + Math.max(1, rows.length) * row + MARGIN.bottom;
  const max = Math.max(1, ...rows.flatMap((r) => r.values));
  const id = escapeXml(input.id);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" class="score-chart ${escapeXml(input.className)}" role="img" aria-labelledby="${id}">`,
    `<title id="${id}">${escapeXml(input.title)}</title>`,
  ];
  if (series.length > 1)
    series.forEach((s, i) => {
      const x = MARGIN.left + i * 120;
      out.push(
        `<rect x="${x}" y="12" width="12" height="12" fill="${s.colour}"/>`,
        `<text x="${x + 17}" y="22" font-size="13" fill="#1d2430">${escapeXml(s.label)}</text>`,
      );
    });
  if (rows.length === 0)
    out.push(
      `<text class="empty" x="${WIDTH / 2}" y="${top + row / 2}" text-anchor="middle" font-size="14" fill="#5f6b7a">${escapeXml(input.empty)}</text>`,
    );
  const attribute = `data-${input.rowAttribute}`;
  rows.forEach((r, i) => {
    const y0 = top + i * row;
    out.push(
      `<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y0 + row - 2}" y2="${y0 + row - 2}" stroke="#dde2e8" stroke-width="1"/>`,
      `<text x="${MARGIN.left - 6}" y="${px(y0 + row / 2 + 2)}" text-anchor="end" font-size="14" fill="#1d2430">${escapeXml(r.name)}</text>`,
    );
    series.forEach((s, j) => {
      const value = r.values[j] ?? 0;
      const y = y0 + 2 + j * BAR;
      const w = (value / max) * plotW;
      out.push(
        `<rect class="bar" ${attribute}="${escapeXml(r.name)}" data-series="${escapeXml(s.key)}" data-count="${value}" x="${MARGIN.left}" y="${y}" width="${px(w)}" height="${BAR - 1}" fill="${s.colour}"><title>${escapeXml(`${r.name} ${s.label}: ${value}`)}</title></rect>`,
      );
      if (value > 0)
        out.push(
          `<text x="${px(MARGIN.left + w + 3)}" y="${y + BAR - 1}" font-size="11" fill="#5f6b7a">${value}</text>`,
        );
    });
  });
  out.push(
    `<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${top}" y2="${height - MARGIN.bottom}" stroke="#1d2430" stroke-width="1"/>`,
    "</svg>",
  );
  return out.join("");
}
