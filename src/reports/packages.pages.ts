import { Router, type Request } from "express";
import { cityLabel } from "../accounts/cities.js";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { confirmed } from "../http/confirm.js";
import { answerForm, formFields, text } from "../http/forms.js";
import { routeParam } from "../http/params.js";
import { groupBy } from "../lib/collections.js";
import { formatShanghai } from "../lib/time.js";
import { parseRemindForm } from "./packages.schemas.js";
import * as packages from "./packages.service.js";
import type { UnitStatus } from "./status.js";

const cityPath = (city: string) => `/reports/cities/${encodeURIComponent(city)}/status`;

/** A mailto: link with the reporters as recipients and what the unit still owes as the body. */
function mailto(req: Request, reminder: packages.Reminder, cityName: string): string {
  const owed = reminder.status.missingNews.map((m) =>
    req.t("reports.status.mailLine", { title: m.title, due: formatShanghai(m.dueAt, req.locale) }),
  );
  if (reminder.status.summary === "missing") owed.push(req.t("reports.status.mailSummary"));
  const subject = req.t("reports.status.mailSubject", { city: cityName, unit: reminder.unit.name });
  const body = [req.t("reports.status.mailIntro", { unit: reminder.unit.name }), ...owed].join("\n");
  return `mailto:${reminder.emails.map(encodeURIComponent).join(",")}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`;
}

/**
 * `/reports/status` (organizer: every city with its figures and package) and `/reports/cities/:city/status`
 * (the city's coordinator or the organizer: each unit's figures, what is missing from whom, reminders, the package).
 */
export function packagesPages(ctx: AppContext): Router {
  const router = Router();

  const cityPage = async (req: Request, extra: Record<string, unknown> = {}) => {
    const status = await packages.reportStatus(ctx, req.user!, { city: routeParam(req, "city") });
    const city = status.city!;
    const pkg = status.packages[0];
    const emails = await packages.reporterEmails(
      ctx,
      status.units.map((u) => u.unitId),
    );
    const at = (iso: string) => formatShanghai(iso, req.locale);
    return {
      title: req.t("reports.status.cityTitle", { city: cityLabel(city, req.locale) }),
      // Not `city`: that name is a view helper.
      cityKey: city,
      cityName: cityLabel(city, req.locale),
      week: status.week,
      summaryDueText: at(status.week.summaryDueAt),
      units: status.units.map((u) => ({ ...u, summaryText: req.t(`reports.status.summary.${u.summary}`) })),
      totals: totals(status.units),
      // What is missing from whom: only the units that owe something, each owed item with its due date.
      owing: status.units
        .filter((u) => u.missing > 0 || u.summary === "missing")
        .map((u) => ({
          ...u,
          canRemind: (emails.get(u.unitId)?.length ?? 0) > 0,
          missingNews: u.missingNews.map((m) => ({ ...m, dueText: at(m.dueAt) })),
          summaryMissing: u.summary === "missing",
        })),
      package: pkg ? { ...pkg, submittedText: at(pkg.submittedAt) } : null,
      action: cityPath(city),
      ...extra,
    };
  };

  router.get("/reports/cities/:city/status", requireRole("organizer", "coordinator"), async (req, res) => {
    res.render("reports/city-status", await cityPage(req));
  });

  // No mail transport: the reminder is recorded and the page offers a mailto: link for the coordinator to send.
  router.post("/reports/cities/:city/remind", requireRole("organizer", "coordinator"), async (req, res) => {
    await answerForm(req, res, { view: "reports/city-status", page: () => cityPage(req) }, async () => {
      const { unitId } = parseRemindForm({ unitId: text(formFields(req), "unitId") ?? "" });
      const reminder = await packages.remindUnit(ctx, req.user!, routeParam(req, "city"), unitId);
      const page = await cityPage(req);
      res.render("reports/city-status", {
        ...page,
        reminder: { unit: reminder.unit.name, emails: reminder.emails, href: mailto(req, reminder, page.cityName) },
      });
    });
  });

  router.post("/reports/cities/:city/package", requireRole("organizer", "coordinator"), async (req, res) => {
    const page = await cityPage(req);
    await answerForm(req, res, { back: page.action }, async () => {
      // An already submitted package goes straight to the service, which says so (409).
      const asked =
        page.package !== null ||
        confirmed(req, res, {
          title: req.t("reports.package.submit"),
          consequences: [
            req.t("reports.package.contents", {
              city: page.cityName,
              units: page.totals.units,
              news: page.totals.onTime + page.totals.late,
              summaries: page.totals.summaries,
            }),
            req.t("reports.package.stillMissing", {
              news: page.totals.missing,
              summaries: page.totals.summariesMissing,
            }),
            req.t("reports.package.locks"),
          ],
          cancelHref: page.action,
        });
      if (!asked) return undefined;
      await packages.submitPackage(ctx, req.user!, page.cityKey);
      return req.t("reports.package.submitted", { city: page.cityName });
    });
  });

  router.get("/reports/status", requireRole("organizer"), async (req, res) => {
    const status = await packages.reportStatus(ctx, req.user!, {});
    const submitted = new Map(status.packages.map((p) => [p.city, p]));
    const cities = [...groupBy(status.units, (u) => u.city)].map(([city, units]) => {
      const pkg = submitted.get(city);
      return {
        cityKey: city,
        label: cityLabel(city, req.locale),
        href: cityPath(city),
        ...totals(units),
        package: pkg ? { submittedText: formatShanghai(pkg.submittedAt, req.locale) } : null,
      };
    });
    res.render("reports/status", {
      title: req.t("reports.status.title"),
      week: status.week,
      cities,
      totals: totals(status.units),
    });
  });

  return router;
}

function totals(units: UnitStatus[]) {
  const sum = (pick: (u: UnitStatus) => number) => units.reduce((n, u) => n + pick(u), 0);
  return {
    units: units.length,
    activities: sum((u) => u.activities),
    onTime: sum((u) => u.onTime),
    late: sum((u) => u.late),
    missing: sum((u) => u.missing),
    missingPastDue: sum((u) => u.missingPastDue),
    summaries: units.filter((u) => u.summary !== "missing").length,
    summariesMissing: units.filter((u) => u.summary === "missing").length,
  };
}
