import { execFile } from "node:child_process";
import { copyFile, mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { MetadataTools } from "../config.js";
import { Semaphore } from "../lib/semaphore.js";
import type { ContentType } from "./content-type.js";

/**
 * The judges' copy of an uploaded file, with the metadata that can name a person or a place removed
 * (DESIGN §4 "Blind files"): PDF Info and XMP, Office docProps, EXIF/XMP/GPS of images, MP4/MOV tags.
 * Only the orchestration of Debian's tools lives here: no database, no storage.
 */

const run = promisify(execFile);

export class AnonymizeError extends Error {}

/** Parallel anonymizations at most: each runs a tool over a file of up to 500 MB, and the machine serves uploads too. */
const MAX_PARALLEL = 2;
const slots = new Semaphore(MAX_PARALLEL);

/** Runs a tool without a shell, killed past its time; exit codes in `okCodes` count as success (qpdf's 3: warnings). */
async function tool(binary: string, args: string[], timeoutMs: number, okCodes: number[] = [0]): Promise<void> {
  try {
    await run(binary, args, { timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 1024 * 1024, windowsHide: true });
  } catch (err) {
    const e = err as { code?: unknown; killed?: boolean; stderr?: string };
    if (typeof e.code === "number" && okCodes.includes(e.code) && !e.killed) return;
    const why = e.killed ? `timed out after ${timeoutMs / 1000} s` : `failed (${String(e.code)})`;
    throw new AnonymizeError(`${path.basename(binary)} ${why}: ${(e.stderr ?? "").trim().slice(0, 500)}`);
  }
}

const MINUTE = 60_000;

/** The steps for one type, reading `input` and leaving the clean copy at the path they answer, inside `work`. */
type Steps = (tools: MetadataTools, input: string, work: string) => Promise<string>;
// Stored files have no extension, and exiftool writes an extensionless input only to an extensionless
// output (given "x.pdf" it would try to make a new PDF "from scratch"): its outputs here have none.

const pdf: Steps = async (tools, input, work) => {
  // exiftool empties the Info dictionary and drops the XMP, but as an incremental update that keeps the
  // old objects in the file; qpdf then writes only what is still referenced (and decrypts, and linearizes
  // for reading in the browser), so the old metadata is really gone.
  const marked = path.join(work, "marked");
  try {
    await tool(tools.exiftool, ["-q", "-q", "-all:all=", "-o", marked, input], 2 * MINUTE);
  } catch (err) {
    if (!(err instanceof AnonymizeError)) throw err;
    // A damaged PDF that readers still open (a broken or missing cross-reference table) is rebuilt by qpdf
    // from its pages alone (no outline, no document metadata); what qpdf cannot read either is refused.
    const rebuilt = path.join(work, "rebuilt");
    await tool(tools.qpdf, ["--empty", "--pages", input, "--", rebuilt], 2 * MINUTE, [0, 3]);
    await rm(marked, { force: true });
    await tool(tools.exiftool, ["-q", "-q", "-all:all=", "-o", marked, rebuilt], 2 * MINUTE);
  }
  const clean = path.join(work, "clean");
  await tool(tools.qpdf, ["--decrypt", "--linearize", marked, clean], 2 * MINUTE, [0, 3]);
  return clean;
};

const image: Steps = async (tools, input, work) => {
  // Everything out (EXIF with GPS and thumbnails, XMP, IPTC, comments, PNG text), then the orientation and
  // colour profile back, so the picture looks to the judge as it did to its author.
  const clean = path.join(work, "clean");
  await tool(
    tools.exiftool,
    ["-q", "-q", "-all=", "-tagsFromFile", "@", "-exif:Orientation", "-icc_profile", "-o", clean, input],
    2 * MINUTE,
  );
  return clean;
};

const office =
  (extension: "docx" | "pptx"): Steps =>
  async (tools, input, work) => {
    // mat2 tells the format by the name and writes <name>.cleaned.<ext> beside it. Parts it does not know
    // (embedded objects, fonts) are left out rather than kept: they may carry their own authors.
    const named = path.join(work, `document.${extension}`);
    await copyFile(input, named);
    await tool(tools.mat2, ["--unknown-members", "omit", named], 2 * MINUTE);
    return path.join(work, `document.cleaned.${extension}`);
  };

const video =
  (format: "mp4" | "mov"): Steps =>
  async (tools, input, work) => {
    // A remux without re-encoding: the pictures (not cover art) and sounds as they are, no global or stream
    // tags, chapters, data or subtitle tracks, and no encoder string or creation time (bitexact).
    const clean = path.join(work, `clean.${format}`);
    await tool(
      tools.ffmpeg,
      [
        ...["-nostdin", "-v", "error", "-i", input],
        ...["-map", "0:V", "-map", "0:a?", "-map_metadata", "-1", "-map_chapters", "-1", "-c", "copy"],
        ...["-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"],
        ...["-movflags", "+faststart", "-f", format, clean],
      ],
      10 * MINUTE,
    );
    return clean;
  };

const STEPS: Record<ContentType, Steps> = {
  pdf,
  jpeg: image,
  png: image,
  docx: office("docx"),
  pptx: office("pptx"),
  mp4: video("mp4"),
  mov: video("mov"),
};

/**
 * Writes the anonymized copy of `input` (of the type read from its bytes) to `output`, which must not
 * exist; throws AnonymizeError when a tool fails, leaving nothing at `output` nor beside it.
 */
export async function anonymizeFile(
  tools: MetadataTools,
  type: ContentType,
  input: string,
  output: string,
): Promise<void> {
  const work = `${output}.work`;
  await slots.use(async () => {
    await mkdir(work);
    try {
      const clean = await STEPS[type](tools, input, work);
      await rename(clean, output).catch((err: unknown) => {
        throw new AnonymizeError(`no anonymized ${type} was written: ${String(err)}`);
      });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
}
