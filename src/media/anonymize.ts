import { execFile } from "node:child_process";
import { copyFile, mkdir, open, rename, rm } from "node:fs/promises";
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

/**
 * Runs a tool without a shell, killed past its time; exit codes in `okCodes` count as success (qpdf's 3:
 * warnings). Answers what it printed on stderr.
 */
async function tool(binary: string, args: string[], timeoutMs: number, okCodes: number[] = [0]): Promise<string> {
  try {
    const { stderr } = await run(binary, args, {
      timeout: timeoutMs,
      killSignal: "SIGKILL",
      maxBuffer: 1024 * 1024,
      windowsHide: true,
    });
    return stderr;
  } catch (err) {
    const e = err as { code?: unknown; killed?: boolean; stderr?: string };
    if (typeof e.code === "number" && okCodes.includes(e.code) && !e.killed) return e.stderr ?? "";
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

/**
 * While `writing` runs, flushes what has been written to `file` so far, one sync at a time: the disk works
 * while the tool does, and the fsync that makes the copy durable (when it is stored) finds little left.
 */
async function syncWhileWriting<T>(file: string, writing: Promise<T>): Promise<T> {
  const inFlight: { sync: Promise<void> | null } = { sync: null };
  const sync = async () => {
    const handle = await open(file, "r").catch(() => null);
    if (handle) await handle.datasync().finally(() => handle.close());
  };
  const timer = setInterval(() => {
    inFlight.sync ??= sync()
      .catch(() => undefined)
      .finally(() => (inFlight.sync = null));
  }, SYNC_INTERVAL_MS);
  try {
    return await writing;
  } finally {
    clearInterval(timer);
    await inFlight.sync;
  }
}

const SYNC_INTERVAL_MS = 200;

/** The size of the first top-level `moov` box, or null when there is none (or the file is fragmented). */
async function moovSize(file: string): Promise<number | null> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(16);
    for (let at = 0; at + 8 <= size;) {
      await handle.read(head, 0, 16, at);
      const type = head.toString("latin1", 4, 8);
      const boxSize = head.readUInt32BE(0) === 1 ? Number(head.readBigUInt64BE(8)) : head.readUInt32BE(0);
      if (type === "moof") return null;
      if (type === "moov") return boxSize;
      if (boxSize < 8) return null;
      at += boxSize;
    }
    return null;
  } finally {
    await handle.close();
  }
}

const video =
  (format: "mp4" | "mov"): Steps =>
  async (tools, input, work) => {
    // A remux without re-encoding: the pictures (not cover art) and sounds as they are, no global or stream
    // tags, chapters, data or subtitle tracks, and no encoder string or creation time (bitexact).
    const clean = path.join(work, `clean.${format}`);
    const remux = (moovFirst: string[]) =>
      syncWhileWriting(
        clean,
        tool(
          tools.ffmpeg,
          [
            ...["-nostdin", "-v", "error", "-i", input],
            ...["-map", "0:V", "-map", "0:a?", "-map_metadata", "-1", "-map_chapters", "-1", "-c", "copy"],
            ...["-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"],
            ...moovFirst,
            ...["-f", format, "-y", clean],
          ],
          10 * MINUTE,
        ),
      );
    // The index (moov) goes first, for playback to start at once. +faststart writes the file and then
    // rewrites it whole to move the index forward; space reserved up front for an index no larger than the
    // original's writes it once. The copy's index only loses tags, but should it not fit (ffmpeg says so and
    // still exits 0), the rewrite is the fallback.
    const original = await moovSize(input);
    const reserved = original === null ? "" : await remux(["-moov_size", String(original + MOOV_SLACK)]);
    if (original === null || /reserved_moov_size is too small/.test(reserved)) await remux(["-movflags", "+faststart"]);
    return clean;
  };

/** Room for an index that grows in the remux (an edit list, a wider chunk offset table): ample, and small beside a video. */
const MOOV_SLACK = 64 * 1024;

const STEPS: Record<ContentType, Steps> = {
  pdf,
  jpeg: image,
  png: image,
  webp: image,
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
