import { as, createActor, type Actor, type TestApp } from "./app.js";
import { check, openContest, submitEntries } from "./entries.js";

export { as } from "./app.js";

export interface LiveContest {
  contestId: string;
  /** The organizer's token. */
  admin: string;
  /** The panel, in the order they were created: 评审专家1, 评审专家2, … */
  judges: Actor[];
  /** The finalists, in submission order (codes ascending); `performer` is the first author. */
  entries: { id: string; code: string; title: string; performer: string }[];
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
  const { id: contestId, admin } = await openContest(app, {
    kind: "explainer",
    title: "全省科普讲解大赛",
    ...options.contest,
  });
  const performer = (i: number) => `选手${i + 1}`;
  const title = (i: number) => `讲解 ${i + 1}`;
  const submitted = await submitEntries(app, contestId, options.finalists, (i) => ({
    fields: { title: title(i), unit: `参赛单位 ${i + 1}`, authors: JSON.stringify([{ name: performer(i) }]) },
    files: { video: undefined, cover: undefined },
  }));
  const entries = submitted.entries.map((e, i) => ({ ...e, title: title(i), performer: performer(i) }));
  const judges: Actor[] = [];
  for (let j = 0; j < options.judges; j += 1)
    judges.push(
      await createActor(app, "judge", { name: `评审专家${j + 1}`, unit: `评审单位 ${j + 1}`, city: "石家庄" }),
    );
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

/**
 * A liveContest (every judge declared, judgesPerEntry the panel's size) with its live final started
 * through the API: by default 2 finalists, 3 judges, ONE_SEGMENT and seed 7.
 */
export async function startedLiveFinal(
  app: TestApp,
  options: { finalists?: number; judges?: number; segments?: object[]; seed?: number } = {},
): Promise<LiveContest> {
  const judges = options.judges ?? 3;
  const contest = await liveContest(app, {
    finalists: options.finalists ?? 2,
    judges,
    contest: { judgesPerEntry: judges },
  });
  check(
    await as(app, contest.admin).post(`/api/v1/contests/${contest.contestId}/live`, {
      segments: options.segments ?? ONE_SEGMENT,
      seed: options.seed ?? 7,
    }),
    "live start",
  );
  return contest;
}

/** A judge's submitted sheet of the current finalist and segment, through the API of `base` (any process's). */
export async function submitCurrent(
  base: string,
  contestId: string,
  token: string,
  scores: Record<string, number> = { content: 8 },
): Promise<void> {
  const state = (await (await fetch(`${base}/api/v1/contests/${contestId}/live`)).json()) as {
    live: { current: { entryId: string; segment: string } };
  };
  const res = await fetch(`${base}/api/v1/contests/${contestId}/live/score`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({
      entryId: state.live.current.entryId,
      segment: state.live.current.segment,
      scores,
      submit: true,
    }),
  });
  if (res.status !== 200) throw new Error(`live score: ${res.status} ${await res.text()}`);
}
