import { toCsv } from "../lib/csv.js";
import type { EntryJson } from "./entries.service.js";

const CSV_HEADER = [
  "作品编号",
  "作品名称",
  "类别",
  "城市",
  "单位",
  "作者",
  "状态",
  "已推荐",
  "形式审查问题",
  "重复文件",
  "提交时间",
];

/** The entry list as the organizers' spreadsheet (API and pages alike): one row per entry, in the list's order. */
export function entriesCsv(
  list: EntryJson[],
  t: (key: string, params?: Record<string, string | number>) => string,
): string {
  const rows = list.map((e) => [
    e.code,
    e.title,
    e.category,
    e.city ?? "",
    e.unit ?? "",
    (e.authors ?? []).map((a) => a.name).join("、"),
    t(`entryStatus.${e.status}`),
    e.recommended ? "是" : "否",
    (e.checks ?? []).map((c) => t(c.messageKey, { ...c.params, role: t(`fileRole.${c.role}`) })).join("；"),
    (e.duplicates ?? []).join(" "),
    e.createdAt ?? "",
  ]);
  return toCsv(CSV_HEADER, rows);
}
