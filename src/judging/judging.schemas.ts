import { compile } from "../lib/validate.js";

export interface PoolBody {
  judgeIds: string[];
}

export const parsePoolBody = compile<PoolBody>({
  type: "object",
  additionalProperties: false,
  required: ["judgeIds"],
  properties: { judgeIds: { type: "array", maxItems: 10000, uniqueItems: true, items: { type: "string", minLength: 1, maxLength: 36 } } },
});

export interface AutoAssignBody {
  seed?: number | string;
}

export const parseAutoAssignBody = compile<AutoAssignBody>({
  type: "object",
  additionalProperties: false,
  properties: { seed: { anyOf: [{ type: "integer" }, { type: "string", maxLength: 100 }] } },
});

export interface DeclarationBody {
  accept: true;
}

export const parseDeclarationBody = compile<DeclarationBody>({
  type: "object",
  additionalProperties: false,
  required: ["accept"],
  properties: { accept: { const: true } },
});

export interface AssignmentBody {
  entryId: string;
  judgeId: string;
}

export const parseAssignmentBody = compile<AssignmentBody>({
  type: "object",
  additionalProperties: false,
  required: ["entryId", "judgeId"],
  properties: { entryId: { type: "string", minLength: 1, maxLength: 36 }, judgeId: { type: "string", minLength: 1, maxLength: 36 } },
});

export interface SwapBody {
  judgeId: string;
}

export const parseSwapBody = compile<SwapBody>({
  type: "object",
  additionalProperties: false,
  required: ["judgeId"],
  properties: { judgeId: { type: "string", minLength: 1, maxLength: 36 } },
});

export interface DeclaredConflictBody {
  reason: string;
}

export const parseDeclaredConflictBody = compile<DeclaredConflictBody>({
  type: "object",
  additionalProperties: false,
  required: ["reason"],
  properties: { reason: { type: "string", minLength: 1, maxLength: 500, pattern: "\\S" } },
});
