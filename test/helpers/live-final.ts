import request from "supertest";
import { createActor, type Actor, type TestApp } from "./app.js";
import { openContest, submit } from "./entries.js";
import { liveContest, type LiveContest } from "./live.js";
import { testMedia } from "./media.js";

/** One short segment with a one-criterion rubric: enough to make the changes viewers must see. */
const ONE_SEGMENT = [
  {
    key: "talk",
    label: "讲解",
    weight: 1,
    seconds: 60,
    rubric: { criteria: [{ key: "content", label: "内容", max: 10, step: 1 }] },
  },
];

/** A contest in judging with `finalists` entries and `judges` declared judges, its live final started through the API. */
export async function startedLiveFinal(app: TestApp, finalists = 2, judges = 3): Promise<LiveContest> {
  const contest = await liveContest(app, { finalists, judges });
  check(
    await as(app, contest.admin).post(`/api/v1/contests/${contest.contestId}/live`, { segments: ONE_SEGMENT, seed: 7 }),
    "live start",
  );
  return contest;
}

/** A judge's submitted sheet of the current finalist and segment, through the API of `base`. */
export async function submitCurrent(base: string, contestId: string, token: string, content = 8): Promise<void> {
  const state = (await (await fetch(`${base}/api/v1/contests/${contestId}/live`)).json()) as {
    live: { current: { entryId: string; segment: string } };
  };
  const res = await fetch(`${base}/api/v1/contests/${contestId}/live/score`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({
      entryId: state.live.current.entryId,
      segment: state.live.current.segment,
      scores: { content },
      submit: true,
    }),
  });
  if (res.status !== 200) throw new Error(`live score: ${res.status} ${await res.text()}`);
}

/** Two segments: a 4-minute talk (the explainer's time rules) and an untimed Q&A with its own rubric. */
export const TWO_SEGMENTS = [
  {
    key: "talk",
    label: "自主命题",
    weight: 0.6,
    seconds: 240,
    rubric: {
      criteria: [
        { key: "accuracy", label: "科学准确", max: 40, step: 1 },
        { key: "novelty", label: "内容新颖", max: 30, step: 1 },
        { key: "bearing", label: "仪态形象", max: 20, step: 1 },
        { key: "expression", label: "语言表达", max: 10, step: 1 },
      ],
    },
  },
  {
    key: "qa",
    label: "评委问答",
    weight: 0.4,
    rubric: { criteria: [{ key: "answer", label: "回答质量", max: 100, step: 1 }] },
  },
];

export interface LiveFinal {
  contestId: string;
  /** The organizer's API token. */
  admin: string;
  judges: Actor[];
  /** The finalists, in submission order, with their performers' names. */
  entries: { id: string; code: string; performer: string }[];
}

const as = (app: TestApp, token: string) => ({
  post: (path: string, body?: object) =>
    request(app.server).post(path).set("Authorization", `Bearer ${token}`).send(body),
  put: (path: string, body?: object) =>
    request(app.server).put(path).set("Authorization", `Bearer ${token}`).send(body),
  get: (path: string) => request(app.server).get(path).set("Authorization", `Bearer ${token}`),
});

function check(res: request.Response, what: string): request.Response {
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

/**
 * An explainer contest taken through the real API into judging, with `finalists` entries, a panel of
 * `judges` who have signed the declaration and, unless `start` is false, its live final started with
 * TWO_SEGMENTS and seed 1.
 */
export async function liveFinal(
  app: TestApp,
  options: { finalists?: number; judges?: number; start?: boolean } = {},
): Promise<LiveFinal> {
  const media = await testMedia();
  const judgeCount = options.judges ?? 5;
  const { id: contestId, admin } = await openContest(app, {
    kind: "explainer",
    title: "2026 全省科普讲解大赛",
    judgesPerEntry: judgeCount,
    rules: { maxEntriesPerAuthor: null },
  });
  const contestant = await createActor(app, "contestant", { city: "保定" });
  const entries: LiveFinal["entries"] = [];
  for (let i = 1; i <= (options.finalists ?? 3); i += 1) {
    const performer = `选手${i}号`;
    const fields = {
      title: `讲解 ${i}`,
      summary: "科普讲解",
      category: "科学防控",
      city: "保定",
      unit: `参赛单位 ${i}`,
      authors: JSON.stringify([{ name: performer }]),
      declaration: "true",
    };
    const res = check(
      await submit(app, contestId, contestant.token, { fields, files: { form: media.formPdf } }),
      "submit",
    );
    entries.push({ id: res.body.entry.id, code: res.body.entry.code, performer });
  }
  const judges: Actor[] = [];
  for (let j = 1; j <= judgeCount; j += 1)
    judges.push(await createActor(app, "judge", { name: `评审专家${j}`, unit: `评审单位 ${j}` }));
  const api = as(app, admin);
  check(await api.put(`/api/v1/contests/${contestId}/judges`, { judgeIds: judges.map((j) => j.user.id) }), "pool");
  check(await api.post(`/api/v1/contests/${contestId}/stage`, { to: "closed" }), "close");
  check(await api.post(`/api/v1/contests/${contestId}/stage`, { to: "judging" }), "judging");
  for (const judge of judges)
    check(
      await as(app, judge.token).post(`/api/v1/contests/${contestId}/declaration`, { accept: true }),
      "declaration",
    );
  if (options.start !== false)
    check(await api.post(`/api/v1/contests/${contestId}/live`, { segments: TWO_SEGMENTS, seed: 1 }), "start");
  return { contestId, admin, judges, entries };
}

/** A panel judge submits his sheet of the current finalist and segment through the API. */
export async function submitLiveSheet(
  app: TestApp,
  live: LiveFinal,
  judge: Actor,
  scores: Record<string, number>,
): Promise<request.Response> {
  const api = as(app, judge.token);
  const state = check(await api.get(`/api/v1/contests/${live.contestId}/live`), "state").body.live;
  return check(
    await api.put(`/api/v1/contests/${live.contestId}/live/score`, {
      entryId: state.current.entryId,
      segment: state.current.segment,
      scores,
      submit: true,
    }),
    "score",
  );
}
