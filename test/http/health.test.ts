import { expect } from "chai";
import net from "node:net";
import request from "supertest";
import { freePort } from "../../bench/free-port.js";
import { createApp } from "../../src/app.js";
import knexFactory from "knex";
import { createDb, type Db } from "../../src/db/knex.js";
import { Lifecycle } from "../../src/http/lifecycle.js";
import { startTestApp, type TestApp } from "../helpers/app.js";

describe("GET /healthz and GET /readyz", function () {
  this.timeout(30_000);
  let app: TestApp;

  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  /** A PostgreSQL handle on this port; knex's own warnings about the failing connections kept out of the test output. */
  const pgAt = (port: number) =>
    knexFactory({
      client: "pg",
      connection: `postgres://app:app@127.0.0.1:${port}/appdb`,
      log: { warn: () => undefined },
    });

  /** The same app over another database handle. */
  const over = (db: Db, lifecycle?: Lifecycle) => request(createApp({ ...app.ctx, db }, lifecycle));

  it("healthz answers 200 with the database kind after a real query", async () => {
    const res = await request(app.server).get("/healthz");
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ ok: true, db: process.env.DATABASE_URL ? "pg" : "sqlite" });
  });

  it("healthz answers 503 when the database is gone (its connections closed)", async () => {
    const gone = createDb({ databaseUrl: null, sqliteFile: `${app.dir}/gone.sqlite` });
    await gone.raw("select 1");
    await gone.destroy();
    const res = await over(gone).get("/healthz");
    expect(res.status).to.equal(503);
    expect(res.body).to.deep.equal({ ok: false, db: "sqlite", error: "database_unavailable" });
  });

  it("healthz answers 503 when the PostgreSQL server refuses connections", async () => {
    const refused = pgAt(await freePort());
    try {
      const res = await over(refused).get("/healthz");
      expect(res.status).to.equal(503);
      expect(res.body).to.deep.equal({ ok: false, db: "pg", error: "database_unavailable" });
    } finally {
      await refused.destroy();
    }
  });

  it("healthz answers 503 when the database server accepts the connection but never answers", async () => {
    // A server that takes the connection and says nothing: the check gives up instead of hanging with it.
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const hung = pgAt(port);
    try {
      const res = await over(hung).get("/healthz");
      expect(res.status).to.equal(503);
      expect(res.body).to.deep.equal({ ok: false, db: "pg", error: "database_unavailable" });
    } finally {
      // The pending connection attempt fails once its socket closes, so the pool can be destroyed.
      for (const socket of sockets) socket.destroy();
      silent.close();
      await hung.destroy();
    }
  });

  it("readyz answers 200 while serving, 503 starting before the server is ready, 503 draining once stopping", async () => {
    expect((await request(app.server).get("/readyz")).body).to.deep.equal({ ready: true });
    const lifecycle = new Lifecycle("starting");
    const made = over(app.db, lifecycle);
    const starting = await made.get("/readyz");
    expect(starting.status).to.equal(503);
    expect(starting.body).to.deep.equal({ ready: false, state: "starting" });
    lifecycle.markReady();
    expect((await made.get("/readyz")).status).to.equal(200);
    lifecycle.drain(app.ctx.logger);
    const draining = await made.get("/readyz");
    expect(draining.status).to.equal(503);
    expect(draining.body).to.deep.equal({ ready: false, state: "draining" });
    // Still answered, and the connection closed after it: a balancer's kept-alive connection moves on.
    expect(draining.headers.connection).to.equal("close");
  });

  it("a request to a process still starting past the hold gets 503 starting in the asker's language (migrations.test.ts: one served once started)", async () => {
    const made = over(app.db, new Lifecycle("starting", 50));
    const api = await made.post("/api/v1/auth/token").set("Accept-Language", "en").send({});
    expect(api.status).to.equal(503);
    expect(api.headers["retry-after"]).to.equal("5");
    expect(api.body.error).to.deep.equal({
      code: "starting",
      message: "The server is starting; please try again in a few seconds",
    });
    const page = await made.get("/login").set("Accept", "text/html");
    expect(page.status).to.equal(503);
    expect(page.text).to.include("服务器正在启动");
    expect((await made.get("/healthz")).status, "the health checks are never held").to.equal(200);
  });
});
