/**
 * Entries by city as a server-rendered SVG (src/lib/svg.ts): one row per city, a bar for each figure.
 * Pure: the texts come from the caller in the reader's language.
 */
import { barChart } from "../lib/svg.js";

export const SERIES = ["submitted", "recommended", "prizes"] as const;
export type Series = (typeof SERIES)[number];

export interface CityChartInput {
  rows: readonly ({ name: string } & Record<Series, number>)[];
  labels: { title: string; series: Record<Series, string>; empty: string };
  id?: string;
}

/** Blue as the histogram's bars, green for recommended, the first prize's gold for prizes. */
const COLOURS: Record<Series, string> = { submitted: "#0b5cad", recommended: "#2e7d32", prizes: "#b8860b" };

export function cityChart(input: CityChartInput): string {
  return barChart({
    series: SERIES.map((key) => ({ key, label: input.labels.series[key], colour: COLOURS[key] })),
    rows: input.rows.map((r) => ({ name: r.name, values: SERIES.map((s) => r[s]) })),
    title: input.labels.title,
    empty: input.labels.empty,
    id: input.id ?? "city-chart",
    rowAttribute: "city",
    className: "city-chart",
  });
}
