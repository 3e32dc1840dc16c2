import { Type, type Static } from "@sinclair/typebox";
import { compile } from "../lib/validate.js";

export const NEWS_TEXT_MAX = 5000;
const text = Type.String({ minLength: 1, maxLength: NEWS_TEXT_MAX, pattern: "\\S" });

/** The text fields of a news report's multipart body (the files are checked by report-files.service). */
export const FileNewsFieldsSchema = Type.Object({ text }, { additionalProperties: false });
export type FileNewsFields = Static<typeof FileNewsFieldsSchema>;
export const parseFileNewsFields = compile(FileNewsFieldsSchema);

/** An edit: new text, or files only (images or video sent replace the ones stored). */
export const EditNewsFieldsSchema = Type.Object({ text: Type.Optional(text) }, { additionalProperties: false });
export type EditNewsFields = Static<typeof EditNewsFieldsSchema>;
export const parseEditNewsFields = compile(EditNewsFieldsSchema);
