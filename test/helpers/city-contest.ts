import request from "supertest";
import { createActor, type Actor, type TestApp } from "./app.js";
import { openContest, submit, videoSubmission } from "./entries.js";
import { testMedia } from "./media.js";

/** One seeded entry: where it comes from and what happens to it. */
export interface SeededEntry {
  label: string;
  city: string;
  unit: string;
  /** The city whose coordinator recommends it. */
  recommendedBy?: string;
  withdrawn?: boolean;
  disqualified?: boolean;
  /** The one judge's score (recommended entries that stay submitted are ranked). */
  score?: number;
}

/**
 * The statistics' seeded contest: entries in three cities, one unit written two ways, some
 * recommended (one of those then withdrawn, one disqualified), some failing the format review, and the
 * ranked ones scored 40, 30, 20, 10 with one prize of each level.
 */
export const CITY_ENTRIES: SeededEntry[] = [
  { label: "A", city: "保定", unit: "保定市科技馆", recommendedBy: "保定", score: 40 },
  { label: "B", city: "保定", unit: "保定 市科技馆", recommendedBy: "保定", score: 30 },
  { label: "C", city: "保定", unit: "保定一中" },
  { label: "D", city: "石家庄", unit: "河北大学", recommendedBy: "石家庄", score: 20 },
  { label: "E", city: "石家庄", unit: "河北大学", recommendedBy: "石家庄", disqualified: true },
  { label: "F", city: "石家庄", unit: "石家庄二中", recommendedBy: "石家庄", withdrawn: true },
  { label: "G", city: "唐山", unit: "唐山科技馆", recommendedBy: "唐山", score: 10 },
  { label: "H", city: "唐山", unit: "唐山科技馆", disqualified: true },
];

export interface CityContest {
  contestId: string;
  admin: string;
  /** Entry id by label. */
  ids: Record<string, string>;
  coordinators: Record<string, Actor>;
}

/** The seeded contest taken through the real API into the notice (its snapshot published). */
export async function cityContest(app: TestApp, title = "2026 科普微视频大赛（统计）"): Promise<CityContest> {
  const media = await testMedia();
  const { id: contestId, admin } = await openContest(app, {
    title,
    judgesPerEntry: 1,
    rubric: { criteria: [{ key: "science", label: "科学性", max: 50, step: 1 }] },
    prizes: { mode: "count", first: 1, second: 1, third: 1 },
    rules: {
      maxEntriesPerAuthor: null,
      requiresRecommendation: true,
      recommendationQuota: 3,
      recommendationQuotas: { 保定: 2 },
    },
  });
  const call = async (token: string, method: "post" | "put" | "delete" | "get", path: string, body?: object) => {
    const res = await request(app.server)[method](path).set("Authorization", `Bearer ${token}`).send(body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  };
  const contestant = await createActor(app, "contestant", { city: "保定" });
  const coordinators: Record<string, Actor> = {};
  for (const city of ["保定", "石家庄", "唐山"]) coordinators[city] = await createActor(app, "coordinator", { city });
  const ids: Record<string, string> = {};
  for (const e of CITY_ENTRIES) {
    const res = await submit(
      app,
      contestId,
      contestant.token,
      videoSubmission(media, {
        fields: {
          title: `作品 ${e.label}`,
          city: e.city,
          unit: e.unit,
          authors: JSON.stringify([{ name: `作者${e.label}` }]),
        },
      }),
    );
    if (res.status !== 201) throw new Error(`submit ${e.label}: ${res.status} ${JSON.stringify(res.body)}`);
    ids[e.label] = res.body.entry.id as string;
  }
  for (const e of CITY_ENTRIES) {
    if (e.recommendedBy)
      await call(coordinators[e.recommendedBy].token, "post", `/api/v1/entries/${ids[e.label]}/recommend`);
    if (e.withdrawn) await call(contestant.token, "delete", `/api/v1/entries/${ids[e.label]}`);
    if (e.disqualified)
      await call(admin, "post", `/api/v1/entries/${ids[e.label]}/disqualify`, { reason: "视频分辨率不足 1080p" });
  }
  const judge = await createActor(app, "judge", { city: "承德", unit: "评审单位" });
  await call(admin, "put", `/api/v1/contests/${contestId}/judges`, { judgeIds: [judge.user.id] });
  await call(admin, "post", `/api/v1/contests/${contestId}/assignments/auto`, { seed: 1 });
  await call(admin, "post", `/api/v1/contests/${contestId}/stage`, { to: "closed" });
  await call(admin, "post", `/api/v1/contests/${contestId}/stage`, { to: "judging" });
  await call(judge.token, "post", `/api/v1/contests/${contestId}/declaration`, { accept: true });
  const queue = (await call(judge.token, "get", "/api/v1/me/assignments")).body.assignments as {
    id: string;
    entryId: string;
  }[];
  for (const a of queue) {
    const score = CITY_ENTRIES.find((e) => ids[e.label] === a.entryId)!.score!;
    await call(judge.token, "put", `/api/v1/assignments/${a.id}/score`, { scores: { science: score }, submit: true });
  }
  await call(admin, "post", `/api/v1/contests/${contestId}/stage`, { to: "review" });
  await call(admin, "post", `/api/v1/contests/${contestId}/stage`, { to: "notice" });
  return { contestId, admin, ids, coordinators };
}
