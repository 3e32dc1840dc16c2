import { expect } from "chai";
import fc from "fast-check";
import { decodeScores, encodeScores, scoreKeysOf } from "../../../src/judging/score-values.js";

const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,9}$/);
// Any finite number a sheet's JSON can hold: steps of 0.5 and 0.1, float noise, tiny and huge values.
const value = fc.oneof(
  fc.integer({ min: 0, max: 100 }).map((n) => n / 2),
  fc.integer({ min: 0, max: 1000 }).map((n) => n / 10),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

describe("judging: the compact form of a sheet's scores", () => {
  it("says exactly what the sheet's JSON says, for any keys and finite values", () => {
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 8 }), (scores) => {
        const { keys, values } = encodeScores(scores);
        const sortedKeys = JSON.parse(keys) as string[];
        expect(keys).to.equal(scoreKeysOf(Object.keys(scores)));
        const json = JSON.parse(JSON.stringify(scores)) as Record<string, number>;
        const decoded = decodeScores(values, sortedKeys);
        expect(decoded).to.deep.equal(json);
        for (const k of sortedKeys) expect(Object.is(decoded[k], json[k]), k).to.equal(true);
      }),
    );
  });

  it("names the keys in one order whatever order the sheet gave them in", () => {
    expect(encodeScores({ b: 1, a: 2.5 })).to.deep.equal({ keys: '["a","b"]', values: "2.5 1" });
    expect(scoreKeysOf(["b", "a"])).to.equal(scoreKeysOf(["a", "b"]));
    expect(encodeScores({})).to.deep.equal({ keys: "[]", values: "" });
    expect(decodeScores("", [])).to.deep.equal({});
  });
});
