import request from "supertest";
import { as, createActor, type Actor, type TestApp } from "./app.js";
import { check, openContest, submitEntries } from "./entries.js";

export interface JudgedContest {
  contestId: string;
  admin: string;
  contestant: Actor;
  judges: Actor[];
  entries: { id: string; code: string }[];
}

type Sheet = Record<string, number> | null;

/**
 * A contest taken through the real API into judging with every sheet given: `sheets[e][j]` is judge
 * j's scores for entry e (null: left unscored). Every judge is assigned every entry.
 */
export async function judgedContest(
  app: TestApp,
  options: { contest?: Record<string, unknown>; sheets: Sheet[][] },
): Promise<JudgedContest> {
  const judgeCount = options.sheets[0].length;
  const { id: contestId, admin } = await openContest(app, {
    judgesPerEntry: judgeCount,
    rules: { maxEntriesPerAuthor: null },
    ...options.contest,
  });
  const { contestant, entries } = await submitEntries(app, contestId, options.sheets.length, (i) => ({
    fields: { title: `作品 ${i + 1}`, unit: `参赛单位 ${i + 1}`, authors: JSON.stringify([{ name: `作者 ${i + 1}` }]) },
  }));
  const judges: Actor[] = [];
  for (let j = 0; j < judgeCount; j += 1)
    judges.push(await createActor(app, "judge", { unit: `评审单位 ${j + 1}`, city: "石家庄" }));
  check(
    await as(app, admin).put(`/api/v1/contests/${contestId}/judges`, { judgeIds: judges.map((j) => j.user.id) }),
    "pool",
  );
  check(await as(app, admin).post(`/api/v1/contests/${contestId}/assignments/auto`, { seed: 1 }), "assign");
  check(await as(app, admin).post(`/api/v1/contests/${contestId}/stage`, { to: "closed" }), "close");
  check(await as(app, admin).post(`/api/v1/contests/${contestId}/stage`, { to: "judging" }), "judging");
  for (const [j, judge] of judges.entries()) {
    check(
      await as(app, judge.token).post(`/api/v1/contests/${contestId}/declaration`, { accept: true }),
      "declaration",
    );
    const queue = check(await as(app, judge.token).get("/api/v1/me/assignments"), "queue").body.assignments as {
      id: string;
      entryId: string;
    }[];
    for (const [e, entry] of entries.entries()) {
      const scores = options.sheets[e][j];
      if (!scores) continue;
      const assignment = queue.find((a) => a.entryId === entry.id)!;
      check(
        await as(app, judge.token).put(`/api/v1/assignments/${assignment.id}/score`, { scores, submit: true }),
        "score",
      );
    }
  }
  return { contestId, admin, contestant, judges, entries };
}

/** review → notice through the API; answers the published snapshot's text (downloaded) and its SHA-256. */
export async function publishNotice(
  app: TestApp,
  c: Pick<JudgedContest, "contestId" | "admin">,
): Promise<{ text: string; sha256: string; url: string }> {
  for (const to of ["review", "notice"]) {
    const res = await request(app.server)
      .post(`/api/v1/contests/${c.contestId}/stage`)
      .set("Authorization", `Bearer ${c.admin}`)
      .send({ to });
    if (res.status !== 200) throw new Error(`stage ${to}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const pub = await request(app.server).get(`/api/v1/contests/${c.contestId}/results`);
  if (pub.status !== 200) throw new Error(`results: ${pub.status}`);
  const url = `/api/v1/contests/${c.contestId}/results/snapshots/1`;
  const file = await request(app.server)
    .get(url)
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => cb(null, Buffer.concat(chunks)));
    });
  if (file.status !== 200) throw new Error(`snapshot: ${file.status}`);
  return { text: (file.body as Buffer).toString("utf8"), sha256: pub.body.snapshotHash as string, url };
}
