import { expect } from "chai";
import type { Knex } from "knex";
import request from "supertest";
import { migrations } from "../../../migrations/index.js";
import { migrateLatest } from "../../../src/db/migrate.js";
import { createActor, startTestApp, type TestApp } from "../../helpers/app.js";
import { openContest, submit, videoSubmission } from "../../helpers/entries.js";
import { testMedia } from "../../helpers/media.js";

const source: Knex.MigrationSource<string> = {
  getMigrations: () => Promise.resolve(Object.keys(migrations)),
  getMigrationName: (name) => name,
  getMigration: (name) => Promise.resolve(migrations[name]),
};

/** The Trust issue's migrations (items 3 and 4) on data written before them: down, then up again. */
describe("migrations: recommended city and identity keys", () => {
  let app: TestApp;
  let invisible: string;
  let recommended: string;

  before(async function () {
    this.timeout(120_000);
    const media = await testMedia();
    app = await startTestApp();
    const owner = await createActor(app, "contestant", { city: "保定" });
    const coordinator = await createActor(app, "coordinator", { city: "保定" });
    const contest = await openContest(app, { rules: { requiresRecommendation: true, maxEntriesPerAuthor: null } });
    const entry = (fields: Record<string, string>) =>
      submit(app, contest.id, owner.token, videoSubmission(media, { fields })).then((r) => r.body.entry.id as string);
    invisible = await entry({ unit: "河北\u200B大学", authors: JSON.stringify([{ name: "李\u200F明" }]) });
    recommended = await entry({});
    const res = await request(app.server)
      .post(`/api/v1/entries/${recommended}/recommend`)
      .set("Authorization", `Bearer ${coordinator.token}`);
    expect(res.status).to.equal(200);
  });
  after(() => app.close());

  it("down gives back the old keys and columns; up recomputes the keys and fills the recommending city", async () => {
    // Back to before these two, whatever later migrations were added since.
    const ours = ["20261201132000_entry-recommended-city", "20261201132010_entry-identity-keys"];
    const applied = async () => (await app.db("knex_migrations").select("name")).map((r: { name: string }) => r.name);
    while ((await applied()).includes(ours[0])) await app.db.migrate.down({ migrationSource: source });
    const old = await app.db("entries").where({ id: invisible }).first();
    expect(old).to.include({ unit_key: "河北\u200B大学", first_author_key: "李\u200F明" });
    expect(old).not.to.have.property("recommended_city");

    expect((await migrateLatest(app.db)).slice(0, 2)).to.deep.equal(ours);
    expect(await app.db("entries").where({ id: invisible }).first()).to.include({
      unit_key: "河北大学",
      first_author_key: "李明",
      recommended_city: null,
    });
    expect(await app.db("entries").where({ id: recommended }).first()).to.include({ recommended_city: "保定" });
  });
});
