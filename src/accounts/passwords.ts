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

/**
 * The one strength rule, for registration and ADMIN_PASSWORD alike: at least 8 characters, letters
 * and digits, not a common password, not the e-mail's name.
 */
export function isStrongPassword(password: string, email: string): boolean {
  const localPart = email.split("@")[0].toLowerCase();
  const weak =
    password.length < 8 ||
    !/[A-Za-z]/.test(password) ||
    !/\d/.test(password) ||
    COMMON.has(password.toLowerCase()) ||
    (localPart.length >= 4 && password.toLowerCase().includes(localPart));
  return !weak;
}

/** Refuses a password that fails the strength rule; `field` names it in the refusal. */
export function assertStrongPassword(password: string, email: string, field = "password"): void {
  if (!isStrongPassword(password, email)) {
    throw new ValidationError("errors.weakPassword", {}, { field }, "weak_password");
  }
}
