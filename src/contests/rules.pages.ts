import { Router, type Request } from "express";
import { CITIES, cityLabel } from "../accounts/cities.js";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { flash } from "../http/flash.js";
import { answerForm, formFields } from "../http/forms.js";
import { routeParam } from "../http/params.js";
import * as contests from "./contests.service.js";
import { parseUpdateContestBody } from "./contests.schemas.js";
import { may, type StageAction } from "./lifecycle.js";
import { defaultRules } from "./rules.js";
import {
  CONTENT_TYPE_NAMES,
  COUNTS,
  DURATIONS,
  isOn,
  lastValue,
  listValue,
  rulesChangeFromForm,
  rulesFormValues,
  TIME_DURATIONS,
  VIDEO_CODECS,
} from "./rules-form.js";
import { RULE_ACTION } from "./settings.js";

type Fields = Record<string, unknown>;
const obj = (v: unknown): Fields => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Fields) : {});
const textOf = (v: unknown) => lastValue(v) ?? "";

/** The rules editor's page: every rule by group, each field editable only where the stage allows it. */
function editorPage(req: Request, contest: contests.Contest, values: Fields, errors: Record<string, string>) {
  const flags = may(contest);
  const lock = (action: StageAction, why = `rulesEditor.locked.${action}`) =>
    flags[action] ? { editable: true } : { editable: false, lockedWhy: req.t(why) };
  const defaults = defaultRules(contest.kind).files;
  const files = obj(values.files);
  const time = obj(values.timeRules);
  const quotas = obj(values.quotas);
  return {
    title: req.t("rulesEditor.title", { contest: contest.title }),
    contest,
    files: {
      ...lock(RULE_ACTION.files),
      roles: Object.keys(contest.rules.files).map((role) => {
        const v = obj(files[role]);
        const types = listValue(v.types);
        const codecs = listValue(v.videoCodecs);
        const path = `rules.files.${role}`;
        return {
          role,
          required: isOn(v.required),
          types: CONTENT_TYPE_NAMES.map((type) => ({ type, checked: types.includes(type) })),
          maxMB: textOf(v.maxMB),
          // Durations, resolution and codecs only mean something for a role that takes videos.
          isVideo: (defaults[role]?.types ?? []).some((t) => t === "mp4" || t === "mov"),
          durations: DURATIONS.map((name) => ({
            name,
            m: textOf(obj(v[name]).m),
            s: textOf(obj(v[name]).s),
            error: errors[`${path}.${name}`],
          })),
          minHeight: textOf(v.minHeight),
          aspectRatio: textOf(v.aspectRatio),
          codecs: VIDEO_CODECS.map((codec) => ({ codec, label: CODEC_LABELS[codec], checked: codecs.includes(codec) })),
          errors: {
            types: errors[`${path}.types`],
            maxMB: errors[`${path}.maxBytes`],
            minHeight: errors[`${path}.minHeight`],
            aspectRatio: errors[`${path}.aspectRatio`],
            videoCodecs: errors[`${path}.videoCodecs`],
          },
        };
      }),
    },
    limits: {
      ...lock("editRules"),
      counts: COUNTS.map((name) => ({ name, value: textOf(values[name]), error: errors[`rules.${name}`] })),
    },
    recommendation: {
      ...lock(RULE_ACTION.recommendationQuotas),
      requires: isOn(values.requiresRecommendation),
      quota: textOf(values.recommendationQuota),
      quotaError: errors["rules.recommendationQuota"],
      cities: CITIES.map((c) => ({
        name: c.name,
        label: c.name === "省直" ? req.t("rulesEditor.provinceUnits") : cityLabel(c.name, req.locale),
        value: textOf(quotas[c.name]),
        error: errors[`rules.recommendationQuotas.${c.name}`],
      })),
    },
    judging: {
      sameCityConflict: { ...lock(RULE_ACTION.sameCityConflict), on: isOn(values.sameCityConflict) },
      safetyGate: { ...lock(RULE_ACTION.safetyGate), on: isOn(values.safetyGate) },
      votePercent: {
        ...lock(RULE_ACTION.publicVoteWeight),
        value: textOf(values.votePercent),
        error: errors["rules.publicVoteWeight"],
      },
      noticeDays: {
        ...lock(RULE_ACTION.noticeDays),
        value: textOf(values.noticeDays),
        error: errors["rules.noticeDays"],
      },
    },
    time: {
      ...lock(RULE_ACTION.timeRules),
      enabled: isOn(time.enabled),
      durations: TIME_DURATIONS.map((name) => ({
        name,
        m: textOf(obj(time[name]).m),
        s: textOf(obj(time[name]).s),
        error: errors[`rules.timeRules.${name}`],
      })),
      numbers: ["graceSeconds", "underPenalty", "overPenalty"].map((name) => ({
        name,
        value: textOf(time[name]),
        error: errors[`rules.timeRules.${name}`],
      })),
      error: errors["rules.timeRules"],
    },
    deductions: {
      ...lock("editRules", "rulesEditor.locked.rubric"),
      // The rows kept, then two blank ones to add (without JavaScript there is no "add row" button to press).
      rows: [...(Array.isArray(values.deductions) ? (values.deductions as Fields[]) : []), {}, {}].map((row, i) => ({
        index: i,
        key: textOf(row.key),
        label: textOf(row.label),
        max: textOf(row.max),
        step: textOf(row.step),
        error:
          errors[`rubric.deductions.${i}.key`] ??
          errors[`rubric.deductions.${i}.max`] ??
          errors[`rubric.deductions.${i}.label`],
      })),
      error: errors["rubric.deductions"],
    },
  };
}

/** GET and POST /contests/:id/rules: the organizer's rules editor (mounted by contestsPages). */
/** Codecs as video tools name them (ffprobe's short names are the values). */
const CODEC_LABELS: Record<(typeof VIDEO_CODECS)[number], string> = {
  h264: "H.264",
  hevc: "H.265",
  vp9: "VP9",
  av1: "AV1",
  mpeg4: "MPEG-4",
};

export function rulesPages(ctx: AppContext): Router {
  const router = Router();

  router.get("/contests/:id/rules", requireRole("organizer"), async (req, res) => {
    const contest = await contests.getContest(ctx, req.user, routeParam(req));
    res.render(
      "contests/rules",
      editorPage(req, contest, rulesFormValues(contest.rules, contest.rubric.deductions ?? []), {}),
    );
  });

  router.post("/contests/:id/rules", requireRole("organizer"), async (req, res) => {
    const contest = await contests.getContest(ctx, req.user, routeParam(req));
    const current = rulesFormValues(contest.rules, contest.rubric.deductions ?? []);
    await answerForm(
      req,
      res,
      {
        view: "contests/rules",
        page: ({ typed, fieldErrors }) => editorPage(req, contest, { ...current, ...typed }, fieldErrors),
      },
      async () => {
        const body = rulesChangeFromForm(formFields(req), contest.rubric);
        if (Object.keys(body).length > 0)
          await contests.updateContest(ctx, req.user!, contest.id, parseUpdateContestBody(body));
        flash(req, "success", req.t("rulesEditor.saved"));
        res.redirect(303, `/contests/${contest.id}/rules`);
      },
    );
  });

  return router;
}
