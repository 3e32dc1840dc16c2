import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import request from "supertest";
import { ConfigError, loadConfig } from "../../../src/config.js";
import { startTestApp, type TestApp } from "../../helpers/app.js";

describe("X-App-Instance: which process answered, for a load balancer's tests and logs", () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ env: { INSTANCE_NAME: "app-2" } });
  });
  after(() => app.close());

  it("is on every answer: health, a page, the API, a refusal and a 404", async () => {
    for (const [path, status] of [
      ["/healthz", 200],
      ["/login", 200],
      ["/api/v1/contests", 200],
      ["/api/v1/me/assignments", 401],
      ["/no-such-page", 404],
    ] as const) {
      const res = await request(app.server).get(path);
      expect(res.status, path).to.equal(status);
      expect(res.headers["x-app-instance"], path).to.equal("app-2");
    }
  });

  it("defaults to <hostname>:<pid>, and refuses a name that cannot go into a header", () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), "sw-config-instance-"));
    expect(loadConfig({ SESSION_SECRET: "test-secret-0123456789" }, cwd).instanceName).to.equal(
      `${os.hostname()}:${process.pid}`,
    );
    for (const bad of ["two words", "名字", "x".repeat(101)])
      expect(() => loadConfig({ SESSION_SECRET: "test-secret-0123456789", INSTANCE_NAME: bad }, cwd)).to.throw(
        ConfigError,
        /INSTANCE_NAME/,
      );
  });
});
