import { randomUUID } from "node:crypto";

/** Opaque identifiers: clients must not do arithmetic on them (DESIGN §4). */
export function newId(): string {
  return randomUUID();
}
