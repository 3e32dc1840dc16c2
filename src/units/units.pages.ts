import { Router, type Request } from "express";
import { noStore } from "../accounts/accounts.http.js";
import { generateInitialPassword } from "../accounts/accounts.passwords.service.js";
import { createUser, type PublicUser } from "../accounts/accounts.service.js";
import { cityLabel } from "../accounts/cities.js";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { flash } from "../http/flash.js";
import { answerForm, formFields, text } from "../http/forms.js";
import { routeParam } from "../http/params.js";
import { groupBy } from "../lib/collections.js";
import { parseAddReporterForm, parseCreateUnitBody, parseUnitsQuery, UNIT_KINDS } from "./units.schemas.js";
import * as units from "./units.service.js";

/** `/units`: the registry by city and kind, with counts; the organizer makes units and their reporter accounts. */
export function unitsPages(ctx: AppContext): Router {
  const router = Router();

  const page = async (req: Request, extra: Record<string, unknown> = {}) => {
    const city = units.registryCity(req.user!, parseUnitsQuery(req.query).city);
    const list = await units.unitsOf(ctx, { city });
    const reporters = groupBy(
      await units.reportersOf(
        ctx,
        list.map((u) => u.id),
      ),
      (r) => r.unitId,
    );
    const byCity = [...groupBy(list, (u) => u.city)].map(([name, ofCity]) => ({
      name,
      label: cityLabel(name, req.locale),
      count: ofCity.length,
      kinds: [...groupBy(ofCity, (u) => u.kind)].map(([kind, ofKind]) => ({
        kind,
        count: ofKind.length,
        units: ofKind.map((u) => ({ ...u, reporterList: reporters.get(u.id) ?? [] })),
      })),
    }));
    return {
      title: req.t("units.title"),
      organizer: req.user!.role === "organizer",
      city,
      total: list.length,
      byCity,
      kinds: UNIT_KINDS,
      ...extra,
    };
  };

  router.get("/units", requireRole("organizer", "coordinator"), async (req, res) => {
    res.render("units/list", await page(req));
  });

  router.post("/units", requireRole("organizer"), async (req, res) => {
    await answerForm(
      req,
      res,
      { view: "units/list", page: async ({ typed }) => page(req, { values: typed }) },
      async () => {
        const f = formFields(req);
        const kind = text(f, "kind");
        const body = parseCreateUnitBody({
          name: text(f, "name") ?? "",
          city: text(f, "city") ?? "",
          ...(kind ? { kind } : {}),
        });
        const { unit, created } = await units.createUnit(ctx, req.user!, body);
        flash(req, "success", req.t(created ? "units.created" : "units.exists", { name: unit.name }));
        res.redirect(303, "/units");
      },
    );
  });

  // A reporter account for this unit; its password is generated and shown once on the page that answers.
  router.post("/units/:id/reporters", requireRole("organizer"), async (req, res) => {
    const unitId = routeParam(req);
    await answerForm(
      req,
      res,
      { view: "units/list", page: async ({ typed }) => page(req, { reporterValues: { ...typed, unitId } }) },
      async () => {
        const f = formFields(req);
        const form = parseAddReporterForm({ name: text(f, "name") ?? "", email: text(f, "email") ?? "" });
        const password = generateInitialPassword(form.email.toLowerCase());
        const user: PublicUser = await createUser(ctx, req.user!, { ...form, password, role: "reporter", unitId });
        noStore(res);
        res.render("units/list", await page(req, { generated: { user, password } }));
      },
    );
  });

  return router;
}
