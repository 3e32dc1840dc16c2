import { Router, type Request } from "express";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { flash } from "../http/flash.js";
import { answerForm, fieldText, formFields, safeNext, text } from "../http/forms.js";
import { asError } from "../lib/errors.js";
import { clientIp, noStore, receiveRoster, roleFilter, rosterReportView } from "./accounts.http.js";
import * as passwords from "./accounts.passwords.service.js";
import * as accounts from "./accounts.service.js";
import {
  parseChangePasswordForm,
  parseCreateUserBody,
  parseCredentialsBody,
  parseRegisterBody,
  parseUpdateUserBody,
  ROLES,
  type Role,
  type UpdateUserBody,
} from "./accounts.schemas.js";
import { MAX_ROSTER_ROWS, parseOwnProfileBody, splitList } from "./roster.js";

/** A list typed in a form: themes split as in the roster; units one a line or split by 、,; (spaces stay inside a name). */
function formList(fields: Record<string, unknown>, name: string, spaces: boolean): string[] {
  const value = fields[name];
  return typeof value === "string" ? splitList(value, { spaces }) : [];
}

/** Login, logout, registration, one's own password and the organizer's user administration pages. */
export function accountsPages(ctx: AppContext): Router {
  const router = Router();

  router.get("/login", (req, res) => {
    if (req.user) return res.redirect("/");
    res.render("accounts/login", { title: req.t("login.title"), next: safeNext(req.query.next, "") });
  });

  router.post("/login", async (req, res) => {
    const next = safeNext(formFields(req).next, "");
    await answerForm(
      req,
      res,
      { view: "accounts/login", page: ({ typed }) => ({ title: req.t("login.title"), next, values: typed }) },
      async () => {
        const body = parseCredentialsBody({
          email: text(formFields(req), "email") ?? "",
          password: fieldText(formFields(req).password),
        });
        const user = await accounts.authenticate(ctx, body.email, body.password, clientIp(req));
        await logIn(ctx, req, user.id);
        flash(req, "success", req.t("login.welcome", { name: user.name }));
        res.redirect(next || homeOf(user.role));
      },
    );
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
    await answerForm(
      req,
      res,
      { view: "accounts/register", page: ({ typed }) => ({ title: req.t("register.title"), values: typed }) },
      async () => {
        const f = formFields(req);
        const body = parseRegisterBody({
          email: text(f, "email") ?? "",
          password: fieldText(f.password),
          name: text(f, "name") ?? "",
          city: text(f, "city") ?? "",
          unit: text(f, "unit") ?? "",
        });
        const user = await accounts.registerContestant(ctx, body, clientIp(req));
        await logIn(ctx, req, user.id);
        flash(req, "success", req.t("register.done", { name: user.name }));
        res.redirect("/contests");
      },
    );
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
    await answerForm(
      req,
      res,
      { view: "accounts/users", page: async ({ typed }) => ({ ...(await usersPage(req)), values: typed }) },
      async () => {
        const f = formFields(req);
        const email = text(f, "email") ?? "";
        // "Generate": a random initial password shown once on the page that answers (never flashed: sessions are stored).
        const generated =
          f.generatePassword === "on" || f.generatePassword === "true"
            ? passwords.generateInitialPassword(email.toLowerCase())
            : null;
        const role = text(f, "role") ?? "";
        const body = parseCreateUserBody({
          email,
          password: generated ?? fieldText(f.password),
          name: text(f, "name") ?? "",
          role,
          city: text(f, "city") ?? null,
          unit: text(f, "unit") ?? null,
          expertise: formList(f, "expertise", true),
          ...(role === "judge" ? { avoidUnits: formList(f, "avoidUnits", false) } : {}),
        });
        const user = await accounts.createUser(ctx, req.user!, body);
        if (!generated) {
          flash(req, "success", req.t("users.created", { email: user.email }));
          return res.redirect("/admin/users");
        }
        noStore(res);
        res.render("accounts/users", { ...(await usersPage(req)), generated: { user, password: generated } });
      },
    );
  });

  // Before /admin/users/:id, which would take "import" for an id.
  router.get("/admin/users/import", requireRole("organizer"), (req, res) => {
    res.render("accounts/roster-import", { title: req.t("roster.title"), maxRows: MAX_ROSTER_ROWS });
  });

  // Multipart: the session and the CSRF token (?_csrf= or the header) are checked before the body is read.
  router.post("/admin/users/import", requireRole("organizer"), async (req, res) => {
    await answerForm(
      req,
      res,
      { view: "accounts/roster-import", page: () => ({ title: req.t("roster.title"), maxRows: MAX_ROSTER_ROWS }) },
      async () => {
        const report = await receiveRoster(ctx, req, res);
        noStore(res);
        res.render("accounts/roster-import", {
          title: req.t("roster.resultTitle"),
          report: rosterReportView(req, report),
        });
      },
    );
  });

  const userPage = async (req: Request) => {
    const user = await accounts.getUser(ctx, String(req.params.id));
    return {
      title: req.t("judgeEdit.title", { name: user.name }),
      edited: user,
      isJudge: user.role === "judge",
      isSelf: user.id === req.user!.id,
      values: {
        name: user.name,
        unit: user.unit ?? "",
        city: user.city ?? "",
        expertise: user.expertise.join("、"),
        avoidUnits: user.avoidUnits.join("\n"),
      },
    };
  };

  router.get("/admin/users/:id", requireRole("organizer"), async (req, res) => {
    res.render("accounts/judge-edit", await userPage(req));
  });

  router.post("/admin/users/:id", requireRole("organizer"), async (req, res) => {
    const page = await userPage(req);
    await answerForm(
      req,
      res,
      { view: "accounts/judge-edit", page: ({ typed }) => ({ ...page, values: typed }) },
      async () => {
        const f = formFields(req);
        const body: UpdateUserBody = {
          name: text(f, "name") ?? "",
          unit: text(f, "unit") ?? null,
          city: text(f, "city") ?? null,
        };
        // Expertise and units to avoid matter for judges only (assignment and conflicts); the form shows them to judges only.
        if (page.isJudge)
          Object.assign(body, {
            expertise: formList(f, "expertise", true),
            avoidUnits: formList(f, "avoidUnits", false),
          });
        const user = await accounts.updateUser(ctx, req.user!, page.edited.id, parseUpdateUserBody(body));
        flash(req, "success", req.t("judgeEdit.saved", { email: user.email }));
        res.redirect(`/admin/users/${encodeURIComponent(user.id)}`);
      },
    );
  });

  router.post("/admin/users/:id/disabled", requireRole("organizer"), async (req, res) => {
    const disabled = formFields(req).disabled === "true";
    const user = await accounts.updateUser(ctx, req.user!, String(req.params.id), { disabled });
    flash(req, "success", req.t(disabled ? "users.disabledDone" : "users.enabledDone", { email: user.email }));
    res.redirect(safeNext(formFields(req).next, "/admin/users"));
  });

  // The new password is shown once, on the page that answers (never flashed: sessions are stored).
  router.post("/admin/users/:id/password", requireRole("organizer"), async (req, res) => {
    const { initialPassword } = await passwords.resetPassword(ctx, req.user!, String(req.params.id));
    noStore(res);
    res.render("accounts/judge-edit", { ...(await userPage(req)), reset: { password: initialPassword } });
  });

  const passwordPage = (req: Request) => ({ title: req.t("password.title") });

  router.get("/me/password", requireRole(), (req, res) => {
    res.render("accounts/password", passwordPage(req));
  });

  router.post("/me/password", requireRole(), async (req, res) => {
    await answerForm(
      req,
      res,
      { view: "accounts/password", page: ({ typed }) => ({ ...passwordPage(req), values: typed }) },
      async () => {
        const f = formFields(req);
        const body = parseChangePasswordForm({
          currentPassword: fieldText(f.currentPassword),
          newPassword: fieldText(f.newPassword),
          repeatPassword: fieldText(f.repeatPassword),
        });
        const wasForced = req.user!.mustChangePassword === true;
        const user = await passwords.changeOwnPassword(ctx, req.user!, body, clientIp(req));
        // His other sessions are gone; this one goes on under a new id.
        await logIn(ctx, req, user.id);
        flash(req, "success", req.t("password.changed"));
        // Sent here at first login: now on to what he came for.
        res.redirect(wasForced ? homeOf(user.role) : "/me/password");
      },
    );
  });

  const profilePage = async (req: Request) => {
    const me = await accounts.getUser(ctx, req.user!.id);
    return { title: req.t("judgeProfile.title"), me, values: { avoidUnits: me.avoidUnits.join("\n") } };
  };

  router.get("/me/profile", requireRole("judge"), async (req, res) => {
    res.render("accounts/judge-profile", await profilePage(req));
  });

  router.post("/me/profile", requireRole("judge"), async (req, res) => {
    await answerForm(
      req,
      res,
      { view: "accounts/judge-profile", page: async ({ typed }) => ({ ...(await profilePage(req)), values: typed }) },
      async () => {
        await accounts.updateOwnProfile(
          ctx,
          req.user!,
          parseOwnProfileBody({ avoidUnits: formList(formFields(req), "avoidUnits", false) }),
        );
        flash(req, "success", req.t("judgeProfile.saved"));
        res.redirect("/me/profile");
      },
    );
  });

  return router;
}

/** Where a user lands after logging in: a judge comes to score, so his queue is his home. */
function homeOf(role: Role): string {
  return role === "judge" ? "/judge" : role === "reporter" ? "/reports/mine" : "/";
}

/** A new session id at login, so a session fixed before login is worthless after it. */
async function logIn(ctx: AppContext, req: Request, userId: string): Promise<void> {
  const lang = req.session.lang;
  const credentials = await accounts.sessionStamp(ctx, userId);
  return new Promise((resolve, reject) => {
    req.session.regenerate((err) => {
      if (err) return reject(asError(err));
      req.session.userId = userId;
      req.session.credentials = credentials;
      if (lang) req.session.lang = lang;
      req.session.save((saveErr) => (saveErr ? reject(asError(saveErr)) : resolve()));
    });
  });
}
