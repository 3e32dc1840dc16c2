import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConfigError, loadConfig } from "../../../src/config.js";

describe("configuration of the startup sweep's minimum file age (UPLOAD_SWEEP_MIN_AGE_SECONDS)", () => {
  const cwd = mkdtempSync(path.join(os.tmpdir(), "sw-config-sweep-"));
  const pg = { DATABASE_URL: "postgres://app:app@127.0.0.1:5432/appdb" };

  it("sweeps everything on SQLite (one process) and spares 15 minutes of files on PostgreSQL (processes share the folder)", () => {
    expect(loadConfig({}, cwd).uploadSweepMinAgeSeconds).to.equal(0);
    expect(loadConfig(pg, cwd).uploadSweepMinAgeSeconds).to.equal(900);
  });

  it("takes it from the environment, 0 included", () => {
    expect(loadConfig({ ...pg, UPLOAD_SWEEP_MIN_AGE_SECONDS: "0" }, cwd).uploadSweepMinAgeSeconds).to.equal(0);
    expect(loadConfig({ UPLOAD_SWEEP_MIN_AGE_SECONDS: "3600" }, cwd).uploadSweepMinAgeSeconds).to.equal(3600);
  });

  for (const value of ["-1", "soon", "1.5"]) {
    it(`refuses UPLOAD_SWEEP_MIN_AGE_SECONDS=${value} with a message naming it`, () => {
      expect(() => loadConfig({ UPLOAD_SWEEP_MIN_AGE_SECONDS: value }, cwd)).to.throw(
        ConfigError,
        /UPLOAD_SWEEP_MIN_AGE_SECONDS/,
      );
    });
  }
});
