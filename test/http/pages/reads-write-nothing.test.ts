import { expect } from "chai";
import request from "supertest";
import type { Express } from "express";
import { createApp } from "../../../src/app.js";
import { RENEW_AFTER, SESSION_MAX_AGE } from "../../../src/http/sessions.js";
import { ADMIN, startTestApp, type TestApp } from "../../helpers/app.js";
import { judgedContest, type JudgedContest } from "../../helpers/judged.js";
import { csrfOf, pageSession, type PageAgent } from "../../helpers/pages.js";

/**
 * Issue 11: a read writes nothing. An anonymous reader gets no session (no row, no cookie) until a
 * page with a form needs its CSRF token; a signed-in reader's session is rewritten at most once every
 * RENEW_AFTER, and then lasts SESSION_MAX_AGE again; templates are compiled once whatever NODE_ENV says.
 */

interface SessionRow {
  sid: string;
  expired: string | Date;
  sess: string | Record<string, unknown>;
}

const html = (agent: PageAgent, path: string) => agent.get(path).set("Accept", "text/html");
const sessionRows = (app: TestApp) => app.db<SessionRow>("sessions").select("*").orderBy("sid");
const sessOf = (row: SessionRow) =>
  (typeof row.sess === "string" ? JSON.parse(row.sess) : row.sess) as { cookie: { expires: string } };
const time = (value: string | Date) => new Date(value).getTime();

describe("reads write nothing: sessions only when needed, renewed at most every few minutes", () => {
  let app: TestApp;
  let c: JudgedContest;

  before(async function () {
    this.timeout(180_000);
    app = await startTestApp();
    c = await judgedContest(app, {
      contest: {
        rubric: { criteria: [{ key: "science", label: "科学性", max: 100, step: 1 }] },
        prizes: { mode: "count", first: 1, second: 0, third: 0 },
      },
      sheets: [[{ science: 90 }], [{ science: 70 }]],
    });
    for (const to of ["review", "notice"]) {
      const res = await request(app.server)
        .post(`/api/v1/contests/${c.contestId}/stage`)
        .set("Authorization", `Bearer ${c.admin}`)
        .send({ to });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
    }
  });
  after(() => app?.close());

  it("an anonymous reader of the contest list, a contest page and the public results page gets no cookie and no session row", async () => {
    const before = await sessionRows(app);
    for (const path of ["/contests", `/contests/${c.contestId}`, `/contests/${c.contestId}/results`]) {
      // Twice: the second results page is answered from the parsed snapshot, and must read the same.
      const first = await html(request.agent(app.server), path);
      const second = await html(request.agent(app.server), path);
      for (const res of [first, second]) {
        expect(res.status, path).to.equal(200);
        expect(res.headers["set-cookie"], path).to.equal(undefined);
      }
      expect(second.text, path).to.equal(first.text);
    }
    const results = await html(request.agent(app.server), `/contests/${c.contestId}/results`);
    for (const entry of c.entries) expect(results.text).to.include(entry.code);
    expect(await sessionRows(app)).to.deep.equal(before);
  });

  it("the login page makes the session (a cookie and a row) for its form, and logging in through it still works", async () => {
    const agent = request.agent(app.server);
    const count = (await sessionRows(app)).length;
    const form = await html(agent, "/login");
    expect(form.status).to.equal(200);
    expect(String(form.headers["set-cookie"])).to.match(/^sw\.sid=/);
    expect(await sessionRows(app)).to.have.length(count + 1);
    const res = await agent
      .post("/login")
      .type("form")
      .set("Accept", "text/html")
      .send({ _csrf: csrfOf(form.text), email: ADMIN.email, password: ADMIN.password });
    expect(res.status).to.equal(302);
    const signedIn = await html(agent, "/contests");
    expect(signedIn.text).to.include('action="/logout"');
  });

  it("a signed-in reader's page views leave his session row as it was and send no cookie", async () => {
    const agent = await pageSession(app, c.contestant.email, c.contestant.password);
    await html(agent, "/contests");
    const before = await sessionRows(app);
    for (const path of ["/contests", "/my/entries", `/contests/${c.contestId}/results`]) {
      const res = await html(agent, path);
      expect(res.status, path).to.equal(200);
      expect(res.headers["set-cookie"], path).to.equal(undefined);
    }
    expect(await sessionRows(app)).to.deep.equal(before);
  });

  it(`a session last renewed more than ${RENEW_AFTER / 60_000} minutes ago is renewed for ${SESSION_MAX_AGE / 86_400_000} days, row and cookie`, async () => {
    const agent = await pageSession(app, c.contestant.email, c.contestant.password);
    await html(agent, "/contests");
    const mine = (await sessionRows(app)).filter((r) => JSON.stringify(sessOf(r)).includes(c.contestant.user.id));
    expect(mine).to.have.length.greaterThan(0);
    // As if the last renewal were RENEW_AFTER and a minute ago: the stored expiry is that much nearer.
    const aged = new Date(Date.now() + SESSION_MAX_AGE - RENEW_AFTER - 60_000);
    for (const row of mine) {
      const sess = sessOf(row);
      sess.cookie.expires = aged.toISOString();
      await app
        .db("sessions")
        .where({ sid: row.sid })
        .update({
          sess: JSON.stringify(sess),
          expired: typeof row.expired === "string" ? aged.toISOString() : aged,
        });
    }
    const res = await html(agent, "/contests");
    expect(res.status).to.equal(200);
    const cookie = String(res.headers["set-cookie"]);
    expect(cookie).to.match(/^sw\.sid=/);
    const cookieExpires = Date.parse(/Expires=([^;]+)/.exec(cookie)![1]);
    expect(Math.abs(cookieExpires - (Date.now() + SESSION_MAX_AGE))).to.be.below(60_000);
    const renewed = (await sessionRows(app)).filter((r) => mine.some((m) => m.sid === r.sid));
    const row = renewed.find((r) => time(r.expired) > aged.getTime() + 30_000)!;
    expect(row, "a renewed row").to.not.equal(undefined);
    expect(Math.abs(time(row.expired) - (Date.now() + SESSION_MAX_AGE))).to.be.below(60_000);
    expect(Math.abs(time(sessOf(row).cookie.expires) - (Date.now() + SESSION_MAX_AGE))).to.be.below(60_000);
    // Renewed now, so the next view writes nothing again.
    const after = await sessionRows(app);
    const next = await html(agent, "/contests");
    expect(next.headers["set-cookie"]).to.equal(undefined);
    expect(await sessionRows(app)).to.deep.equal(after);
  });

  it("a form post with its token still passes, and without it still gets 403", async () => {
    const agent = await pageSession(app, c.contestant.email, c.contestant.password);
    const page = await html(agent, "/contests");
    const refused = await agent.post("/logout").type("form").set("Accept", "text/html").send({});
    expect(refused.status).to.equal(403);
    const res = await agent
      .post("/logout")
      .type("form")
      .set("Accept", "text/html")
      .send({ _csrf: csrfOf(page.text) });
    expect(res.status).to.equal(302);
    expect((await html(agent, "/contests")).text).to.not.include('action="/logout"');
  });

  it("compiles templates once even when NODE_ENV is unset, as `npm start` runs", async () => {
    const saved = process.env.NODE_ENV;
    delete process.env.NODE_ENV;
    let made: Express;
    try {
      made = createApp(app.ctx);
    } finally {
      if (saved !== undefined) process.env.NODE_ENV = saved;
    }
    expect(made.enabled("view cache")).to.equal(true);
    // Its session store cleans expired rows once at start: let that finish before the database closes.
    await request(made).get("/healthz").expect(200);
  });
});
