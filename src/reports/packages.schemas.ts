import { Type } from "@sinclair/typebox";
import { LangParam } from "../lib/schema.js";
import { compile } from "../lib/validate.js";

const id = Type.String({ minLength: 1, maxLength: 36 });

/** `GET /api/v1/report-status?city=&week=`: no city is every city (the organizer only). */
export const ReportStatusQuerySchema = Type.Object(
  { city: Type.Optional(Type.String({ maxLength: 40 })), week: Type.Optional(id), lang: LangParam },
  { additionalProperties: false },
);
export const parseReportStatusQuery = compile(ReportStatusQuerySchema);

/** `POST /api/v1/cities/:city/package`: the current week unless one is named. */
export const PackageBodySchema = Type.Object({ week: Type.Optional(id) }, { additionalProperties: false });
export const parsePackageBody = compile(PackageBodySchema);

/** The city page's reminder button: which unit to remind. */
export const RemindFormSchema = Type.Object({ unitId: id }, { additionalProperties: false });
export const parseRemindForm = compile(RemindFormSchema);
