// Activity import (issue 13): 10,000 activities from an XLSX and from a CSV through the import service
// (parse, check every row, find or make the units, upsert in chunks, one transaction), and a re-import
// that updates them all, against a same-run baseline: a plain knex batch insert of the same 10,000
// rows (chunks of 500, one transaction) on the same database. SQLite by default; PostgreSQL with
// DATABASE_URL set. Run: npx tsx bench/activities.ts [rows]

import { copyFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import ExcelJS from "exceljs";
import { CITIES } from "../src/accounts/cities.js";
import { newId } from "../src/lib/ids.js";
import { identityKey } from "../src/lib/identity.js";
import { activityInstant, COLUMNS, FORMS, importKey, THEMES } from "../src/reports/activities.rows.js";
import { importActivities } from "../src/reports/activities.service.js";
import { createWeek } from "../src/reports/weeks.service.js";
import { findOrCreateUnits } from "../src/units/units.service.js";
import { openBenchDb } from "./bench-db.js";
import { BENCH_ORGANIZER, userRow } from "./seed-rows.js";

/** The seed's week had 629 activities of about 300 units in 13 cities and the province departments. */
function sheetRows(count: number): string[][] {
  return Array.from({ length: count }, (_, i) => {
    const city = CITIES[i % CITIES.length].name;
    const day = `2026-05-${String(16 + (i % 7)).padStart(2, "0")}`;
    return [
      `${city}单位${i % 300}`,
      city,
      `活动 ${i + 1}`,
      THEMES[i % THEMES.length].name,
      FORMS[(i >> 2) % FORMS.length].name,
      `${day} ${String(8 + (i % 10)).padStart(2, "0")}:00`,
      `${day} 20:00`,
      `https://example.org/live/${i}`,
    ];
  });
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);

export async function runActivitiesBench(count = 10_000): Promise<string[]> {
  const bench = await openBenchDb("activities");
  const { ctx, db, dir } = bench;
  try {
    const now = new Date().toISOString();
    await db("users").insert(userRow("organizer", "organizer", now));
    const rows = sheetRows(count);
    const header = COLUMNS.map((c) => c.zh);
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("活动");
    sheet.addRow(header);
    for (const row of rows) sheet.addRow(row);
    const xlsxFile = path.join(dir, "activities.xlsx");
    await book.xlsx.writeFile(xlsxFile);
    const csvFile = path.join(dir, "activities.csv");
    await writeFile(csvFile, [header, ...rows].map((r) => r.join(",")).join("\n"));

    // The units first (untimed), so the baseline can insert the same rows with their unit ids.
    const units = await db.transaction((trx) =>
      findOrCreateUnits(
        trx,
        ctx,
        rows.map(([name, city]) => ({ name, city })),
      ),
    );
    const unitOf = new Map([...units.values()].map((u) => [u.name, u.id]));

    const week = () =>
      createWeek(ctx, BENCH_ORGANIZER, { title: `周 ${newId()}`, summaryDueAt: "2026-06-10T15:59:59Z" });
    const baselineWeek = await week();
    let started = performance.now();
    await db.transaction(async (trx) => {
      const records = rows.map(([unit, city, title, theme, form, start, end, place]) => {
        const startsAt = activityInstant(start, "start")!;
        return {
          id: newId(),
          week_id: baselineWeek.id,
          unit_id: unitOf.get(unit)!,
          city,
          title,
          theme,
          form,
          starts_at: startsAt,
          ends_at: activityInstant(end, "end")!,
          place,
          import_key: importKey(identityKey(unit), title, startsAt),
          created_at: now,
          updated_at: now,
        };
      });
      await trx.batchInsert("activities", records, 500);
    });
    const baselineMs = performance.now() - started;

    const importOnce = async (file: string, name: string) => {
      // The service discards its upload, as after a request: it gets a copy.
      const copy = path.join(dir, `upload-${newId()}`);
      await copyFile(file, copy);
      started = performance.now();
      const report = await importActivities(
        ctx,
        BENCH_ORGANIZER,
        [{ role: "file", originalName: name, path: copy, size: 0, sha256: "" }],
        "zh-CN",
      );
      const ms = performance.now() - started;
      if (report.errors.length > 0) throw new Error(`import refused rows: ${JSON.stringify(report.errors[0])}`);
      return { ms, report };
    };
    await week();
    const xlsx = await importOnce(xlsxFile, "activities.xlsx");
    await week();
    const csv = await importOnce(csvFile, "activities.csv");
    const again = await importOnce(csvFile, "activities.csv");
    if (xlsx.report.imported !== count || csv.report.imported !== count || again.report.updated !== count)
      throw new Error(`unexpected counts: ${JSON.stringify([xlsx.report, csv.report, again.report])}`);

    const line = (what: string, ms: number) =>
      `${what}: ${seconds(ms)} s (${Math.round(count / (ms / 1000))} rows/s), ${(ms / baselineMs).toFixed(1)}× the baseline`;
    return [
      `database: ${bench.pgUrl ? "PostgreSQL" : "SQLite"}; ${count} activities of ${units.size} units`,
      `baseline, knex batch insert of the same rows in one transaction: ${seconds(baselineMs)} s`,
      line("import XLSX (new activities)", xlsx.ms),
      line("import CSV (new activities)", csv.ms),
      line("re-import CSV (every activity updated)", again.ms),
    ];
  } finally {
    await bench.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const line of await runActivitiesBench(Number(process.argv[2]) || undefined)) console.log(line);
}
