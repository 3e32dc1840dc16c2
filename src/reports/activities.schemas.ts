import { Type, type Static } from "@sinclair/typebox";
import { LangParam } from "../lib/schema.js";
import { compile } from "../lib/validate.js";

const filterText = Type.Optional(Type.String({ maxLength: 200 }));

/** `GET /api/v1/activities?city=&unit=&theme=&week=`: unit by id or name; theme by its Chinese or English name. */
export const ListActivitiesQuerySchema = Type.Object(
  {
    city: filterText,
    unit: filterText,
    theme: filterText,
    week: Type.Optional(Type.String({ minLength: 1, maxLength: 36 })),
    lang: LangParam,
  },
  { additionalProperties: false },
);
export type ListActivitiesQuery = Static<typeof ListActivitiesQuerySchema>;
export const parseListActivitiesQuery = compile(ListActivitiesQuerySchema);

/** The registry page: the API's filters and the page number. */
export const ActivitiesPageQuerySchema = Type.Object(
  {
    city: filterText,
    unit: filterText,
    theme: filterText,
    page: Type.Optional(Type.String({ pattern: "^[1-9][0-9]{0,5}$" })),
    lang: LangParam,
  },
  { additionalProperties: false },
);
export type ActivitiesPageQuery = Static<typeof ActivitiesPageQuerySchema>;
export const parseActivitiesPageQuery = compile(ActivitiesPageQuerySchema);
