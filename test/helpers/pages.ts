import request from "supertest";
import type { TestApp } from "./app.js";

export type PageAgent = ReturnType<typeof request.agent>;

/** The CSRF token of the (first) form on a page: the `_csrf` hidden input. */
export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error("no CSRF token on the page");
  return match[1];
}

/**
 * The CSRF token of this agent's session, from the registration page (rendered for everyone, signed
 * in or not). The token lives in the session, so it stays valid until the session is regenerated.
 */
export async function csrfFor(agent: PageAgent): Promise<string> {
  const page = await agent.get("/register").set("Accept", "text/html");
  if (page.status !== 200) throw new Error(`GET /register answered ${page.status}`);
  return csrfOf(page.text);
}

/** Logs an agent in through the login form (GET /login for `_csrf`, then POST /login); throws unless it worked. */
export async function logInPage(agent: PageAgent, email: string, password: string): Promise<PageAgent> {
  const form = await agent.get("/login").set("Accept", "text/html");
  if (form.status !== 200) throw new Error(`GET /login answered ${form.status} (already signed in?)`);
  const res = await agent
    .post("/login")
    .type("form")
    .set("Accept", "text/html")
    .send({ _csrf: csrfOf(form.text), email, password });
  if (res.status !== 302)
    throw new Error(`login of ${email} through the form failed: ${res.status} ${res.text.slice(0, 300)}`);
  return agent;
}

/** A new agent (its own cookie jar) signed in to the pages as this user. */
export async function pageSession(app: TestApp, email: string, password: string): Promise<PageAgent> {
  return logInPage(request.agent(app.server), email, password);
}
