import { expect } from "chai";
import request from "supertest";
import { ADMIN, snapshot, startTestApp, tokenFor, type TestApp } from "../../helpers/app.js";

/**
 * Text that arrives inside a file (a roster) is not seen by the path, query and JSON checks; a NUL in
 * it must still be refused alike on PostgreSQL (which refuses NUL in text) and on SQLite.
 */
describe("a NUL inside an uploaded roster: refused, never a 5xx, on either database", () => {
  let app: TestApp;
  let admin: string;
  before(async () => {
    app = await startTestApp();
    admin = await tokenFor(app, ADMIN.email, ADMIN.password);
  });
  after(() => app.close());

  for (const [what, name] of [
    ["in a name", "周\u0000杰"],
    ["alone as a name", "\u0000"],
  ] as const) {
    it(`a roster with NUL ${what} imports nothing, and the answer is not a 5xx`, async () => {
      const csv = Buffer.from(`\ufeff姓名,邮箱,单位,城市\n${name},nul.row@example.org,河北师范大学,石家庄\n`, "utf8");
      const before = await snapshot(app.db);
      const res = await request(app.server)
        .post("/api/v1/users/import")
        .set("Authorization", `Bearer ${admin}`)
        .attach("file", csv, "roster.csv");
      expect(res.status, res.text.slice(0, 300)).to.be.below(500);
      if (res.status === 200) {
        expect(res.body.imported, JSON.stringify(res.body)).to.equal(0);
      } else {
        expect(res.body.error.code).to.be.a("string");
      }
      expect(await app.db("users").where({ email: "nul.row@example.org" }).first()).to.equal(undefined);
      expect((await snapshot(app.db)).users).to.deep.equal(before.users);
    });
  }
});
