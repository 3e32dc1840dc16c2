import { expect } from "chai";
import os from "node:os";
import path from "node:path";
import { mkdtempSync, readFileSync } from "node:fs";
import { ConfigError, loadConfig } from "../../../src/config.js";
import { formatShanghai, isoToShanghaiLocal, shanghaiLocalToIso } from "../../../src/lib/time.js";

describe("configuration", () => {
  const cwd = mkdtempSync(path.join(os.tmpdir(), "sw-config-"));

  it("has working defaults: port 3000, SQLite under data/, uploads/, a secret generated once and kept", () => {
    const config = loadConfig({}, cwd);
    expect(config).to.include({ port: 3000, databaseUrl: null, logLevel: "info" });
    expect(config.dataDir).to.equal(path.join(cwd, "data"));
    expect(config.uploadDir).to.equal(path.join(cwd, "uploads"));
    expect(config.sessionSecret).to.have.length(64);
    expect(readFileSync(path.join(cwd, "data", "session-secret"), "utf8")).to.equal(config.sessionSecret);
    expect(loadConfig({}, cwd).sessionSecret).to.equal(config.sessionSecret);
  });

  const bad: [string, Record<string, string>, RegExp][] = [
    ["a port that is not a number", { PORT: "http" }, /PORT/],
    ["a port out of range", { PORT: "70000" }, /PORT/],
    ["a database URL that is not PostgreSQL", { DATABASE_URL: "mysql://x" }, /DATABASE_URL/],
    ["an unknown log level", { LOG_LEVEL: "loud" }, /LOG_LEVEL/],
    ["ADMIN_EMAIL without ADMIN_PASSWORD", { ADMIN_EMAIL: "a@b.c" }, /ADMIN_PASSWORD/],
    ["a short session secret", { SESSION_SECRET: "short" }, /SESSION_SECRET/],
    ["a rate limit that is not a positive integer", { LOGIN_MAX_FAILURES_PER_IP: "0" }, /LOGIN_MAX_FAILURES_PER_IP/],
  ];
  for (const [name, env, message] of bad) {
    it(`refuses ${name} with a clear message`, () => {
      expect(() => loadConfig(env, cwd)).to.throw(ConfigError, message);
    });
  }

  it("does not print a database password in its message", () => {
    expect(() => loadConfig({ DATABASE_URL: "mysql://user:secret@host/db" }, cwd))
      .to.throw(ConfigError)
      .that.satisfies((e: Error) => !e.message.includes("secret"));
  });
});

describe("Shanghai time", () => {
  it("reads a datetime-local value as UTC+8 and shows it back", () => {
    expect(shanghaiLocalToIso("2026-12-01T09:00")).to.equal("2026-12-01T01:00:00.000Z");
    expect(isoToShanghaiLocal("2026-12-01T01:00:00.000Z")).to.equal("2026-12-01T09:00");
    expect(formatShanghai("2026-12-31T16:30:00.000Z", "zh-CN")).to.equal("2027年01月01日 00:30");
    expect(formatShanghai("2026-12-31T16:30:00.000Z", "en")).to.equal("2027-01-01 00:30 (UTC+8)");
  });

  it("refuses malformed values", () => {
    expect(shanghaiLocalToIso("tomorrow")).to.equal(null);
    expect(shanghaiLocalToIso("2026-13-01T09:00")).to.equal(null);
    expect(shanghaiLocalToIso("2026-02-30T09:00")).to.equal(null);
  });
});
