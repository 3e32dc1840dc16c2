import { expect } from "chai";
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { MetadataTools } from "../../../src/config.js";
import { AnonymizeError, anonymizeFile } from "../../../src/media/anonymize.js";
import { detectContentType, type ContentType } from "../../../src/media/content-type.js";
import { probeVideo } from "../../../src/media/probe.js";
import { testMedia } from "../../helpers/media.js";
import {
  brokenPdf,
  carries,
  DOCX_TEXT,
  docxNamingAuthor,
  durations,
  exiftoolTags,
  gpsTags,
  jpegNamingAuthor,
  NAMES,
  pdfNamingAuthor,
  pngNamingAuthor,
  pptxNamingAuthor,
  scratchDir,
  tagsNaming,
  videoNamingAuthor,
  xmlText,
} from "../../helpers/metadata.js";

const run = promisify(execFile);

// Debian's tools, as the server runs them by default.
const TOOLS: MetadataTools = {
  mat2: "/usr/bin/mat2",
  exiftool: "/usr/bin/exiftool",
  qpdf: "/usr/bin/qpdf",
  ffmpeg: "/usr/bin/ffmpeg",
};
const FFPROBE = "/usr/bin/ffprobe";

describe("media/anonymize: the judges' copy keeps the work and drops who made it", function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = scratchDir();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  let n = 0;
  /** The copy of a file stored as storage stores it: under a random name without an extension. */
  async function anonymized(type: ContentType, input: string): Promise<string> {
    n += 1;
    const stored = path.join(dir, randomUUID());
    copyFileSync(input, stored);
    const output = path.join(dir, `blind-${n}`);
    await anonymizeFile(TOOLS, type, stored, output);
    return output;
  }

  /** The original names the author (so the test means something) and the copy does not, in its bytes or to exiftool. */
  async function expectNamesGone(original: string, copy: string): Promise<void> {
    expect(await tagsNaming(original), "the original's metadata names the author").to.have.length.above(0);
    expect(await tagsNaming(copy), "exiftool on the copy").to.deep.equal([]);
    const bytes = readFileSync(copy);
    for (const name of NAMES) expect(carries(bytes, name), `the copy's bytes carry ${name}`).to.equal(false);
    expect(
      readdirSync(dir).filter((f) => f.endsWith(".work")),
      "work folders left",
    ).to.deep.equal([]);
  }

  it("a PDF: the Info dictionary and XMP are gone for good (not an incremental update), the page stays", async () => {
    const original = await pdfNamingAuthor(dir);
    expect(carries(readFileSync(original), "张三")).to.equal(true);
    const copy = await anonymized("pdf", original);
    await expectNamesGone(original, copy);
    expect((await detectContentType(copy)).type).to.equal("pdf");
    const { stdout } = await run(TOOLS.qpdf, ["--check", copy]);
    expect(stdout).to.include("No syntax or stream encoding errors");
    expect((await exiftoolTags(copy))["PDF:PageCount"]).to.equal(1);
  });

  it("a damaged PDF that readers still open (no cross-reference table) is rebuilt from its pages", async () => {
    const copy = await anonymized("pdf", (await testMedia()).formPdf);
    const { stdout } = await run(TOOLS.qpdf, ["--check", copy]);
    expect(stdout).to.include("No syntax or stream encoding errors");
    expect((await exiftoolTags(copy))["PDF:PageCount"]).to.equal(1);
  });

  it("a JPEG: EXIF (artist, GPS), XMP, IPTC and the comment are gone, the orientation is kept", async () => {
    const original = await jpegNamingAuthor(dir);
    expect(await gpsTags(original)).to.have.length.above(0);
    const copy = await anonymized("jpeg", original);
    await expectNamesGone(original, copy);
    expect(await gpsTags(copy)).to.deep.equal([]);
    const tags = await exiftoolTags(copy);
    expect(tags["IFD0:Orientation"]).to.equal(6);
    expect(tags["File:ImageWidth"]).to.equal(320);
  });

  it("a PNG: text chunks and XMP are gone", async () => {
    const original = await pngNamingAuthor(dir);
    const copy = await anonymized("png", original);
    await expectNamesGone(original, copy);
    expect((await detectContentType(copy)).type).to.equal("png");
  });

  it("a DOCX: docProps no longer name the creator, last editor, company or manager; the text stays", async () => {
    const original = docxNamingAuthor(dir);
    const copy = await anonymized("docx", original);
    await expectNamesGone(original, copy);
    expect((await detectContentType(copy)).type).to.equal("docx");
    const { stdout } = await run("unzip", ["-p", copy, "word/document.xml"]);
    expect(xmlText(stdout)).to.include(DOCX_TEXT);
  });

  it("a PPTX: docProps no longer name the author", async () => {
    const original = pptxNamingAuthor(dir);
    const copy = await anonymized("pptx", original);
    await expectNamesGone(original, copy);
  });

  for (const format of ["mp4", "mov"] as const) {
    it(`an ${format.toUpperCase()}: title, artist, comment, location, handler and encoder tags are gone; it plays as long as before`, async () => {
      const original = await videoNamingAuthor((await testMedia()).valid1080, dir, format);
      expect(await gpsTags(original)).to.have.length.above(0);
      const copy = await anonymized(format, original);
      await expectNamesGone(original, copy);
      expect(await gpsTags(copy)).to.deep.equal([]);
      expect(Object.keys(await exiftoolTags(copy)).filter((k) => /Encoder|Title|Artist|Comment/.test(k))).to.deep.equal(
        [],
      );
      // Every stream lasts exactly as long; the container may end one AAC frame earlier (1024 samples of the
      // test's 8 kHz sound: 0.128 s) where the original's muxer padded it.
      const before = await durations(FFPROBE, original);
      const after = await durations(FFPROBE, copy);
      expect(after.streams).to.deep.equal(before.streams);
      expect(after.format).to.be.closeTo(before.format, 0.13);
      const probed = await probeVideo({ ffprobePath: FFPROBE, ffprobeMaxParallel: 1, ffprobeTimeoutMs: 60_000 }, copy);
      expect(probed).to.include({ width: 1920, height: 1080, videoCodec: "h264", audioCodec: "aac" });
      expect((await detectContentType(copy)).type).to.equal(format);
    });
  }

  /** The top-level box types of an MP4, in file order (a 64-bit size when the 32-bit one is 1). */
  function topLevelBoxes(file: string): string[] {
    const bytes = readFileSync(file);
    const types: string[] = [];
    for (let at = 0; at + 8 <= bytes.length;) {
      const size = bytes.readUInt32BE(at) === 1 ? Number(bytes.readBigUInt64BE(at + 8)) : bytes.readUInt32BE(at);
      types.push(bytes.toString("latin1", at + 4, at + 8));
      if (size < 8) break;
      at += size;
    }
    return types;
  }

  // Judges' browsers start playing once they have the index: the copy has it before the media data,
  // whether the original had it in front, at the end (as phones write it) or split into fragments.
  const layouts: [string, string[]][] = [
    ["in front", ["-movflags", "+faststart"]],
    ["at the end", []],
    ["in fragments", ["-movflags", "frag_keyframe+empty_moov"]],
  ];
  for (const [layout, movflags] of layouts) {
    it(`a video whose index is ${layout}: the copy's index comes before its media data, and it plays as long`, async () => {
      const original = path.join(dir, `layout-${randomUUID()}.mp4`);
      await run(TOOLS.ffmpeg, [
        ...["-v", "error", "-i", (await testMedia()).valid1080, "-c", "copy", ...movflags, original],
      ]);
      const boxes = topLevelBoxes(original);
      expect(boxes, "the original is laid out as the test says").to.satisfy((b: string[]) =>
        layout === "in front"
          ? b.indexOf("moov") < b.indexOf("mdat")
          : layout === "at the end"
            ? b.indexOf("moov") > b.indexOf("mdat")
            : b.includes("moof"),
      );
      const copy = await anonymized("mp4", original);
      const copyBoxes = topLevelBoxes(copy);
      expect(copyBoxes.indexOf("moov")).to.be.within(0, copyBoxes.indexOf("mdat"));
      expect(copyBoxes).not.to.include("moof");
      expect((await durations(FFPROBE, copy)).format).to.be.closeTo((await durations(FFPROBE, original)).format, 0.13);
    });
  }

  it("a file no tool can read is refused with AnonymizeError, leaving nothing at the output or beside it", async () => {
    const output = path.join(dir, "never");
    let error: unknown = null;
    await anonymizeFile(TOOLS, "pdf", brokenPdf(dir), output).catch((err: unknown) => (error = err));
    expect(error).to.be.instanceOf(AnonymizeError);
    expect(existsSync(output)).to.equal(false);
    expect(existsSync(`${output}.work`)).to.equal(false);
  });

  it("a missing tool is an AnonymizeError too, not a crash", async () => {
    let error: unknown = null;
    await anonymizeFile(
      { ...TOOLS, exiftool: "/nonexistent/exiftool" },
      "png",
      await pngNamingAuthor(dir),
      path.join(dir, "x"),
    ).catch((err: unknown) => (error = err));
    expect(error).to.be.instanceOf(AnonymizeError);
  });
});
