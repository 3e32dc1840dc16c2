import type { TestApp } from "./app.js";
import { as, liveContest, type LiveContest } from "./live.js";

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
  const res = await as(app, contest.admin).post(`/api/v1/contests/${contest.contestId}/live`, {
    segments: ONE_SEGMENT,
    seed: 7,
  });
  if (res.status >= 300) throw new Error(`live start: ${res.status} ${JSON.stringify(res.body)}`);
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
