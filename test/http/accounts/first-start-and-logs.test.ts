import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import request from "supertest";
import { ensureFirstOrganizer } from "../../../src/accounts/accounts.passwords.service.js";
import { authenticate } from "../../../src/accounts/accounts.service.js";
import { loadConfig } from "../../../src/config.js";
import type { AppContext } from "../../../src/context.js";
import { createDb } from "../../../src/db/knex.js";
import { migrateLatest } from "../../../src/db/migrate.js";
import { LocalDiskStorage } from "../../../src/storage/local-disk.js";
import { ADMIN, startTestApp } from "../../helpers/app.js";

describe("first start", () => {
  it("without ADMIN_EMAIL creates admin@localhost with a random password that works, once", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "sw-first-"));
    const config = loadConfig({ DATA_DIR: path.join(dir, "data"), SESSION_SECRET: "test-secret-0123456789" }, dir);
    const db = createDb({ databaseUrl: null, sqliteFile: path.join(dir, "data", "app.sqlite") });
    try {
      await migrateLatest(db);
      const ctx: AppContext = {
        config,
        db,
        storage: new LocalDiskStorage(path.join(dir, "uploads")),
        clock: { now: () => new Date() },
        logger: pino({ level: "silent" }),
      };
      const first = await ensureFirstOrganizer(ctx);
      expect(first?.email).to.equal("admin@localhost");
      expect(first?.generatedPassword).to.be.a("string").with.length.greaterThan(10);
      const user = await authenticate(ctx, "admin@localhost", first!.generatedPassword!, "127.0.0.1");
      expect(user.role).to.equal("organizer");
      expect(await ensureFirstOrganizer(ctx)).to.equal(null);
      expect(await migrateLatest(db)).to.deep.equal([]);
    } finally {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("structured logs", () => {
  it("carry request ids and never a password, token or session cookie", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const app = await startTestApp({ logger: pino({ level: "debug" }, sink) });
    try {
      const login = await request(app.server).post("/api/v1/auth/token").set("X-Request-Id", "req-abc-123").send(ADMIN);
      expect(login.headers["x-request-id"]).to.equal("req-abc-123");
      await request(app.server).get("/api/v1/me").set("Authorization", `Bearer ${login.body.token}`);
      const page = await request(app.server).get("/login");
      const cookie = String(page.headers["set-cookie"]).split(";")[0].split("=")[1];
      await request(app.server).get("/").set("Cookie", `sw.sid=${cookie}`);
      const log = lines.join("");
      expect(log).to.include("req-abc-123");
      expect(log).not.to.include(ADMIN.password);
      expect(log).not.to.include(login.body.token);
      expect(log).not.to.include(decodeURIComponent(cookie));
      expect(JSON.parse(lines[0])).to.have.property("level");
    } finally {
      await app.close();
    }
  });
});
