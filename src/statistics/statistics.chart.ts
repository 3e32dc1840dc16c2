/**
 * Entries by city as a server-rendered SVG (no script, no chart library), in the style of the
 * results review's histogram (results/chart.ts): one row per city, a bar for each figure. Pure: the
 * texts come from the caller in the reader's language and are escaped here.
 */
import { escapeXml } from "../results/chart.js";

export const SERIES = ["submitted", "recommended", "prizes"] as const;
export type Series = (typeof SERIES)[number];

export interface CityChartInput {
  rows: readonly ({ name: string } & Record<Series, number>)[];
  labels: { title: string; series: Record<Series, string>; empty: string };
  id?: string;
}

/** Blue as the histogram's bars, green for recommended, the first prize's gold for prizes. */
const COLOURS: Record<Series, string> = { submitted: "#0b5cad", recommended: "#2e7d32", prizes: "#b8860b" };

// Narrower than the histogram: on a 375-px phone it scales down less, so the city names stay legible.
const WIDTH = 480;
const MARGIN = { left: 76, right: 34, top: 40, bottom: 12 };
const BAR = 9;
const ROW = SERIES.length * BAR + 10;

const px = (n: number) => String(Math.round(n * 100) / 100);

export function cityChart(input: CityChartInput): string {
  const id = input.id ?? "city-chart";
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const height = MARGIN.top + Math.max(1, input.rows.length) * ROW + MARGIN.bottom;
  const max = Math.max(1, ...input.rows.flatMap((r) => SERIES.map((s) => r[s])));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" class="score-chart city-chart" role="img" aria-labelledby="${escapeXml(id)}">`,
    `<title id="${escapeXml(id)}">${escapeXml(input.labels.title)}</title>`,
  ];
  // Legend along the top.
  SERIES.forEach((s, i) => {
    const x = MARGIN.left + i * 120;
    out.push(
      `<rect x="${x}" y="12" width="12" height="12" fill="${COLOURS[s]}"/>`,
      `<text x="${x + 17}" y="22" font-size="13" fill="#1d2430">${escapeXml(input.labels.series[s])}</text>`,
    );
  });
  if (input.rows.length === 0)
    out.push(
      `<text class="empty" x="${WIDTH / 2}" y="${MARGIN.top + ROW / 2}" text-anchor="middle" font-size="14" fill="#5f6b7a">${escapeXml(input.labels.empty)}</text>`,
    );
  input.rows.forEach((row, i) => {
    const top = MARGIN.top + i * ROW;
    out.push(
      `<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${top + ROW - 2}" y2="${top + ROW - 2}" stroke="#dde2e8" stroke-width="1"/>`,
      `<text x="${MARGIN.left - 6}" y="${px(top + ROW / 2 + 2)}" text-anchor="end" font-size="14" fill="#1d2430">${escapeXml(row.name)}</text>`,
    );
    SERIES.forEach((s, j) => {
      const y = top + 2 + j * BAR;
      const w = (row[s] / max) * plotW;
      out.push(
        `<rect class="bar" data-city="${escapeXml(row.name)}" data-series="${s}" data-count="${row[s]}" x="${MARGIN.left}" y="${y}" width="${px(w)}" height="${BAR - 1}" fill="${COLOURS[s]}"><title>${escapeXml(`${row.name} ${input.labels.series[s]}: ${row[s]}`)}</title></rect>`,
      );
      if (row[s] > 0)
        out.push(
          `<text x="${px(MARGIN.left + w + 3)}" y="${y + BAR - 1}" font-size="11" fill="#5f6b7a">${row[s]}</text>`,
        );
    });
  });
  out.push(
    `<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${height - MARGIN.bottom}" stroke="#1d2430" stroke-width="1"/>`,
    "</svg>",
  );
  return out.join("");
}
