import { Type } from "@sinclair/typebox";
import { compile } from "../lib/validate.js";

/** A summary's multipart body carries files only (document, video): any text field is a mistake. */
export const SummaryFieldsSchema = Type.Object({}, { additionalProperties: false });
export const parseSummaryFields = compile(SummaryFieldsSchema);
