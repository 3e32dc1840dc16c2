import { expect } from "chai";
import type { Request } from "express";
import { KnexTimeoutError } from "knex";
import { toErrorBody } from "../../../src/http/errors.js";
import { translate } from "../../../src/lib/i18n.js";

const req = {
  locale: "en",
  t: (key: string, params?: Record<string, string | number>) => translate("en", key, params),
} as unknown as Request;

const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

describe("errors: faults of the machine are answers a client can act on", () => {
  const unavailable: [string, Error][] = [
    [
      "SQLite still busy after its busy timeout",
      coded("SQLITE_BUSY", "insert into x - SQLITE_BUSY: database is locked"),
    ],
    ["SQLite locked", coded("SQLITE_LOCKED")],
    ["PostgreSQL shutting down (57P01)", coded("57P01", "terminating connection due to administrator command")],
    ["PostgreSQL starting up (57P03)", coded("57P03", "the database system is starting up")],
    ["PostgreSQL out of connections (53300)", coded("53300")],
    ["a broken connection (class 08)", coded("08006")],
    ["connection refused", coded("ECONNREFUSED")],
    ["every address of localhost refused", new AggregateError([coded("ECONNREFUSED"), coded("ECONNREFUSED")])],
    ["a connection dropped under a query", new Error("select 1 - Connection terminated unexpectedly")],
    ["no pooled connection in time", new KnexTimeoutError("Knex: Timeout acquiring a connection.")],
  ];
  for (const [what, err] of unavailable)
    it(`${what} → 503 database_unavailable`, () => {
      expect(toErrorBody(req, err)).to.deep.equal({
        status: 503,
        body: { code: "database_unavailable", message: translate("en", "errors.databaseUnavailable") },
      });
    });

  for (const code of ["ENOSPC", "EDQUOT"])
    it(`a full disk (${code}) → 507 insufficient_storage`, () => {
      expect(toErrorBody(req, coded(code, `${code}: no space left on device, write`))).to.deep.equal({
        status: 507,
        body: { code: "insufficient_storage", message: translate("en", "errors.insufficientStorage") },
      });
    });

  it("a database error that is no fault of the machine stays a 500", () => {
    expect(toErrorBody(req, coded("23505", "duplicate key value")).status).to.equal(500);
    expect(toErrorBody(req, coded("SQLITE_CONSTRAINT")).status).to.equal(500);
  });
});
