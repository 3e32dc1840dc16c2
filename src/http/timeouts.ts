import type { Server } from "node:http";
import type { Config } from "../config.js";

/** Node's default: the request's headers must be in within a minute. */
const HEADERS_TIMEOUT_MS = 60_000;

/**
 * Timeouts by inactivity rather than by a whole request's duration. Node's default 300 s request
 * limit cuts off a 500 MB video below ~14 Mbit/s, a common uplink at a school; instead a request may
 * take as long as it keeps sending, and a connection silent for `connectionIdleSeconds` is closed.
 */
export function applyServerTimeouts(server: Server, config: Pick<Config, "connectionIdleSeconds">): void {
  server.requestTimeout = 0;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.setTimeout(config.connectionIdleSeconds * 1000);
}
