import { expect } from "chai";
import type { Request } from "express";
import { toErrorBody } from "../../../src/http/errors.js";
import { translate } from "../../../src/lib/i18n.js";

const req = {
  locale: "en",
  t: (key: string, params?: Record<string, string | number>) => translate("en", key, params),
} as unknown as Request;

/** A PostgreSQL error as node-postgres raises it: an Error with the SQLSTATE in `code`. */
function pgError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, severity: "ERROR" });
}

describe("errors: PostgreSQL refusing the client's text is a 400, not a 500", () => {
  it("NUL in text (22021, invalid byte sequence) → 400 invalid_text", () => {
    const { status, body } = toErrorBody(req, pgError("22021", 'invalid byte sequence for encoding "UTF8": 0x00'));
    expect(status).to.equal(400);
    expect(body).to.deep.equal({ code: "invalid_text", message: translate("en", "errors.invalidText") });
  });

  it("an untranslatable character (22P05) → 400 invalid_text", () => {
    expect(toErrorBody(req, pgError("22P05", "unsupported Unicode escape sequence")).status).to.equal(400);
  });

  it("a database error that is no fault of the client's text stays a 500", () => {
    expect(toErrorBody(req, pgError("42P01", 'relation "x" does not exist')).status).to.equal(500);
  });
});
