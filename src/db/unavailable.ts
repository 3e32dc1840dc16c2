/** Socket errors of a database server that is down, restarting or out of reach. */
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH"]);

/**
 * PostgreSQL's SQLSTATEs for "not now": shutting down or starting up (57P01–57P03), out of connections
 * (53300); class 08 is a broken connection.
 */
const PG_NOT_NOW = new Set(["57P01", "57P02", "57P03", "53300"]);

/** What pg says when the server closes a connection under a query (no code attached). */
const PG_DROPPED = /Connection terminated|Client has encountered a connection error|Connection ended unexpectedly/;

/**
 * True when an error says the database did not answer rather than that the request was wrong: SQLite
 * still busy or locked after its busy timeout (the brief retry), PostgreSQL unreachable or restarting,
 * or no pooled connection within the acquire timeout. Such a request may simply be tried again.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string") {
    if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") return true;
    if (NETWORK_CODES.has(code) || PG_NOT_NOW.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  if (err.name === "KnexTimeoutError" || PG_DROPPED.test(err.message)) return true;
  // Node's connect tries each address of "localhost" in turn and reports them all together.
  return err instanceof AggregateError && err.errors.some(isDatabaseUnavailable);
}
