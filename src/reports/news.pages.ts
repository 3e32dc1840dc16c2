import { Router, type Request } from "express";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { flash } from "../http/flash.js";
import { answerForm, wantsJson } from "../http/forms.js";
import { routeParam } from "../http/params.js";
import { formatShanghai } from "../lib/time.js";
import { receiveNews } from "./news.routes.js";
import * as news from "./news.service.js";

/** The page's address of a report file (the API's needs a token; pages go by session). */
const pageUrl = (file: { id: string }) => `/reports/files/${file.id}`;

/**
 * The reporter's phone pages (报送): `/reports/mine`, his unit's activities of the week with their due
 * times and where each report stands; `/reports/mine/:id`, the form that files or edits one.
 */
export function newsPages(ctx: AppContext): Router {
  const router = Router();

  router.get("/reports/mine", requireRole("reporter"), async (req, res) => {
    const mine = await news.myActivities(ctx, req.user!);
    res.render("reports/mine", {
      title: req.t("reports.news.mineTitle"),
      unitName: mine.unitName ?? req.user!.unit,
      noWeek: mine.noWeek,
      activities: mine.activities.map((a) => ({
        ...a,
        dueText: formatShanghai(a.dueAt, req.locale),
        whenText: formatShanghai(a.startsAt, req.locale),
      })),
    });
  });

  const formPage = async (req: Request, activityId: string) => {
    const { activity, dueAt, news: filed } = await news.newsForFiling(ctx, req.user!, activityId);
    return {
      title: activity.title,
      activity,
      dueText: formatShanghai(dueAt, req.locale),
      news: filed && {
        ...filed,
        images: filed.images.map((i) => ({ ...i, pageUrl: pageUrl(i) })),
        video: filed.video && { ...filed.video, pageUrl: pageUrl(filed.video) },
      },
      open: !activity.packageSubmitted,
      maxImages: news.MAX_NEWS_IMAGES,
    };
  };

  router.get("/reports/mine/:id", requireRole("reporter"), async (req, res) => {
    res.render("reports/news-form", await formPage(req, routeParam(req)));
  });

  // One form files the report or, once filed, edits it; the phone script sends it with a progress bar.
  router.post("/reports/mine/:id", requireRole("reporter"), async (req, res) => {
    const activityId = routeParam(req);
    const { news: filed } = await news.newsForFiling(ctx, req.user!, activityId);
    await (filed ? news.assertMayEdit : news.assertMayFile)(ctx, req.user!, activityId);
    await answerForm(
      req,
      res,
      {
        view: "reports/news-form",
        page: async ({ typed }) => ({ ...(await formPage(req, activityId)), values: typed, reselectFiles: true }),
      },
      async () => {
        const upload = await receiveNews(ctx, req, res);
        const answer = filed
          ? await news.editNews(ctx, req.user!, activityId, upload)
          : await news.fileNews(ctx, req.user!, activityId, upload);
        if (wantsJson(req)) {
          res.status(filed ? 200 : 201).json({ news: answer });
          return;
        }
        flash(req, "success", req.t(answer.late ? "reports.news.filedLate" : "reports.news.filed"));
        res.redirect(303, "/reports/mine");
      },
    );
  });

  return router;
}
