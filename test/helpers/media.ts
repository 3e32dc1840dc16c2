import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";

const run = promisify(execFile);

/** Real media made with ffmpeg once per machine and kept in a cache folder (they are tiny: one frame a second). */
const CACHE = path.join(os.tmpdir(), "sw-test-media-v1");

/**
 * The cached file `name`, made first if missing. Made under a name of its own, then renamed into place:
 * mocha's parallel workers (and other suites) may make the same file at the same moment, and none may
 * read another's half-written one. The partial name keeps the extension, by which ffmpeg picks its format.
 */
async function cached(name: string, make: (partial: string) => Promise<unknown>): Promise<string> {
  const file = path.join(CACHE, name);
  if (existsSync(file)) return file;
  mkdirSync(CACHE, { recursive: true });
  const partial = path.join(CACHE, `.${randomUUID()}${path.extname(name)}`);
  await make(partial);
  await rename(partial, file);
  return file;
}

const video = (name: string, width: number, height: number, seconds: number) =>
  cached(name, (partial) =>
    run(ffmpegInstaller.path, [
      ...["-v", "error", "-y"],
      ...["-f", "lavfi", "-i", `color=c=0x336699:s=${width}x${height}:r=1:d=${seconds}`],
      ...["-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", String(seconds)],
      ...["-c:v", "libx264", "-preset", "ultrafast", "-tune", "stillimage", "-pix_fmt", "yuv420p"],
      ...["-c:a", "aac", "-b:a", "8k", "-shortest", "-movflags", "+faststart"],
      partial,
    ]),
  );

/** A one-frame 320×180 picture of one colour, its format (PNG, JPEG) by the file's extension. */
export async function solidImage(file: string, color: string): Promise<void> {
  await run(ffmpegInstaller.path, [
    "-v",
    "error",
    "-y",
    "-f",
    "lavfi",
    "-i",
    `color=c=${color}:s=320x180`,
    "-frames:v",
    "1",
    file,
  ]);
}

const image = (name: string) => cached(name, (partial) => solidImage(partial, "red"));

const written = (name: string, content: string | Buffer) => cached(name, (partial) => writeFile(partial, content));

/** A one-page PDF, as small as a valid PDF gets. */
const PDF = `%PDF-1.4
1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj
2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj
trailer<</Root 1 0 R>>
%%EOF
`;

export interface TestMedia {
  /** 1920×1080 H.264 MP4 of 2 min 5 s: passes every rule of a video contest. */
  valid1080: string;
  /** 5 min 30 s: over the 5-minute limit. */
  overLength: string;
  /** 6 minutes, 640×360 (small, to make fast): over a 5-minute limit set by the organizer. */
  sixMinutes: string;
  /** 4 minutes, 640×360: over a unit summary's 3-minute limit. */
  fourMinutes: string;
  /** 1 min 30 s: under the 2-minute minimum. */
  underLength: string;
  /** 1280×720: passes the hard rules, flagged for resolution. */
  hd720: string;
  /** Plain text with an .mp4 name. */
  textAsMp4: string;
  coverPng: string;
  coverJpeg: string;
  formPdf: string;
}

let made: Promise<TestMedia> | null = null;

export function testMedia(): Promise<TestMedia> {
  made ??= (async () => ({
    valid1080: await video("valid-1080p-125s.mp4", 1920, 1080, 125),
    overLength: await video("over-length-330s.mp4", 1920, 1080, 330),
    sixMinutes: await video("six-minutes-360s-360p.mp4", 640, 360, 360),
    fourMinutes: await video("four-minutes-240s-360p.mp4", 640, 360, 240),
    underLength: await video("under-length-90s.mp4", 1920, 1080, 90),
    hd720: await video("hd-720p-125s.mp4", 1280, 720, 125),
    textAsMp4: await written("not-a-video.mp4", "这不是视频，只是一段文字。\n".repeat(50)),
    coverPng: await image("cover.png"),
    coverJpeg: await image("cover.jpg"),
    formPdf: await written("form.pdf", PDF),
  }))();
  return made;
}
