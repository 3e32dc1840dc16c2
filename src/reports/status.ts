/**
 * The week's reporting duty counted per unit (DESIGN §3 "Status"): pure, no I/O. A news report filed
 * counts on time or late by its own flag (set when it was filed); an activity with none is missing,
 * whatever its due date, and is past due once its due instant is behind `now`.
 */

export interface StatusUnit {
  id: string;
  name: string;
  city: string;
  kind: string;
}

export interface StatusActivity {
  id: string;
  unitId: string;
  title: string;
  dueAt: string;
  /** The activity's news report, or null when none is filed. */
  news: { late: boolean } | null;
}

export type SummaryState = "onTime" | "late" | "missing";

export interface MissingNews {
  activityId: string;
  title: string;
  dueAt: string;
  pastDue: boolean;
}

export interface UnitStatus {
  unit: string;
  unitId: string;
  city: string;
  kind: string;
  activities: number;
  onTime: number;
  late: number;
  missing: number;
  /** Of the missing, those whose due time has passed (the dashboard's on-time rate counts these). */
  missingPastDue: number;
  summary: SummaryState;
  /** What this unit still owes: each activity without a news report, by due date. */
  missingNews: MissingNews[];
}

export function countStatus(input: {
  units: StatusUnit[];
  activities: StatusActivity[];
  /** The filed summaries of the week, by unit. */
  summaries: { unitId: string; late: boolean }[];
  now: Date;
}): UnitStatus[] {
  const now = input.now.getTime();
  const byUnit = new Map<string, UnitStatus>(
    input.units.map((u) => [
      u.id,
      {
        unit: u.name,
        unitId: u.id,
        city: u.city,
        kind: u.kind,
        activities: 0,
        onTime: 0,
        late: 0,
        missing: 0,
        missingPastDue: 0,
        summary: "missing",
        missingNews: [],
      },
    ]),
  );
  for (const a of input.activities) {
    const status = byUnit.get(a.unitId);
    if (!status) continue;
    status.activities += 1;
    if (a.news) status[a.news.late ? "late" : "onTime"] += 1;
    else {
      const pastDue = Date.parse(a.dueAt) < now;
      status.missing += 1;
      if (pastDue) status.missingPastDue += 1;
      status.missingNews.push({ activityId: a.id, title: a.title, dueAt: a.dueAt, pastDue });
    }
  }
  for (const s of input.summaries) {
    const status = byUnit.get(s.unitId);
    if (status) status.summary = s.late ? "late" : "onTime";
  }
  for (const status of byUnit.values())
    status.missingNews.sort((x, y) => x.dueAt.localeCompare(y.dueAt) || x.title.localeCompare(y.title));
  return [...byUnit.values()];
}
