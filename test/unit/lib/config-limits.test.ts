import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConfigError, loadConfig } from "../../../src/config.js";

describe("configuration of the limits on strangers' work (Trust item 6)", () => {
  const cwd = mkdtempSync(path.join(os.tmpdir(), "sw-config-limits-"));

  it("has defaults a real contest would set", () => {
    expect(loadConfig({}, cwd)).to.include({
      registrationsPerIpPerHour: 30,
      objectionsPerUserPerContest: 3,
      objectionEvidenceMaxBytes: 20 * 1024 * 1024,
      connectionIdleSeconds: 120,
      shutdownGraceMs: 25_000,
    });
  });

  it("takes each from the environment", () => {
    const config = loadConfig(
      {
        REGISTRATIONS_PER_IP_PER_HOUR: "5",
        OBJECTIONS_PER_USER_PER_CONTEST: "1",
        OBJECTION_EVIDENCE_MAX_MB: "5",
        CONNECTION_IDLE_SECONDS: "30",
        SHUTDOWN_GRACE_MS: "5000",
      },
      cwd,
    );
    expect(config).to.include({
      registrationsPerIpPerHour: 5,
      objectionsPerUserPerContest: 1,
      objectionEvidenceMaxBytes: 5 * 1024 * 1024,
      connectionIdleSeconds: 30,
      shutdownGraceMs: 5000,
    });
  });

  for (const [name, value] of [
    ["REGISTRATIONS_PER_IP_PER_HOUR", "0"],
    ["OBJECTIONS_PER_USER_PER_CONTEST", "many"],
    ["OBJECTION_EVIDENCE_MAX_MB", "1000"],
    ["CONNECTION_IDLE_SECONDS", "-1"],
    ["SHUTDOWN_GRACE_MS", "1h"],
  ]) {
    it(`refuses ${name}=${value} with a message naming it`, () => {
      expect(() => loadConfig({ [name]: value }, cwd)).to.throw(ConfigError, new RegExp(name));
    });
  }
});
