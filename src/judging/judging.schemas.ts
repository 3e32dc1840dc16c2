import { Type, type Static } from "@sinclair/typebox";
import { Const } from "../lib/schema.js";
import { compile } from "../lib/validate.js";

const userId = Type.String({ minLength: 1, maxLength: 36 });

const judgeIds = Type.Array(userId, { maxItems: 10000, uniqueItems: true });

export const PoolBodySchema = Type.Object({ judgeIds }, { additionalProperties: false });
export type PoolBody = Static<typeof PoolBodySchema>;
export const parsePoolBody = compile(PoolBodySchema);

/** judgeIds: save this pool and assign from it in one step; partial: assign what can be, flag the rest short. */
export const AutoAssignBodySchema = Type.Object(
  {
    seed: Type.Optional(Type.Union([Type.Integer(), Type.String({ maxLength: 100 })])),
    judgeIds: Type.Optional(judgeIds),
    partial: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type AutoAssignBody = Static<typeof AutoAssignBodySchema>;
export const parseAutoAssignBody = compile(AutoAssignBodySchema);

export const DeclarationBodySchema = Type.Object({ accept: Const(true) }, { additionalProperties: false });
export type DeclarationBody = Static<typeof DeclarationBodySchema>;
export const parseDeclarationBody = compile(DeclarationBodySchema);

export const AssignmentBodySchema = Type.Object(
  { entryId: Type.String({ minLength: 1, maxLength: 36 }), judgeId: userId },
  { additionalProperties: false },
);
export type AssignmentBody = Static<typeof AssignmentBodySchema>;
export const parseAssignmentBody = compile(AssignmentBodySchema);

export const SwapBodySchema = Type.Object({ judgeId: userId }, { additionalProperties: false });
export type SwapBody = Static<typeof SwapBodySchema>;
export const parseSwapBody = compile(SwapBodySchema);

export const DeclaredConflictBodySchema = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500, pattern: "\\S" }) },
  { additionalProperties: false },
);
export type DeclaredConflictBody = Static<typeof DeclaredConflictBodySchema>;
export const parseDeclaredConflictBody = compile(DeclaredConflictBodySchema);
