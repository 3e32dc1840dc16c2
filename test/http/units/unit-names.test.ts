import { expect } from "chai";
import fc from "fast-check";
import { ADMIN, as, startTestApp, tokenFor, type TestApp } from "../../helpers/app.js";

/**
 * One unit is one unit (DESIGN §3): names that differ only in full-width/half-width forms, case, spaces
 * or zero-width characters reach the same unit through the API; names that differ otherwise do not.
 * The reference key is written apart from src/lib/identity.ts, for the characters generated here.
 */
const NOISE = [" ", "\u3000", "\u00A0", "\u200B", "\u200D", "\uFEFF"];
const referenceKey = (name: string) =>
  [...name]
    .filter((ch) => !NOISE.includes(ch))
    .map((ch) => {
      const code = ch.codePointAt(0)!;
      return code >= 0xff01 && code <= 0xff5e ? String.fromCodePoint(code - 0xfee0) : ch;
    })
    .join("")
    .toLowerCase();

const base = fc
  .array(fc.constantFrom("河", "北", "科", "技", "学", "会", "A", "b", "Z", "1", "7", "-", "(", ")"), {
    minLength: 1,
    maxLength: 8,
  })
  .map((chars) => chars.join(""));

/** The same name typed differently: some characters full-width or in the other case, noise between them. */
const retyped = (name: string) =>
  fc
    .tuple(
      fc.array(fc.tuple(fc.boolean(), fc.boolean(), fc.constantFrom("", "", ...NOISE)), {
        minLength: name.length,
        maxLength: name.length,
      }),
      fc.constantFrom("", ...NOISE),
    )
    .map(([marks, lead]) =>
      [...name]
        .map((ch, i) => {
          const [wide, swapCase, noise] = marks[i];
          const cased = swapCase ? (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()) : ch;
          const code = cased.codePointAt(0)!;
          return (wide && code >= 0x21 && code <= 0x7e ? String.fromCodePoint(code + 0xfee0) : cased) + noise;
        })
        .reduce((text, ch) => text + ch, lead),
    );

describe("units: one unit per name, however typed (property, through the API)", () => {
  let app: TestApp;
  let admin: string;

  before(async () => {
    app = await startTestApp();
    admin = await tokenFor(app, ADMIN.email, ADMIN.password);
  });
  after(() => app.close());

  const unitId = async (name: string): Promise<string> => {
    const res = await as(app, admin).post("/api/v1/units", { name, city: "承德" });
    expect([200, 201], JSON.stringify(res.body)).to.include(res.status);
    return res.body.unit.id as string;
  };

  it("a name and its retyping are one unit; two names are one unit exactly when the reference keys agree", async () => {
    await fc.assert(
      fc.asyncProperty(
        base.chain((name) => fc.tuple(fc.constant(name), retyped(name))),
        base,
        async ([name, variant], other) => {
          expect(referenceKey(variant)).to.equal(referenceKey(name));
          const id = await unitId(name);
          expect(await unitId(variant), `${JSON.stringify(name)} vs ${JSON.stringify(variant)}`).to.equal(id);
          expect((await unitId(other)) === id).to.equal(referenceKey(other) === referenceKey(name));
        },
      ),
      { numRuns: 25 },
    );
  });
});
