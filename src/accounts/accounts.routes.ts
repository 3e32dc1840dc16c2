import { Router, type Request } from "express";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { flash } from "../http/flash.js";
import { formFields, handleForm, safeNext, text } from "../http/forms.js";
import * as accounts from "./accounts.service.js";
import { parseCreateUserBody, parseCredentialsBody, parseRegisterBody, parseUpdateUserBody, ROLES, type Role } from "./accounts.schemas.js";

function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? "unknown";
}

function roleFilter(value: unknown): Role | undefined {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value) ? (value as Role) : undefined;
}

/** DESIGN §4: register, token, users. */
export function accountsApi(ctx: AppContext): Router {
  const router = Router();

  router.post("/auth/register", async (req, res) => {
    const user = await accounts.registerContestant(ctx, parseRegisterBody(req.body));
    res.status(201).json({ user });
  });

  router.post("/auth/token", async (req, res) => {
    const body = parseCredentialsBody(req.body);
    const user = await accounts.authenticate(ctx, body.email, body.password, clientIp(req));
    const token = await accounts.issueToken(ctx, user);
    res.json({ token, user: accounts.publicUser(user) });
  });

  router.delete("/auth/token", requireRole(), async (req, res) => {
    await accounts.revokeToken(ctx, req.headers.authorization!.replace(/^Bearer\s+/i, ""));
    res.status(204).end();
  });

  router.get("/me", requireRole(), async (req, res) => {
    res.json({ user: await accounts.getUser(ctx, req.user!.id) });
  });

  router.post("/users", requireRole("organizer"), async (req, res) => {
    const user = await accounts.createUser(ctx, req.user!, parseCreateUserBody(req.body));
    res.status(201).json({ user });
  });

  router.get("/users", requireRole("organizer"), async (req, res) => {
    res.json({ users: await accounts.listUsers(ctx, roleFilter(req.query.role)) });
  });

  router.get("/users/:id", requireRole("organizer"), async (req, res) => {
    res.json({ user: await accounts.getUser(ctx, String(req.params.id)) });
  });

  router.patch("/users/:id", requireRole("organizer"), async (req, res) => {
    res.json({ user: await accounts.updateUser(ctx, req.user!, String(req.params.id), parseUpdateUserBody(req.body)) });
  });

  return router;
}

/** Login, logout, registration and the organizer's user administration pages. */
export function accountsPages(ctx: AppContext): Router {
  const router = Router();

  router.get("/login", (req, res) => {
    if (req.user) return res.redirect("/");
    res.render("accounts/login", { title: req.t("login.title"), next: safeNext(req.query.next, "") });
  });

  router.post("/login", async (req, res) => {
    const next = safeNext(formFields(req).next);
    await handleForm(req, res, "accounts/login", { title: req.t("login.title"), next }, async () => {
      const body = parseCredentialsBody({ email: text(formFields(req), "email") ?? "", password: String(formFields(req).password ?? "") });
      const user = await accounts.authenticate(ctx, body.email, body.password, clientIp(req));
      await logIn(req, user.id);
      flash(req, "success", req.t("login.welcome", { name: user.name }));
      res.redirect(next);
    });
  });

  router.post("/logout", (req, res, next) => {
    const lang = req.session.lang;
    req.session.regenerate((err) => {
      if (err) return next(err);
      if (lang) req.session.lang = lang;
      res.redirect("/");
    });
  });

  router.get("/register", (req, res) => {
    res.render("accounts/register", { title: req.t("register.title") });
  });

  router.post("/register", async (req, res) => {
    await handleForm(req, res, "accounts/register", { title: req.t("register.title") }, async () => {
      const f = formFields(req);
      const body = parseRegisterBody({ email: text(f, "email") ?? "", password: String(f.password ?? ""), name: text(f, "name") ?? "", city: text(f, "city") ?? "", unit: text(f, "unit") ?? "" });
      const user = await accounts.registerContestant(ctx, body);
      await logIn(req, user.id);
      flash(req, "success", req.t("register.done", { name: user.name }));
      res.redirect("/contests");
    });
  });

  const usersPage = async (req: Request) => ({
    title: req.t("users.title"),
    users: await accounts.listUsers(ctx, roleFilter(req.query.role)),
    roles: ROLES,
    selectedRole: roleFilter(req.query.role),
  });

  router.get("/admin/users", requireRole("organizer"), async (req, res) => {
    res.render("accounts/users", await usersPage(req));
  });

  router.post("/admin/users", requireRole("organizer"), async (req, res) => {
    await handleForm(req, res, "accounts/users", await usersPage(req), async () => {
      const f = formFields(req);
      const body = parseCreateUserBody({
        email: text(f, "email") ?? "",
        password: String(f.password ?? ""),
        name: text(f, "name") ?? "",
        role: text(f, "role") ?? "",
        city: text(f, "city") ?? null,
        unit: text(f, "unit") ?? null,
        expertise: (text(f, "expertise") ?? "").split(/[,，、\s]+/).filter(Boolean),
      });
      const user = await accounts.createUser(ctx, req.user!, body);
      flash(req, "success", req.t("users.created", { email: user.email }));
      res.redirect("/admin/users");
    });
  });

  router.post("/admin/users/:id/disabled", requireRole("organizer"), async (req, res) => {
    const disabled = formFields(req).disabled === "true";
    const user = await accounts.updateUser(ctx, req.user!, String(req.params.id), { disabled });
    flash(req, "success", req.t(disabled ? "users.disabledDone" : "users.enabledDone", { email: user.email }));
    res.redirect("/admin/users");
  });

  return router;
}

/** A new session id at login, so a session fixed before login is worthless after it. */
function logIn(req: Request, userId: string): Promise<void> {
  const lang = req.session.lang;
  return new Promise((resolve, reject) => {
    req.session.regenerate((err) => {
      if (err) return reject(err);
      req.session.userId = userId;
      if (lang) req.session.lang = lang;
      req.session.save((saveErr) => (saveErr ? reject(saveErr) : resolve()));
    });
  });
}
