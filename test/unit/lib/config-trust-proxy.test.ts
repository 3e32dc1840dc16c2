import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConfigError, loadConfig } from "../../../src/config.js";

describe("configuration: TRUST_PROXY", () => {
  const cwd = mkdtempSync(path.join(os.tmpdir(), "sw-config-proxy-"));
  const trustProxy = (value: string) =>
    loadConfig({ TRUST_PROXY: value, SESSION_SECRET: "x".repeat(16) }, cwd).trustProxy;

  it("trusts no proxy when unset, empty, false or 0", () => {
    expect(loadConfig({ SESSION_SECRET: "x".repeat(16) }, cwd).trustProxy).to.equal(false);
    for (const value of ["", "false", "0"]) expect(trustProxy(value), value).to.equal(false);
  });

  it("takes a number of proxy hops", () => {
    expect(trustProxy("1")).to.equal(1);
    expect(trustProxy("2")).to.equal(2);
  });

  it("takes a comma-separated list of proxy addresses, CIDRs and Express's range names", () => {
    expect(trustProxy("10.0.0.2, 10.1.0.0/16,fd00::/8, ::1,loopback")).to.deep.equal([
      "10.0.0.2",
      "10.1.0.0/16",
      "fd00::/8",
      "::1",
      "loopback",
    ]);
  });

  const bad: [string, RegExp][] = [
    ["true", /would believe any X-Forwarded-For/],
    ["11", /0 to 10/],
    ["proxy.example.org", /proxy\.example\.org/],
    ["10.0.0.0/33", /10\.0\.0\.0\/33/],
    ["10.0.0.1,", /comma-separated/],
    ["fd00::/129", /fd00::\/129/],
    ["10.0.0.0/8/1", /10\.0\.0\.0\/8\/1/],
  ];
  for (const [value, message] of bad) {
    it(`refuses "${value}" at start with a clear message`, () => {
      expect(() => trustProxy(value)).to.throw(ConfigError, message);
    });
  }
});
