import * as argon2 from "argon2";
import { ValidationError } from "../lib/errors.js";

// OWASP's minimum argon2id settings: 19 MiB, 2 passes, 1 lane.
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, HASH_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | null = null;

/** Spends the same time as a real check, so an unknown e-mail cannot be told apart by timing. */
export async function verifyAgainstDummy(password: string): Promise<void> {
  dummyHash ??= hashPassword("dummy-password-for-timing-1");
  await verifyPassword(await dummyHash, password);
}

const COMMON = new Set([
  "password",
  "password1",
  "12345678",
  "123456789",
  "1234567890",
  "qwerty123",
  "abc12345",
  "11111111",
  "88888888",
  "a1234567",
  "admin123",
  "iloveyou1",
]);

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
// A shorter e-mail name ("li@…") would forbid too many ordinary passwords to be worth refusing.
const EMAIL_NAME_MIN_LENGTH = 4;

export interface PasswordRule {
  /** Its line in the hint, a message key under passwordRules. */
  key: string;
  params?: Record<string, number>;
  passes(password: string, emailName: string): boolean;
}

/**
 * The one strength rule, for registration, organizers' users and ADMIN_PASSWORD alike, as a list: the
 * password hint on every form is made from this list, so the hint and the check cannot drift apart.
 */
export const PASSWORD_RULES: readonly PasswordRule[] = [
  {
    key: "passwordRules.length",
    params: { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH },
    passes: (p) => p.length >= PASSWORD_MIN_LENGTH && p.length <= PASSWORD_MAX_LENGTH,
  },
  { key: "passwordRules.letter", passes: (p) => /[A-Za-z]/.test(p) },
  { key: "passwordRules.digit", passes: (p) => /\d/.test(p) },
  { key: "passwordRules.notCommon", passes: (p) => !COMMON.has(p.toLowerCase()) },
  {
    key: "passwordRules.notEmailName",
    params: { min: EMAIL_NAME_MIN_LENGTH },
    passes: (p, name) => name.length < EMAIL_NAME_MIN_LENGTH || !p.toLowerCase().includes(name),
  },
];

export function isStrongPassword(password: string, email: string): boolean {
  const emailName = email.split("@")[0].toLowerCase();
  return PASSWORD_RULES.every((rule) => rule.passes(password, emailName));
}

/** Refuses a password that fails the strength rule; `field` names it in the refusal. */
export function assertStrongPassword(password: string, email: string, field = "password"): void {
  if (!isStrongPassword(password, email)) {
    throw new ValidationError("errors.weakPassword", {}, { field }, "weak_password");
  }
}
