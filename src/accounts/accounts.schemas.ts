import { ValidationError } from "../lib/errors.js";
import { compile } from "../lib/validate.js";

export const ROLES = ["organizer", "coordinator", "judge", "contestant"] as const;
export type Role = (typeof ROLES)[number];

const email = { type: "string", format: "email", maxLength: 254 } as const;
const password = { type: "string", minLength: 1, maxLength: 128 } as const;
const name = { type: "string", minLength: 1, maxLength: 100 } as const;
const city = { type: "string", minLength: 1, maxLength: 40 } as const;
const unit = { type: "string", maxLength: 200 } as const;
const expertise = { type: "array", maxItems: 20, items: { type: "string", minLength: 1, maxLength: 40 } } as const;
const avoidUnits = { type: "array", maxItems: 50, items: { type: "string", minLength: 1, maxLength: 200 } } as const;

export interface RegisterBody {
  email: string;
  password: string;
  name: string;
  city: string;
  unit: string;
}

export const parseRegisterBody = compile<RegisterBody>({
  type: "object",
  additionalProperties: false,
  required: ["email", "password", "name", "city", "unit"],
  properties: { email, password, name, city, unit },
});

export interface CreateUserBody {
  email: string;
  password: string;
  name: string;
  role: Role;
  city?: string | null;
  unit?: string | null;
  expertise?: string[];
  avoidUnits?: string[];
}

export const parseCreateUserBody = compile<CreateUserBody>({
  type: "object",
  additionalProperties: false,
  required: ["email", "password", "name", "role"],
  properties: {
    email,
    password,
    name,
    role: { type: "string", enum: [...ROLES] },
    city: { anyOf: [city, { type: "null" }] },
    unit: { anyOf: [unit, { type: "null" }] },
    expertise,
    avoidUnits,
  },
});

export interface UpdateUserBody {
  name?: string;
  city?: string | null;
  unit?: string | null;
  expertise?: string[];
  avoidUnits?: string[];
  disabled?: boolean;
}

export const parseUpdateUserBody = compile<UpdateUserBody>({
  type: "object",
  additionalProperties: false,
  minProperties: 1,
  properties: {
    name,
    city: { anyOf: [city, { type: "null" }] },
    unit: { anyOf: [unit, { type: "null" }] },
    expertise,
    avoidUnits,
    disabled: { type: "boolean" },
  },
});

export interface CredentialsBody {
  email: string;
  password: string;
}

export const parseCredentialsBody = compile<CredentialsBody>({
  type: "object",
  additionalProperties: false,
  required: ["email", "password"],
  properties: { email: { type: "string", minLength: 1, maxLength: 254 }, password },
});

export interface ChangePasswordBody {
  currentPassword: string;
  newPassword: string;
}

export const parseChangePasswordBody = compile<ChangePasswordBody>({
  type: "object",
  additionalProperties: false,
  required: ["currentPassword", "newPassword"],
  properties: { currentPassword: password, newPassword: password },
});

/** An organizer's reset takes no body: the new password is generated, never chosen. */
export const parseResetPasswordBody = compile<Record<string, never>>({
  type: "object",
  additionalProperties: false,
  properties: {},
});

/** The change-password form: the API's body, with the new password typed twice (a typo there would lock the user out). */
export function parseChangePasswordForm(fields: { currentPassword: string; newPassword: string; repeatPassword: string }): ChangePasswordBody {
  const body = parseChangePasswordBody({ currentPassword: fields.currentPassword, newPassword: fields.newPassword });
  if (fields.repeatPassword !== body.newPassword) throw new ValidationError("errors.passwordsDiffer", {}, { field: "repeatPassword" }, "passwords_differ");
  return body;
}
