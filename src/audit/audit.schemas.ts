import { Type, type Static } from "@sinclair/typebox";
import { LangParam, StringEnum } from "../lib/schema.js";
import { compile } from "../lib/validate.js";

const id = Type.String({ maxLength: 36 });

/** The audit log's filters and page; unknown parameters are refused like unknown body fields. */
export const AuditQuerySchema = Type.Object(
  {
    targetType: Type.Optional(StringEnum(["user", "contest", "entry", "system"])),
    targetId: Type.Optional(id),
    contestId: Type.Optional(id),
    actorId: Type.Optional(id),
    action: Type.Optional(Type.String({ pattern: "^[a-zA-Z]{1,30}\\.[a-zA-Z]{1,30}$" })),
    page: Type.Optional(Type.String({ pattern: "^[1-9][0-9]{0,5}$" })),
    lang: LangParam,
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuerySchema>;
export const parseAuditQuery = compile(AuditQuerySchema);
