import { Type, type Static } from "@sinclair/typebox";
import { LangParam, StringEnum } from "../lib/schema.js";
import { compile } from "../lib/validate.js";

/** The kinds of unit the week's work plan names; 其他 when none is given. */
export const UNIT_KINDS = ["省直部门", "市科技局", "高校", "科研院所", "学会", "企业", "学校", "其他"] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export const UNIT_NAME_MAX = 200;
const name = Type.String({ minLength: 1, maxLength: UNIT_NAME_MAX });
const city = Type.String({ minLength: 1, maxLength: 40 });

export const CreateUnitBodySchema = Type.Object(
  { name, city, kind: Type.Optional(StringEnum(UNIT_KINDS)) },
  { additionalProperties: false },
);
export type CreateUnitBody = Static<typeof CreateUnitBodySchema>;
export const parseCreateUnitBody = compile(CreateUnitBodySchema);

export const UnitsQuerySchema = Type.Object(
  { city: Type.Optional(Type.String({ maxLength: 40 })), lang: LangParam },
  { additionalProperties: false },
);
export const parseUnitsQuery = compile(UnitsQuerySchema);

/** The registry page's "add a reporter" form: an account for one unit, its password generated and shown once. */
export const AddReporterFormSchema = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }), email: Type.String({ format: "email", maxLength: 254 }) },
  { additionalProperties: false },
);
export const parseAddReporterForm = compile(AddReporterFormSchema);
