import request from "supertest";
import { createActor, type Actor, type TestApp } from "./app.js";
import { openContest, submit, videoSubmission } from "./entries.js";
import { testMedia } from "./media.js";

export interface LiveContest {
  contestId: string;
  /** The organizer's token. */
  admin: string;
  /** The panel, in the order they were created. */
  judges: Actor[];
  /** The finalists, in submission order (codes ascending); `performer` is the first author. */
  entries: { id: string; code: string; title: string; performer: string }[];
}

/** Bearer-token calls of one actor through the real API. */
export function as(app: TestApp, token: string | null) {
  const auth = (req: request.Test) => (token ? req.set("Authorization", `Bearer ${token}`) : req);
  return {
    get: (path: string) => auth(request(app.server).get(path)),
    post: (path: string, body?: object) => auth(request(app.server).post(path)).send(body),
    put: (path: string, body?: object) => auth(request(app.server).put(path)).send(body),
  };
}

/**
 * An explainer (or experiment) contest taken through the real API into judging, ready to run live:
 * `finalists` entries of one contestant, a panel of `judges` who accepted the declaration (all but
 * those listed in `undeclared`), no live final yet.
 */
export async function liveContest(
  app: TestApp,
  options: { finalists: number; judges: number; undeclared?: number[]; contest?: Record<string, unknown> },
): Promise<LiveContest> {
  const media = await testMedia();
  const { id: contestId, admin } = await openContest(app, {
    kind: "explainer",
    title: "全省科普讲解大赛",
    ...options.contest,
  });
  const check = (res: request.Response, what: string) => {
    if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  };
  const contestant = await createActor(app, "contestant", { city: "保定" });
  const entries: LiveContest["entries"] = [];
  for (let i = 0; i < options.finalists; i += 1) {
    const performer = `选手${i + 1}`;
    const res = check(
      await submit(
        app,
        contestId,
        contestant.token,
        videoSubmission(media, {
          fields: {
            title: `讲解 ${i + 1}`,
            unit: `参赛单位 ${i + 1}`,
            authors: JSON.stringify([{ name: performer }]),
          },
          files: { video: undefined, cover: undefined },
        }),
      ),
      "submit",
    );
    entries.push({ id: res.body.entry.id, code: res.body.entry.code, title: `讲解 ${i + 1}`, performer });
  }
  const judges: Actor[] = [];
  for (let j = 0; j < options.judges; j += 1)
    judges.push(await createActor(app, "judge", { unit: `评审单位 ${j + 1}`, city: "石家庄" }));
  const org = as(app, admin);
  check(await org.put(`/api/v1/contests/${contestId}/judges`, { judgeIds: judges.map((j) => j.user.id) }), "pool");
  check(await org.post(`/api/v1/contests/${contestId}/stage`, { to: "closed" }), "close");
  check(await org.post(`/api/v1/contests/${contestId}/stage`, { to: "judging" }), "judging");
  for (const [j, judge] of judges.entries())
    if (!options.undeclared?.includes(j))
      check(
        await as(app, judge.token).post(`/api/v1/contests/${contestId}/declaration`, { accept: true }),
        "declaration",
      );
  return { contestId, admin, judges, entries };
}
