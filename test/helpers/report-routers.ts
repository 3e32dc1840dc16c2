/** The JSON API routers of the units and the week's reports, for the tables that must cover every route. */
import { activitiesApi } from "../../src/reports/activities.routes.js";
import { dashboardApi } from "../../src/reports/dashboard.routes.js";
import { evaluationApi } from "../../src/reports/evaluation.routes.js";
import { newsApi } from "../../src/reports/news.routes.js";
import { packagesApi } from "../../src/reports/packages.routes.js";
import { summariesApi } from "../../src/reports/summaries.routes.js";
import { weeksApi } from "../../src/reports/weeks.routes.js";
import { unitsApi } from "../../src/units/units.routes.js";

export const REPORT_APIS = [
  unitsApi,
  weeksApi,
  activitiesApi,
  newsApi,
  summariesApi,
  packagesApi,
  dashboardApi,
  evaluationApi,
] as const;
