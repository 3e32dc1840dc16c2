import { expect } from "chai";
import fc from "fast-check";
import { safeNext } from "../../../src/http/forms.js";

/** Where a browser goes when the server answers `Location: next` on a page of this site. */
function browserTarget(next: string): URL {
  return new URL(next, "https://contest.example.org/login");
}

describe("safeNext: a redirect after login or a button stays on this site", () => {
  const offSite = [
    "//evil.example/x",
    "/\\evil.example/x",
    "\\/evil.example/x",
    "/\\/evil.example",
    "https://evil.example/x",
    "http:evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/\u0000/evil.example",
    " //evil.example",
    "evil.example",
    "",
  ];
  for (const next of offSite) {
    it(`refuses ${JSON.stringify(next)} for the fallback`, () => {
      expect(safeNext(next, "/home")).to.equal("/home");
    });
  }

  const onSite = [
    "/",
    "/contests",
    "/contests/abc?tab=entries&page=2",
    "/judge#queue",
    "/%5Cevil.example/x",
    "/%2F%2Fevil.example",
    "/search?q=//evil.example",
  ];
  for (const next of onSite) {
    it(`keeps ${JSON.stringify(next)}, which a browser resolves on this site`, () => {
      expect(safeNext(next, "/home")).to.equal(next);
      expect(browserTarget(next).origin).to.equal("https://contest.example.org");
    });
  }

  it("refuses whatever is not a string", () => {
    for (const next of [undefined, null, 1, ["/a"], { a: "/b" }]) expect(safeNext(next)).to.equal("/");
  });

  it("whatever it keeps, a browser resolves on this site (generated)", () => {
    const piece = fc.oneof(
      fc.constantFrom(
        "/",
        "\\",
        "//",
        ":",
        "@",
        "?",
        "#",
        "%5C",
        "%2F",
        ".",
        "..",
        "\t",
        "\n",
        "evil.example",
        "http:",
        "javascript:",
      ),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 8 }).map((parts) => parts.join("")),
        (next) => {
          const kept = safeNext(next, "/fallback");
          expect(browserTarget(kept).origin, JSON.stringify(next)).to.equal("https://contest.example.org");
        },
      ),
      { seed: 20261201, numRuns: 2000 },
    );
  });
});
