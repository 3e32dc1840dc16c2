import { expect } from "chai";
import fc from "fast-check";
import { identityKey, sameIdentity } from "../../../src/lib/identity.js";

/** Every format character (\p{Cf}) and every whitespace character Unicode has: what an attacker may slip in. */
const IGNORABLE: string[] = [];
for (let cp = 0; cp <= 0x10ffff; cp++) {
  if (cp >= 0xd800 && cp <= 0xdfff) continue;
  const ch = String.fromCodePoint(cp);
  if (/[\p{Cf}\s]/u.test(ch)) IGNORABLE.push(ch);
}

/** Text as code points (never a lone surrogate half), mixing everything with the scripts of our names. */
const text = fc.array(
  fc.oneof(
    fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
    fc.constantFrom(..."河北大学唐山保定ＡＢＣａｂｃABCabc é¨ﬁ①　 İΣς"),
    fc.constantFrom(...IGNORABLE),
  ),
  { maxLength: 12 },
);

describe("identityKey (lib/identity)", () => {
  it("reduces what the Trust review used to dodge conflicts and limits to the plain name", () => {
    const plain = identityKey("河北大学");
    for (const dodge of [
      "河北\u200B大学", // zero-width space
      "河北\u00A0大学", // no-break space
      "河北\u3000大学", // ideographic space
      "\uFEFF河北大学", // BOM
      "河北大学\u200F", // right-to-left mark
      "河\u202E北大学", // right-to-left override
      "河北\u2060大学", // word joiner
      "河北\u00AD大学", // soft hyphen
      "河北\uFE0F大学", // variation selector
      " 河北 大学 ",
    ])
      expect(identityKey(dodge), JSON.stringify(dodge)).to.equal(plain);
    expect(identityKey("ＨＥＢＥＩ Ｕｎｉｖｅｒｓｉｔｙ")).to.equal("hebeiuniversity");
    expect(identityKey("Li\u200BMing")).to.equal(identityKey("liming"));
    expect(identityKey("\u200B\u200F \uFEFF")).to.equal("");
    // Case is folded a character at a time: a final sigma is a sigma wherever it stands (found by the NFKC property).
    expect(identityKey("a¨Σ")).to.equal(identityKey("a¨Σ".normalize("NFKC")));
    expect(identityKey("ΟΔΟΣ")).to.equal(identityKey("οδος"));
    expect(identityKey("Straße")).to.equal(identityKey("STRASSE"));
  });

  it("sameIdentity: equal keys match; nothing visible matches nothing", () => {
    expect(sameIdentity("河北大学", "河北\u200B大学")).to.equal(true);
    expect(sameIdentity("河北大学", "河北师范大学")).to.equal(false);
    expect(sameIdentity("\u200B", "\u200B")).to.equal(false);
    expect(sameIdentity(null, "x")).to.equal(false);
  });

  it("is idempotent", () => {
    fc.assert(
      fc.property(text, (cps) => {
        const key = identityKey(cps.join(""));
        expect(identityKey(key)).to.equal(key);
      }),
      { numRuns: Number(process.env.IDENTITY_RUNS) || 2000 },
    );
  });

  it("does not change when format characters or whitespace are inserted anywhere", () => {
    fc.assert(
      fc.property(
        text,
        fc.array(fc.tuple(fc.nat(), fc.array(fc.constantFrom(...IGNORABLE), { minLength: 1, maxLength: 3 })), {
          maxLength: 4,
        }),
        (cps, insertions) => {
          const dodged = [...cps];
          for (const [at, chars] of insertions) dodged.splice(at % (dodged.length + 1), 0, ...chars);
          expect(identityKey(dodged.join(""))).to.equal(identityKey(cps.join("")));
        },
      ),
      { numRuns: Number(process.env.IDENTITY_RUNS) || 2000 },
    );
  });

  it("maps strings with the same NFKC (or NFC, NFD, NFKD) form to the same key", () => {
    fc.assert(
      fc.property(text, (cps) => {
        const s = cps.join("");
        const key = identityKey(s);
        for (const form of ["NFC", "NFD", "NFKC", "NFKD"] as const)
          expect(identityKey(s.normalize(form))).to.equal(key);
      }),
      { numRuns: Number(process.env.IDENTITY_RUNS) || 2000 },
    );
  });

  it("folds Latin case", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme-ascii" }), (s) => {
        expect(identityKey(s.toUpperCase())).to.equal(identityKey(s.toLowerCase()));
      }),
    );
  });
});
