import type { SessionUser } from "../accounts/accounts.service.js";
import type { Locale } from "../lib/i18n.js";
import type { MessageParams } from "../lib/errors.js";

export interface FlashMessage {
  kind: "success" | "error" | "info";
  text: string;
}

declare module "express-session" {
  interface SessionData {
    userId?: string;
    /** The user's credential stamp at login (accounts.service sessionStamp). */
    credentials?: string;
    lang?: Locale;
    flash?: FlashMessage[];
    /** The activity import's report, shown once on the registry page the upload script goes to. */
    activityImport?: { imported: number; updated: number; errors: { row: number; message: string }[] };
    /** When the session's expiry was last pushed back (sessions.ts renewSession). */
    renewedAt?: number;
  }
}

declare module "express-serve-static-core" {
  interface Request {
    /** The signed-in user (session for pages, bearer token for the API), or null. */
    user: SessionUser | null;
    locale: Locale;
    t: (key: string, params?: MessageParams) => string;
  }
}
