import type { Express, Request, RequestHandler, Response } from "express";
import { engine } from "express-handlebars";
import path from "node:path";
import { cityLabel, CITIES } from "../accounts/cities.js";
import { PASSWORD_RULES } from "../accounts/passwords.js";
import { translate, type Locale } from "../lib/i18n.js";
import { viewsDir } from "../lib/paths.js";
import { formatShanghai } from "../lib/time.js";
import type { Role } from "../accounts/accounts.schemas.js";
import type { SessionUser } from "../accounts/accounts.service.js";
import type { FileRule } from "../contests/rules.js";
import type { Stage } from "../contests/lifecycle.js";
import { fileRuleText } from "../entries/entries.file-rules.js";
import { roundLabel } from "../judging/round-names.js";
import { publicPageTitleKey } from "../results/results.page-text.js";
import { takeFlash } from "./flash.js";
import "./types.js";

interface HelperOptions {
  hash: Record<string, string | number>;
  data: { root: { locale: Locale } };
}

/**
 * Express ignores what a view engine returns. express-handlebars answers its callback itself, errors
 * included, save one thrown before it renders (reading the partials): that one is passed on here.
 */
function passingErrorsOn(
  render: ReturnType<typeof engine>,
): (file: string, options: object, callback: (err: Error | null, html?: string) => void) => void {
  return (file, options, callback) => {
    render(file, options, callback).catch(callback);
  };
}

/** Handlebars with helpers that read the page's locale, so templates hold keys, never text. */
export function setUpViews(app: Express): void {
  app.engine(
    "hbs",
    passingErrorsOn(
      engine({
        extname: ".hbs",
        defaultLayout: "main",
        layoutsDir: path.join(viewsDir, "layouts"),
        partialsDir: [
          path.join(viewsDir, "partials"),
          path.join(viewsDir, "entries", "partials"),
          path.join(viewsDir, "judging", "partials"),
        ],
        helpers: {
          t(key: string, options: HelperOptions) {
            return translate(options.data.root.locale, key, options.hash);
          },
          /** t with a key built from parts: {{tk "stage." contest.stage}} */
          tk(...args: unknown[]) {
            const options = args.pop() as HelperOptions;
            return translate(options.data.root.locale, args.map(String).join(""), options.hash);
          },
          time(iso: string | null, options: HelperOptions) {
            return formatShanghai(iso, options.data.root.locale);
          },
          roundName(name: string, options: HelperOptions) {
            return roundLabel(name, options.data.root.locale);
          },
          city(name: string | null, options: HelperOptions) {
            return name ? cityLabel(name, options.data.root.locale) : "";
          },
          eq: (a: unknown, b: unknown) => a === b,
          or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
          json: (value: unknown) => JSON.stringify(value, null, 2),
          inc: (n: number) => n + 1,
          /** Every rule a new password must pass, one line each, from the list the server checks. */
          passwordRules(options: HelperOptions) {
            return PASSWORD_RULES.map((rule) => translate(options.data.root.locale, rule.key, rule.params));
          },
          /** The public results page's name for a contest: 成绩公示, or 最终结果 once final. */
          resultsTitle(contest: { stage: Stage }, options: HelperOptions) {
            return translate(options.data.root.locale, publicPageTitleKey(contest));
          },
          /** A file role's rule in plain words; the contest page and the submission form share it. */
          fileRule(rule: FileRule, options: HelperOptions) {
            return fileRuleText(rule, options.data.root.locale);
          },
        },
      }),
    ),
  );
  app.set("view engine", "hbs");
  // Templates are read and compiled once, whatever NODE_ENV says (Express turns this on only in production).
  app.set("view cache", true);
  app.set("views", viewsDir);
}

/** A link of the menu; a coordinator's city page is his own city's. */
type NavItem = { href: string | ((user: SessionUser) => string); key: string };

const NAV: Record<Role | "anonymous", NavItem[]> = {
  // The week's published news reports (网络展厅) are for everyone.
  anonymous: [
    { href: "/contests", key: "nav.contests" },
    { href: "/reports", key: "nav.gallery" },
  ],
  contestant: [
    { href: "/contests", key: "nav.contests" },
    { href: "/reports", key: "nav.gallery" },
    { href: "/my/entries", key: "nav.myEntries" },
    { href: "/my/results", key: "nav.myResults" },
  ],
  judge: [
    { href: "/judge", key: "nav.judge" },
    { href: "/contests", key: "nav.contests" },
    { href: "/me/profile", key: "nav.profile" },
  ],
  coordinator: [
    { href: "/contests", key: "nav.contests" },
    { href: (user) => `/reports/cities/${encodeURIComponent(user.city ?? "")}/status`, key: "nav.reports" },
    { href: "/reports/dashboard", key: "nav.dashboard" },
    { href: "/units", key: "nav.units" },
  ],
  // A reporter's work is his unit's activities and their news reports (报送).
  reporter: [{ href: "/reports/mine", key: "nav.reporter" }],
  organizer: [
    { href: "/contests", key: "nav.contests" },
    { href: "/contests/new", key: "nav.newContest" },
    { href: "/admin/users", key: "nav.users" },
    { href: "/reports/status", key: "nav.reports" },
    { href: "/reports/dashboard", key: "nav.dashboard" },
    { href: "/units", key: "nav.units" },
    { href: "/statistics", key: "nav.statistics" },
    { href: "/admin/audit", key: "nav.audit" },
  ],
};

/** The city choices of every page's forms, per language: made once, not per request. */
const CITY_OPTIONS: Record<Locale, { value: string; label: string }[]> = {
  "zh-CN": CITIES.map((c) => ({ value: c.name, label: c.name })),
  en: CITIES.map((c) => ({ value: c.name, label: c.en })),
};

/** What every page's layout needs: the user, his navigation, the CSRF token, flash messages, the language. */
export const viewLocals: RequestHandler = (req, res, next) => {
  setPageLocals(req, res);
  next();
};

/** Also called by the error handler, for errors raised before viewLocals ran (CSRF, body parsing). */
export function setPageLocals(req: Request, res: Response): void {
  if (res.locals.locale) return;
  const locale = req.locale;
  const withLang = (lang: Locale) => {
    const url = new URL(req.originalUrl, "http://x");
    url.searchParams.set("lang", lang);
    return url.pathname + url.search;
  };
  Object.assign(res.locals, {
    locale,
    htmlLang: locale === "en" ? "en" : "zh-CN",
    user: req.user ?? null,
    nav: NAV[req.user?.role ?? "anonymous"].map(({ href, key }) => {
      const path = typeof href === "string" ? href : href(req.user!);
      return { href: path, key, active: req.path === path };
    }),
    // A function, which Handlebars calls where a template prints it: only a page with a form makes the
    // token, and with it the session (Express copies res.locals into the render options, getters included).
    csrfToken: () => req.csrfToken?.(),
    flash: takeFlash(req),
    switchLang:
      locale === "en" ? { href: withLang("zh-CN"), label: "中文" } : { href: withLang("en"), label: "English" },
    cities: CITY_OPTIONS[locale],
  });
}
