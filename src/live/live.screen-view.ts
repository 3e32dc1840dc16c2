/**
 * What the big screen and the timekeeper's console show of a live final's state (spec "The state"):
 * pure, so the server's first paint and the scripts (which read the thresholds it writes into the
 * page) agree on the clock's text, its colour and the judges' slots.
 */
import type { Locale } from "../lib/i18n.js";
import { translate } from "../lib/i18n.js";
import { twoDecimals } from "../results/results.page-text.js";
import { segmentTimeRules } from "./live.rules.js";
import type { LiveJson } from "./live.service.js";

type Timer = NonNullable<LiveJson["current"]>["timer"];

/** The clock turns amber this many seconds before the limit, so the speaker can be signalled to close. */
export const WARN_BEFORE_LIMIT_SECONDS = 30;

/** Seconds as a clock shows them: 4:05 → "04:05", 61 min → "61:00". */
export function clockText(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  return `${String(Math.floor(whole / 60)).padStart(2, "0")}:${String(whole % 60).padStart(2, "0")}`;
}

/** The seconds a clock shows now: measured once stopped, else counted from the start and held at the cutoff. */
export function elapsedSeconds(timer: Timer, now: Date): number {
  if (!timer?.startedAt) return 0;
  if (!timer.running) return timer.seconds ?? 0;
  const counted = Math.floor((now.getTime() - Date.parse(timer.startedAt)) / 1000);
  return Math.max(0, timer.cutoff ? Math.min(counted, timer.cutoff) : counted);
}

export type ClockTone = "idle" | "ok" | "warn" | "over";

/** Amber in the last WARN_BEFORE_LIMIT_SECONDS before the limit, red past it; a segment without a limit stays plain. */
export function clockTone(timer: Timer, seconds: number): ClockTone {
  if (!timer?.startedAt) return "idle";
  if (!timer.limit) return "ok";
  if (seconds > timer.limit) return "over";
  return seconds >= timer.limit - WARN_BEFORE_LIMIT_SECONDS ? "warn" : "ok";
}

/** A deduction as the screen says it: "超时 −2". */
export function deductionText(deduction: { points: number; reason: string | null } | null, locale: Locale): string {
  if (!deduction || !deduction.reason || deduction.points === 0) return "";
  return translate(locale, `live.screen.deduction.${deduction.reason}`, {
    points: String(deduction.points).replace("-", "−"),
  });
}

export interface ClockView {
  text: string;
  tone: ClockTone;
  running: boolean;
  startedAt: string | null;
  seconds: number;
  limit: number | null;
  cutoff: number | null;
  limitText: string;
  cutoffText: string;
  /** The amber threshold, and when (limit + grace) the over-time deduction applies and how much: written into the page for the scripts. */
  warnBefore: number;
  grace: number;
  overPoints: number;
  deduction: string;
}

export function clockView(timer: Timer, now: Date, locale: Locale): ClockView {
  const seconds = elapsedSeconds(timer, now);
  // Grace and penalty are the same for every limited segment; the page keeps them for the next segments too.
  const rules = segmentTimeRules(timer?.limit ?? 0);
  // Past the cutoff the server's state shows the talk stopped, even before anyone pressed stop.
  const running = Boolean(timer?.running) && !(timer?.cutoff && seconds >= timer.cutoff);
  return {
    text: clockText(seconds),
    tone: clockTone(timer, seconds),
    running,
    startedAt: timer?.startedAt ?? null,
    seconds,
    limit: timer?.limit ?? null,
    cutoff: timer?.cutoff ?? null,
    limitText: timer?.limit ? clockText(timer.limit) : "",
    cutoffText: timer?.cutoff ? clockText(timer.cutoff) : "",
    warnBefore: WARN_BEFORE_LIMIT_SECONDS,
    grace: rules.graceSeconds,
    overPoints: -rules.overPenalty,
    deduction: deductionText(timer?.deduction ?? null, locale),
  };
}

/** "评委3" → 3: the state names judges by their panel number only. */
export function judgeNumber(label: string): number | null {
  const match = /(\d+)$/.exec(label);
  return match ? Number(match[1]) : null;
}

export interface SlotView {
  n: number;
  label: string;
  submitted: boolean;
  total: string;
  dropped: "high" | "low" | null;
  corrected: boolean;
}

/** One slot per panel judge, in number order, filled as the judge's submitted total arrives. */
export function judgeSlots(live: LiveJson, locale: Locale): SlotView[] {
  const byNumber = new Map(live.sheets.map((s) => [judgeNumber(s.judge), s]));
  return Array.from({ length: live.panel.judges }, (_, i) => {
    const sheet = byNumber.get(i + 1);
    return {
      n: i + 1,
      label: translate(locale, "live.screen.judge", { n: String(i + 1) }),
      submitted: Boolean(sheet),
      total: sheet ? String(sheet.total) : "",
      dropped: sheet?.dropped ?? null,
      corrected: Boolean(sheet?.corrected),
    };
  });
}

const scoreText = (score: number | null | undefined) => (typeof score === "number" ? twoDecimals(score) : "");

/** The big screen's view model; the console shows the same current finalist and clock. */
export function screenView(live: LiveJson, now: Date, locale: Locale) {
  const current = live.current;
  return {
    finished: live.status === "finished",
    current: current && {
      ...current,
      clock: clockView(current.timer, now, locale),
    },
    slots: judgeSlots(live, locale),
    segmentScore: scoreText(live.segmentScore),
    score: scoreText(live.score),
    segments: live.segments,
    ranking: live.ranking.map((r) => ({
      ...r,
      scoreText: scoreText(r.score),
      segmentScores: live.segments.map((s) => scoreText(r.segments[s.key])),
    })),
  };
}

/** What the next step is called: the finalist's next segment, the next finalist, or the end of the final. */
function nextKind(live: LiveJson): "segment" | "finalist" | "finish" {
  const segmentIndex = live.segments.findIndex((s) => s.key === live.current?.segment);
  if (segmentIndex >= 0 && segmentIndex < live.segments.length - 1) return "segment";
  return live.order.some((o) => o.status === "waiting") ? "finalist" : "finish";
}

export interface PanelJudge {
  judge: string;
  name: string;
  submitted: boolean;
  corrected: boolean;
}

/** The timekeeper's console: the screen's current finalist and clock, the next step, the panel's progress by name, the order. */
export function consoleView(live: LiveJson, panel: readonly PanelJudge[], now: Date, locale: Locale) {
  const screen = screenView(live, now, locale);
  return {
    version: live.version,
    finished: screen.finished,
    current: screen.current,
    canStart: Boolean(live.current && !live.current.timer.startedAt),
    nextKind: nextKind(live),
    panel: live.panel,
    judges: panel,
    pending: panel.filter((j) => !j.submitted).map((j) => `${j.judge} ${j.name}`),
    order: live.order.map((o) => ({
      ...o,
      waiting: o.status === "waiting",
      isCurrent: o.entryId === live.current?.entryId,
    })),
    segments: live.segments.map((s) => ({ ...s, isCurrent: s.key === live.current?.segment })),
  };
}
