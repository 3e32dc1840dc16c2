import { Type, type Static } from "@sinclair/typebox";
import { ValidationError } from "../lib/errors.js";
import { StringEnum } from "../lib/schema.js";
import { compile } from "../lib/validate.js";
import { PASSWORD_MAX_LENGTH } from "./passwords.js";

export const ROLES = ["organizer", "coordinator", "judge", "contestant", "reporter"] as const;
export type Role = (typeof ROLES)[number];

const email = Type.String({ format: "email", maxLength: 254 });
const password = Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH });
const name = Type.String({ minLength: 1, maxLength: 100 });
const city = Type.String({ minLength: 1, maxLength: 40 });
const unit = Type.String({ maxLength: 200 });
const expertise = Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 20 });
const avoidUnits = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 50 });
/** A reporter's unit by id (one of the registry's), or else by `unit` name and `city` (found or created). */
const unitId = Type.String({ minLength: 1, maxLength: 36 });

export const RegisterBodySchema = Type.Object({ email, password, name, city, unit }, { additionalProperties: false });
export type RegisterBody = Static<typeof RegisterBodySchema>;
export const parseRegisterBody = compile(RegisterBodySchema);

export const CreateUserBodySchema = Type.Object(
  {
    email,
    password,
    name,
    role: StringEnum(ROLES),
    city: Type.Optional(Type.Union([city, Type.Null()])),
    unit: Type.Optional(Type.Union([unit, Type.Null()])),
    unitId: Type.Optional(unitId),
    expertise: Type.Optional(expertise),
    avoidUnits: Type.Optional(avoidUnits),
  },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBodySchema>;
export const parseCreateUserBody = compile(CreateUserBodySchema);

export const UpdateUserBodySchema = Type.Object(
  {
    name: Type.Optional(name),
    city: Type.Optional(Type.Union([city, Type.Null()])),
    unit: Type.Optional(Type.Union([unit, Type.Null()])),
    unitId: Type.Optional(unitId),
    expertise: Type.Optional(expertise),
    avoidUnits: Type.Optional(avoidUnits),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateUserBody = Static<typeof UpdateUserBodySchema>;
export const parseUpdateUserBody = compile(UpdateUserBodySchema);

export const CredentialsBodySchema = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 254 }), password },
  { additionalProperties: false },
);
export type CredentialsBody = Static<typeof CredentialsBodySchema>;
export const parseCredentialsBody = compile(CredentialsBodySchema);

export const ChangePasswordBodySchema = Type.Object(
  { currentPassword: password, newPassword: password },
  { additionalProperties: false },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBodySchema>;
export const parseChangePasswordBody = compile(ChangePasswordBodySchema);

/** An organizer's reset takes no body: the new password is generated, never chosen. */
export const parseResetPasswordBody = compile(Type.Object({}, { additionalProperties: false }));

/** The change-password form: the API's body, with the new password typed twice (a typo there would lock the user out). */
export function parseChangePasswordForm(fields: {
  currentPassword: string;
  newPassword: string;
  repeatPassword: string;
}): ChangePasswordBody {
  const body = parseChangePasswordBody({ currentPassword: fields.currentPassword, newPassword: fields.newPassword });
  if (fields.repeatPassword !== body.newPassword)
    throw new ValidationError("errors.passwordsDiffer", {}, { field: "repeatPassword" }, "passwords_differ");
  return body;
}
