import { Type } from "@sinclair/typebox";
import { expect } from "chai";
import { prizesSchema } from "../../../src/contests/prizes.js";
import { Const, LangParam, OneOf, StringEnum, StringMap } from "../../../src/lib/schema.js";
import { compile } from "../../../src/lib/validate.js";
import { ValidationError } from "../../../src/lib/errors.js";

/** The JSON ajv sees: TypeBox's symbol keys left out. */
const json = (schema: unknown) => JSON.parse(JSON.stringify(schema));

/** The ajv errors a value draws, as keyword@instancePath. */
function errorsOf(parse: (data: unknown) => unknown, data: unknown): string[] {
  try {
    parse(data);
    return [];
  } catch (err) {
    expect(err).to.be.instanceOf(ValidationError);
    const { schemaErrors } = (err as ValidationError).details as {
      schemaErrors: { keyword: string; instancePath: string }[];
    };
    return schemaErrors.map((e) => `${e.keyword}@${e.instancePath}`);
  }
}

describe("schema builders (lib/schema)", () => {
  it("write the JSON Schema keywords clients' errors come from, not TypeBox's own spelling", () => {
    expect(json(StringEnum(["a", "b"]))).to.deep.equal({ type: "string", enum: ["a", "b"] });
    expect(json(Const(true))).to.deep.equal({ const: true });
    expect(json(OneOf([Type.Integer(), Type.Null()]))).to.deep.equal({
      oneOf: [{ type: "integer" }, { type: "null" }],
    });
    expect(json(StringMap(Type.Integer(), { maxProperties: 2 }))).to.deep.equal({
      maxProperties: 2,
      type: "object",
      additionalProperties: { type: "integer" },
    });
    expect(json(Type.Object({ lang: LangParam }))).to.deep.equal({ type: "object", properties: { lang: {} } });
  });

  it("a string outside the list draws one enum error, a wrong constant one const error", () => {
    const parse = compile(
      Type.Object({ kind: StringEnum(["a", "b"]), accept: Const(true) }, { additionalProperties: false }),
    );
    expect(errorsOf(parse, { kind: "c", accept: "yes" })).to.deep.equal(["enum@/kind", "const@/accept"]);
    expect(parse({ kind: "a", accept: true })).to.deep.equal({ kind: "a", accept: true });
  });

  it("prizes are a oneOf on the mode: an unknown mode fails both branches and the oneOf itself", () => {
    const parse = compile(prizesSchema);
    expect(errorsOf(parse, { mode: "ratio", first: 0.1, second: 0.2, third: 0.3 })).to.deep.equal([]);
    expect(errorsOf(parse, { mode: "count", first: 1, second: 2, third: 3 })).to.deep.equal([]);
    expect(errorsOf(parse, { mode: "share", first: 0, second: 0, third: 0 })).to.deep.equal([
      "const@/mode",
      "const@/mode",
      "oneOf@",
    ]);
  });

  it("a map refuses values of the wrong schema and keys its propertyNames refuse", () => {
    const parse = compile(StringMap(Type.Integer({ minimum: 0 }), { propertyNames: { maxLength: 3 } }));
    expect(errorsOf(parse, { abc: 1 })).to.deep.equal([]);
    expect(errorsOf(parse, { abc: -1, abcd: 1 })).to.deep.equal(["maxLength@", "propertyNames@", "minimum@/abc"]);
  });
});
