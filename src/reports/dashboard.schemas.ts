import { Type, type Static } from "@sinclair/typebox";
import { LangParam } from "../lib/schema.js";
import { compile } from "../lib/validate.js";

/** The dashboard page and the export: the current week unless a week is named. */
export const DashboardQuerySchema = Type.Object(
  { week: Type.Optional(Type.String({ minLength: 1, maxLength: 36 })), lang: LangParam },
  { additionalProperties: false },
);
export type DashboardQuery = Static<typeof DashboardQuerySchema>;
export const parseDashboardQuery = compile(DashboardQuerySchema);

/** The public city pages: which page of the reports. */
export const PublicPageQuerySchema = Type.Object(
  { page: Type.Optional(Type.String({ pattern: "^[1-9][0-9]{0,5}$" })), lang: LangParam },
  { additionalProperties: false },
);
export const parsePublicPageQuery = compile(PublicPageQuerySchema);
