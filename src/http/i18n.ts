import type { RequestHandler } from "express";
import { DEFAULT_LOCALE, isLocale, translate, type Locale } from "../lib/i18n.js";
import "./types.js";

/** zh-CN unless the reader chose English: `?lang=` (kept in the session), the session, then Accept-Language. */
export function i18n(): RequestHandler {
  return (req, _res, next) => {
    const asked = req.query.lang;
    if (isLocale(asked) && req.session) req.session.lang = asked;
    let locale: Locale = DEFAULT_LOCALE;
    if (isLocale(asked)) locale = asked;
    else if (req.session?.lang) locale = req.session.lang;
    else if (req.headers["accept-language"])
      locale = req.acceptsLanguages("zh-CN", "zh", "en") === "en" ? "en" : DEFAULT_LOCALE;
    req.locale = locale;
    req.t = (key, params) => translate(locale, key, params);
    next();
  };
}
