import { Router } from "express";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { parseCreateUnitBody, parseUnitsQuery } from "./units.schemas.js";
import * as units from "./units.service.js";

/** The unit registry (DESIGN §3): the organizer lists and makes units; a coordinator lists his city's. */
export function unitsApi(ctx: AppContext): Router {
  const router = Router();
  router.get("/units", requireRole("organizer", "coordinator"), async (req, res) => {
    const city = units.registryCity(req.user!, parseUnitsQuery(req.query).city);
    res.json({ units: await units.unitsOf(ctx, { city }) });
  });
  // A name that folds to an existing unit's (full-width, spaces, invisible characters) answers that unit: 200.
  router.post("/units", requireRole("organizer"), async (req, res) => {
    const { unit, created } = await units.createUnit(ctx, req.user!, parseCreateUnitBody(req.body));
    res.status(created ? 201 : 200).json({ unit });
  });
  return router;
}
