import { readdirSync } from "node:fs";
import path from "node:path";
import request from "supertest";
import { ADMIN, contestBody, createActor, tokenFor, type Actor, type TestApp } from "./app.js";
import { testMedia, type TestMedia } from "./media.js";

/** Every file under a folder (recursively), relative paths sorted: to assert UPLOAD_DIR is unchanged. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const item of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, item.name);
      if (item.isDirectory()) walk(full);
      else out.push(path.relative(dir, full));
    }
  };
  walk(dir);
  return out.sort();
}

/** An open contest made through the API by the organizer. */
export async function openContest(
  app: TestApp,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; admin: string }> {
  const admin = await tokenFor(app, ADMIN.email, ADMIN.password);
  const created = await request(app.server)
    .post("/api/v1/contests")
    .set("Authorization", `Bearer ${admin}`)
    .send(contestBody(overrides));
  if (created.status !== 201) throw new Error(`contest: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.contest.id as string;
  const opened = await request(app.server)
    .post(`/api/v1/contests/${id}/stage`)
    .set("Authorization", `Bearer ${admin}`)
    .send({ to: "open" });
  if (opened.status !== 200) throw new Error(`open: ${opened.status} ${JSON.stringify(opened.body)}`);
  return { id, admin };
}

export interface Submission {
  fields?: Record<string, string | undefined>;
  files?: Record<string, string | undefined>;
}

/** A video entry's fields and files; override or remove (undefined) any of them. */
export function videoSubmission(
  media: TestMedia,
  over: Submission = {},
): { fields: Record<string, string>; files: Record<string, string> } {
  const fields: Record<string, string | undefined> = {
    title: "病毒是怎样传播的",
    summary: "用动画讲解飞沫与接触传播。",
    category: "科学防控",
    city: "保定",
    unit: "保定市科技馆",
    authors: JSON.stringify([{ name: "李明", role: "编导" }, { name: "王芳" }]),
    declaration: "true",
    ...over.fields,
  };
  const files: Record<string, string | undefined> = {
    video: media.valid1080,
    form: media.formPdf,
    cover: media.coverPng,
    ...over.files,
  };
  const defined = <T>(o: Record<string, T | undefined>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, T>;
  return { fields: defined(fields), files: defined(files) };
}

/** POSTs a multipart entry as the given token. */
export function submit(
  app: TestApp,
  contestId: string,
  token: string | null,
  body: { fields: Record<string, string>; files: Record<string, string> },
) {
  let req = request(app.server).post(`/api/v1/contests/${contestId}/entries`);
  if (token) req = req.set("Authorization", `Bearer ${token}`);
  for (const [name, value] of Object.entries(body.fields)) req = req.field(name, value);
  for (const [role, file] of Object.entries(body.files)) req = req.attach(role, file);
  return req;
}

/** A fixture's API call that must succeed: anything else stops the test's setup, naming the step. */
export function check(res: request.Response, what: string): request.Response {
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

/** A new contestant of 保定 submits `count` entries through the API, the i-th videoSubmission's with `over(i)`. */
export async function submitEntries(
  app: TestApp,
  contestId: string,
  count: number,
  over: (i: number) => Submission,
): Promise<{ contestant: Actor; entries: { id: string; code: string }[] }> {
  const media = await testMedia();
  const contestant = await createActor(app, "contestant", { city: "保定" });
  const entries: { id: string; code: string }[] = [];
  for (let i = 0; i < count; i += 1) {
    const res = check(await submit(app, contestId, contestant.token, videoSubmission(media, over(i))), "submit");
    entries.push({ id: res.body.entry.id, code: res.body.entry.code });
  }
  return { contestant, entries };
}
