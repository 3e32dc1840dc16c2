import { Router } from "express";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { clientIp, noStore, receiveRoster, roleFilter, rosterReportView } from "./accounts.http.js";
import * as passwords from "./accounts.passwords.service.js";
import * as accounts from "./accounts.service.js";
import {
  parseChangePasswordBody,
  parseCreateUserBody,
  parseCredentialsBody,
  parseRegisterBody,
  parseResetPasswordBody,
  parseUpdateUserBody,
} from "./accounts.schemas.js";
import { parseOwnProfileBody } from "./roster.js";

/** DESIGN §4: register, token, users; one's own password and an organizer's reset of another's. */
export function accountsApi(ctx: AppContext): Router {
  const router = Router();

  router.post("/auth/register", async (req, res) => {
    const user = await accounts.registerContestant(ctx, parseRegisterBody(req.body), clientIp(req));
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

  // A judge's own units to avoid (回避单位); other roles have nothing to change here (403).
  router.patch("/me", requireRole(), async (req, res) => {
    res.json({ user: await accounts.updateOwnProfile(ctx, req.user!, parseOwnProfileBody(req.body)) });
  });

  // Every token of the user ends, this one too: the caller asks for a new one with the new password.
  router.put("/me/password", requireRole(), async (req, res) => {
    res.json({
      user: await passwords.changeOwnPassword(ctx, req.user!, parseChangePasswordBody(req.body), clientIp(req)),
    });
  });

  router.post("/users/import", requireRole("organizer"), async (req, res) => {
    const report = await receiveRoster(ctx, req, res);
    noStore(res);
    res.json(rosterReportView(req, report));
  });

  router.post("/users", requireRole("organizer"), async (req, res) => {
    const user = await accounts.createUser(ctx, req.user!, parseCreateUserBody(req.body));
    res.status(201).json({ user });
  });

  router.post("/users/:id/password", requireRole("organizer"), async (req, res) => {
    parseResetPasswordBody(req.body ?? {});
    const reset = await passwords.resetPassword(ctx, req.user!, String(req.params.id));
    noStore(res);
    res.json(reset);
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
