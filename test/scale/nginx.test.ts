// Several app processes behind nginx on PostgreSQL (DESIGN §6, issue 14 item 6): three real servers
// sharing one schema and one upload folder, Debian's nginx in front with deploy/'s site configuration
// (round robin, no sticky sessions). Every step goes through nginx; X-App-Instance says which process
// answered, and each step must have been answered by more than one of them.
// The last step is a browser journey (headless Chromium through nginx): a contestant uploads through the
// entry form's script, a judge accepts the declaration and submits scores, every response counted per process.
import { expect } from "chai";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import request from "supertest";
import { NGINX, startBalancer, type Balancer } from "../../bench/balancer.js";
import { ready, spawnNode, stop, urlWithSchema } from "../../bench/child-process.js";
import { freePort } from "../../bench/free-port.js";
import { defaultRubric } from "../../src/contests/rubric.js";
import { ADMIN, contestBody, startTestApp, type TestApp } from "../helpers/app.js";
import {
  CHROMIUM_PATH,
  launchBrowser,
  logInThroughForm,
  logOutThroughHeader,
  screenshot,
  type TestBrowser,
} from "../helpers/browser.js";
import { check, videoSubmission } from "../helpers/entries.js";
import { startedLiveFinal, submitCurrent } from "../helpers/live.js";
import { testMedia } from "../helpers/media.js";
import { csrfOf, logInPage } from "../helpers/pages.js";
import { liveOf, openSse } from "../helpers/sse.js";

const SECRET = "test-secret-0123456789";
const PASSWORD = "Secret-pass-42";

const skipped = !process.env.DATABASE_URL
  ? "several processes need PostgreSQL (DATABASE_URL=… npm run test:scale)"
  : !existsSync(NGINX)
    ? `no nginx at ${NGINX} (apt-get install nginx)`
    : null;

if (skipped) {
  // Not a pending test (mocha forbids those here): without PostgreSQL or nginx there is nothing to run.
  console.warn(`nginx.test.ts skipped: ${skipped}`);
} else {
  describe("three app processes behind nginx on PostgreSQL, no sticky sessions", function () {
    this.timeout(180_000);
    let seeder: TestApp;
    let dir: string;
    let children: ChildProcess[] = [];
    let nginx: Balancer | undefined;
    let base: string;
    /** Which process answered, response by response, for the step under way. */
    let answeredBy: string[] = [];
    let admin: string;
    let contestId: string;
    const users = {} as Record<"contestant" | "judge", { id: string; email: string; token: string }>;

    /** Records the process that answered, and fails the step on anything but `expected`. */
    const seen = (res: request.Response, expected: number): request.Response => {
      expect(res.status, `${res.status} ${(res.text ?? "").slice(0, 300)}`).to.equal(expected);
      answeredBy.push(String(res.headers["x-app-instance"]));
      return res;
    };
    const api = (token: string) => ({
      get: (p: string) => request(base).get(p).set("Authorization", `Bearer ${token}`),
      post: (p: string, body?: object) => request(base).post(p).set("Authorization", `Bearer ${token}`).send(body),
      put: (p: string, body?: object) => request(base).put(p).set("Authorization", `Bearer ${token}`).send(body),
    });
    /** The processes that answered this step: all three, as nginx takes them in turn. */
    const expectEveryProcess = () => expect(new Set(answeredBy)).to.have.keys("app-1", "app-2", "app-3");

    before(async () => {
      // The schema, its migrations and the first organizer come from an in-process app; the servers share them.
      seeder = await startTestApp();
      const schema = (await seeder.db.raw<{ rows: { s: string }[] }>("SELECT current_schema() AS s")).rows[0].s;
      const pgUrl = process.env.DATABASE_URL!;
      const databaseUrl = urlWithSchema(pgUrl, schema);
      dir = mkdtempSync(path.join(os.tmpdir(), "sw-scale-"));
      const ports = await Promise.all([1, 2, 3].map(() => freePort()));
      children = ports.map((port, i) =>
        spawnNode(["--import", "tsx", "src/server.ts"], {
          PORT: String(port),
          INSTANCE_NAME: `app-${i + 1}`,
          DATABASE_URL: databaseUrl,
          DATA_DIR: path.join(dir, `data-${i + 1}`),
          // The one folder all processes share, as deploy/ mounts it on every machine.
          UPLOAD_DIR: path.join(dir, "uploads"),
          SESSION_SECRET: SECRET,
          TRUST_PROXY: "1",
          LOG_LEVEL: "error",
        }),
      );
      await Promise.all(ports.map((port, i) => ready(`http://127.0.0.1:${port}`, children[i])));
      nginx = await startBalancer(ports);
      base = nginx.url;

      admin = check(await request(base).post("/api/v1/auth/token").send(ADMIN), "admin token").body.token;
      for (const role of ["contestant", "judge"] as const) {
        const email = `${role}-scale@example.org`;
        const created = check(
          await api(admin).post("/api/v1/users", {
            email,
            password: PASSWORD,
            name: role,
            role,
            city: "保定",
            unit: `${role} 单位`,
          }),
          role,
        );
        // As if he had already chosen his own password at first login.
        await seeder.db("users").where({ id: created.body.user.id }).update({ must_change_password: false });
        const token = check(
          await request(base).post("/api/v1/auth/token").send({ email, password: PASSWORD }),
          "token",
        );
        users[role] = { id: created.body.user.id, email, token: token.body.token };
      }
      contestId = check(await api(admin).post("/api/v1/contests", contestBody({ judgesPerEntry: 1 })), "contest").body
        .contest.id;
      check(await api(admin).post(`/api/v1/contests/${contestId}/stage`, { to: "open" }), "open");
    });
    beforeEach(() => {
      answeredBy = [];
    });
    after(async () => {
      await nginx?.stop();
      await Promise.all(children.map((child) => stop(child)));
      await seeder?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("an upload streamed through nginx is stored once, and every process serves its files byte for byte", async () => {
      const media = await testMedia();
      const body = videoSubmission(media);
      let req = request(base)
        .post(`/api/v1/contests/${contestId}/entries`)
        .set("Authorization", `Bearer ${users.contestant.token}`);
      for (const [name, value] of Object.entries(body.fields)) req = req.field(name, value);
      for (const [role, file] of Object.entries(body.files)) req = req.attach(role, file);
      const entryId = seen(await req, 201).body.entry.id as string;
      expect(await seeder.db("entries").where({ contest_id: contestId }).count({ n: "*" })).to.deep.equal([{ n: "1" }]);
      for (let i = 0; i < 3; i += 1)
        for (const role of ["video", "form"]) {
          const file = seen(
            await api(users.contestant.token)
              .get(`/api/v1/entries/${entryId}/files/${role}`)
              .buffer(true)
              .parse((res, cb) => {
                const chunks: Buffer[] = [];
                res.on("data", (chunk: Buffer) => chunks.push(chunk));
                res.on("end", () => cb(null, Buffer.concat(chunks)));
              }),
            200,
          );
          expect((file.body as Buffer).equals(readFileSync(body.files[role])), role).to.equal(true);
        }
      expectEveryProcess();
    });

    it("a judge signs in through the login form and declares and scores through CSRF forms, whichever process answers", async () => {
      check(await api(admin).put(`/api/v1/contests/${contestId}/judges`, { judgeIds: [users.judge.id] }), "pool");
      check(await api(admin).post(`/api/v1/contests/${contestId}/assignments/auto`, { seed: 1 }), "assign");
      for (const to of ["closed", "judging"])
        check(await api(admin).post(`/api/v1/contests/${contestId}/stage`, { to }), to);
      const judge = await logInPage(request.agent(base), users.judge.email, PASSWORD);
      const html = async (p: string) => seen(await judge.get(p).set("Accept", "text/html"), 200);
      const postForm = async (p: string, token: string, fields: Record<string, string>) =>
        seen(
          await judge
            .post(p)
            .type("form")
            .set("Accept", "text/html")
            .send(new URLSearchParams({ _csrf: token, ...fields }).toString()),
          303,
        );

      const queue = await html("/judge");
      await postForm(`/judge/contests/${contestId}/declaration`, csrfOf(queue.text), {
        accept: "true",
        next: "/judge",
      });
      const [assignment] = (await api(admin).get(`/api/v1/contests/${contestId}/assignments`)).body.assignments as {
        id: string;
      }[];
      const criteria = defaultRubric("video").criteria;
      // Drafts, then the submit: each form posted with the token of a page another process may have rendered.
      for (const [n, action] of [
        [1, "draft"],
        [2, "draft"],
        [3, "submit"],
      ] as const) {
        const page = await html(`/judge/assignments/${assignment.id}`);
        const scores = Object.fromEntries(criteria.map((c) => [`scores[${c.key}]`, String(c.max - n)]));
        await postForm(`/judge/assignments/${assignment.id}`, csrfOf(page.text), { ...scores, action });
      }
      expectEveryProcess();
      const sheet = await seeder.db("assignments").where({ id: assignment.id }).first();
      expect(sheet).to.include({ status: "submitted" });
      expect(Number(sheet.total)).to.equal(criteria.reduce((sum, c) => sum + c.max - 3, 0));
    });

    it("results computed by one process are the ones every process answers", async () => {
      const computed = seen(await api(admin).post(`/api/v1/contests/${contestId}/results/compute`), 200).body.results;
      expect(computed).to.have.length(1);
      for (let i = 0; i < 3; i += 1)
        expect(seen(await api(admin).get(`/api/v1/contests/${contestId}/results`), 200).body.results).to.deep.equal(
          computed,
        );
      expectEveryProcess();
    });

    it("the live final's event stream passes through nginx frame by frame, whichever process takes the sheet", async () => {
      const live = await startedLiveFinal(seeder);
      const viewer = await openSse(`${base}/api/v1/contests/${live.contestId}/live/events`);
      try {
        expect(viewer.status).to.equal(200);
        await viewer.next((f) => f.event === "state");
        // Two sheets, so that at least one is taken by a process other than the viewer's.
        for (const judge of live.judges.slice(0, 2)) await submitCurrent(base, live.contestId, judge.token);
        // The frame with both sheets arrives: nothing held back by nginx (the test times out otherwise).
        await viewer.next(
          (f) => f.event === "state" && (liveOf(f) as { panel?: { submitted?: number } }).panel?.submitted === 2,
        );
        expect(viewer.headers.get("content-type")).to.match(/^text\/event-stream/);
      } finally {
        viewer.close();
      }
    });

    it("in headless Chromium, a contestant uploads an entry through the form and a judge scores it, whichever process answers", async () => {
      if (!existsSync(CHROMIUM_PATH)) {
        // Not a pending test (mocha forbids those here); CI installs Chromium before this suite.
        console.warn(`nginx.test.ts browser journey skipped: no Chromium at ${CHROMIUM_PATH}`);
        return;
      }
      const media = await testMedia();
      const title = `浏览器经 nginx 提交 ${Date.now()}`;
      const id = check(
        await api(admin).post("/api/v1/contests", contestBody({ judgesPerEntry: 1, title: "负载均衡下的浏览器评审" })),
        "contest",
      ).body.contest.id as string;
      check(await api(admin).post(`/api/v1/contests/${id}/stage`, { to: "open" }), "open");

      let browser: TestBrowser | undefined;
      /** Responses per process (X-App-Instance), pages, scripts, styles and the upload alike. */
      const perProcess: Record<string, number> = {};
      try {
        browser = await launchBrowser();
        const { page } = browser;
        page.on("response", (res) => {
          const who = res.headers()["x-app-instance"] ?? `none (${res.status()} ${res.url()})`;
          perProcess[who] = (perProcess[who] ?? 0) + 1;
        });

        // The contestant: log in, fill the form, let the page's script send the files by XMLHttpRequest.
        await logInThroughForm(page, base, { email: users.contestant.email, password: PASSWORD });
        await page.goto(`${base}/contests/${id}/submit`);
        const form = page.getByTestId("submit-form");
        await form.locator('input[name="title"]').fill(title);
        await form.locator('input[name="category"]').fill("科学防控");
        await form.locator('textarea[name="summary"]').fill("三个进程轮流应答，作品只存一份。");
        await form.locator('input[name="authorName"]').first().fill("李明");
        await form.locator('input[name="video"]').setInputFiles(media.valid1080);
        await form.locator('input[name="form"]').setInputFiles(media.formPdf);
        await form.locator('input[name="cover"]').setInputFiles(media.coverPng);
        await form.locator('input[name="declaration"]').check();
        const [upload] = await Promise.all([
          page.waitForResponse(
            (res) => res.request().method() === "POST" && new URL(res.url()).pathname === `/contests/${id}/entries`,
            { timeout: 30_000 },
          ),
          page.waitForURL(/\/entries\/[^/]+$/, { timeout: 30_000 }),
          form.locator("[data-upload-submit]").click(),
        ]);
        expect(upload.request().resourceType(), "sent by the page's upload script").to.equal("xhr");
        expect(await page.locator("h1").innerText()).to.equal(title);
        const code = (await page.getByTestId("entry-code").innerText()).trim();
        expect(code).to.match(/^SP-\d{4}-\d{4}$/);
        await page.goto(`${base}/my/entries`);
        expect(await page.getByTestId("my-entries").locator("tr", { hasText: title }).innerText()).to.contain(code);
        await screenshot(page, "scale-01-my-entries");
        await logOutThroughHeader(page, base);

        check(await api(admin).put(`/api/v1/contests/${id}/judges`, { judgeIds: [users.judge.id] }), "pool");
        check(await api(admin).post(`/api/v1/contests/${id}/assignments/auto`, { seed: 1 }), "assign");
        for (const to of ["closed", "judging"])
          check(await api(admin).post(`/api/v1/contests/${id}/stage`, { to }), to);

        // The judge: log in, accept the declaration, open the entry, score it, submit.
        await logInThroughForm(page, base, { email: users.judge.email, password: PASSWORD });
        await page.goto(`${base}/judge`);
        const section = page.locator(`[data-testid="queue-contest"][data-contest="${id}"]`);
        await Promise.all([page.waitForURL(/\/judge$/), section.getByTestId("accept-declaration").click()]);
        await Promise.all([
          page.waitForURL(/\/judge\/assignments\/[^/]+$/),
          section.locator(`[data-testid="queue-item"][data-code="${code}"]`).click(),
        ]);
        const criteria = defaultRubric("video").criteria;
        for (const c of criteria) await page.getByTestId(`score-${c.key}`).fill(String(c.max - 1));
        const total = criteria.reduce((sum, c) => sum + c.max - 1, 0);
        expect(await page.getByTestId("total").innerText()).to.equal(String(total));
        await Promise.all([page.waitForURL(/\/judge\/assignments\/[^/]+$/), page.getByTestId("submit-score").click()]);
        expect(await page.locator(".flash").first().innerText()).to.contain(`总分 ${total}`);
        expect(await page.getByTestId("sheet-status").innerText()).to.equal("已提交");
        await screenshot(page, "scale-02-judge-submitted");
      } finally {
        await browser?.close();
      }
      const entry = await seeder.db("entries").where({ contest_id: id }).first();
      const sheet = await seeder.db("assignments").where({ entry_id: entry.id }).first();
      expect(sheet).to.include({ status: "submitted" });
      console.log(`      browser responses per process: ${JSON.stringify(perProcess)}`);
      expect(perProcess, JSON.stringify(perProcess)).to.have.keys("app-1", "app-2", "app-3");
    });
  });
}
