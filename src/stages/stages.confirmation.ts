import type { Request } from "express";
import { noticeEndsIfOpenedAt, type Contest } from "../contests/contests.service.js";
import { checkTransition, onEntering, type Stage } from "../contests/lifecycle.js";
import type { Confirmation } from "../http/confirm.js";
import { formatShanghai } from "../lib/time.js";

/**
 * What a stage move will do, said on its confirmation page before it is done (issue 10 item 5): the
 * closing time it rewrites, the notice window it opens, what it freezes for good. The move itself
 * has been checked (contests.service `assertMayMove`).
 */
export function stageConfirmation(
  req: Request,
  contest: Contest,
  to: Stage,
  now: Date,
  cancelHref: string,
): Confirmation {
  const at = (iso: string) => formatShanghai(iso, req.locale);
  const check = checkTransition(contest.stage, to);
  const forward = !check.ok || check.direction === "forward";
  const entering = onEntering(to, forward ? "forward" : "back");
  const closesLater = Date.parse(contest.closesAt) > now.getTime();
  const say = (key: string, params: Record<string, string | number> = {}) => req.t(`stageConfirm.${key}`, params);

  let consequences: string[];
  if (!forward) {
    consequences = entering.opensSubmissions
      ? [
          closesLater
            ? say("reopen", { closesAt: at(contest.closesAt) })
            : say("reopenPast", { closesAt: at(contest.closesAt) }),
        ]
      : [say(`back.${to}`)];
  } else if (entering.endsSubmissions) {
    consequences = [
      closesLater
        ? say("closeEarly", { closesAt: at(contest.closesAt) })
        : say("closeAfterDeadline", { closesAt: at(contest.closesAt) }),
    ];
  } else if (entering.opensNotice) {
    consequences = [
      say("notice", { days: contest.rules.noticeDays, endsAt: at(noticeEndsIfOpenedAt(contest, now)) }),
      say("noticePublic"),
      say("noticeNoReturn"),
    ];
  } else if (entering.opensSubmissions) {
    consequences = [say("open", { opensAt: at(contest.opensAt), closesAt: at(contest.closesAt) }), say("openPublic")];
  } else {
    consequences = [say(to)];
  }
  const title = forward ? say(`title.${to}`) : req.t("contests.moveBack", { stage: req.t(`stage.${to}`) });
  return { title, consequences, cancelHref };
}
