import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, loadConfig } from "../../../src/config.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

interface Run {
  code: number | null;
  /** The JSON log stream (pino writes to stdout). */
  stdout: string;
  stderr: string;
}

/**
 * Starts the real server (src/server.ts through tsx) with this environment, waits until it listens
 * (or exits), stops it with SIGTERM and answers what it wrote on each stream.
 */
function runServer(env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", PORT: "0", SESSION_SECRET: "test-secret-0123456789", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += String(chunk);
      if (stdout.includes("listening on")) child.kill("SIGTERM");
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += String(chunk)));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("first start: the organizer's password", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "sw-start-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const dirs = () => ({ DATA_DIR: path.join(dir, "data"), UPLOAD_DIR: path.join(dir, "uploads") });

  it("a generated password is printed once on stderr, never into the JSON log stream", async function () {
    this.timeout(60_000);
    const first = await runServer(dirs());
    expect(first.stdout, "the server never listened").to.include("listening on");
    const password = /Password \(shown once\): (\S+)/.exec(first.stderr)?.[1];
    expect(password, `stderr: ${first.stderr}`).to.be.a("string").with.length.of.at.least(12);
    expect(first.stderr.split(password!)).to.have.length(2);
    expect(first.stdout).not.to.include(password);

    const again = await runServer(dirs());
    expect(again.stdout).to.include("listening on");
    expect(again.stderr + again.stdout).not.to.include(password);
    expect(again.stderr).not.to.include("Password");
  });

  const weak: [string, string][] = [
    ["too short", "ab12"],
    ["without digits", "organizer-password"],
    ["a common password", "Password1"],
    ["containing the e-mail's name", "Chairman-2026"],
  ];
  for (const [why, password] of weak) {
    it(`an ADMIN_PASSWORD ${why} is refused by the configuration, naming the rule`, () => {
      const env = { ADMIN_EMAIL: "chairman@example.org", ADMIN_PASSWORD: password, DATA_DIR: path.join(dir, "data") };
      expect(() => loadConfig(env, dir))
        .to.throw(ConfigError, /ADMIN_PASSWORD/)
        .with.property("message")
        .that.includes("at least 8 characters")
        .and.not.includes(password);
    });
  }

  it("a weak ADMIN_PASSWORD stops the server at start with a clear message, before any account exists", async function () {
    this.timeout(60_000);
    const run = await runServer({ ...dirs(), ADMIN_EMAIL: "chairman@example.org", ADMIN_PASSWORD: "password1" });
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include("Configuration error: ADMIN_PASSWORD").and.include("at least 8 characters");
    expect(run.stdout).not.to.include("listening on");
  });

  it("a strong ADMIN_PASSWORD starts the server and is never printed", async function () {
    this.timeout(60_000);
    const password = "Kexie-Judging-2026";
    const run = await runServer({ ...dirs(), ADMIN_EMAIL: "chairman@example.org", ADMIN_PASSWORD: password });
    expect(run.stdout).to.include("listening on").and.include("first organizer created");
    expect(run.stdout + run.stderr).not.to.include(password);
  });
});
