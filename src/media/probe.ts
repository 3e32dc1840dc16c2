import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Config } from "../config.js";
import { Semaphore } from "../lib/semaphore.js";

const run = promisify(execFile);

/** Which ffprobe, how many runs at once and how long each may take: from the configuration. */
export type ProbeSettings = Pick<Config, "ffprobePath" | "ffprobeMaxParallel" | "ffprobeTimeoutMs">;

// One bound per configuration (in production, one per process): ffprobe parsing untrusted uploads is
// CPU-heavy, and many uploads at once must queue rather than start a process each.
const bounds = new WeakMap<ProbeSettings, Semaphore>();

function boundOf(settings: ProbeSettings): Semaphore {
  let bound = bounds.get(settings);
  if (!bound) bounds.set(settings, (bound = new Semaphore(settings.ffprobeMaxParallel)));
  return bound;
}

export interface VideoFacts {
  durationSeconds: number;
  width: number;
  height: number;
  videoCodec: string;
  audioCodec: string | null;
  formatName: string;
}

interface FfprobeOutput {
  format?: { duration?: string; format_name?: string };
  streams?: { codec_type?: string; codec_name?: string; width?: number; height?: number; duration?: string }[];
}

/**
 * Duration, size and codecs of a video by ffprobe; null when ffprobe cannot read it as a video, or
 * takes longer than the configured limit (it is killed then). Waits for a free slot first.
 */
export async function probeVideo(settings: ProbeSettings, filePath: string): Promise<VideoFacts | null> {
  let stdout: string;
  try {
    ({ stdout } = await boundOf(settings).use(() =>
      run(settings.ffprobePath, ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", filePath], {
        timeout: settings.ffprobeTimeoutMs,
        killSignal: "SIGKILL",
        maxBuffer: 4 * 1024 * 1024,
      }),
    ));
  } catch {
    return null;
  }
  const out = JSON.parse(stdout) as FfprobeOutput;
  const video = out.streams?.find((s) => s.codec_type === "video");
  const audio = out.streams?.find((s) => s.codec_type === "audio");
  const duration = Number(out.format?.duration ?? video?.duration);
  if (!video || !video.width || !video.height || !Number.isFinite(duration)) return null;
  return {
    durationSeconds: duration,
    width: video.width,
    height: video.height,
    videoCodec: video.codec_name ?? "unknown",
    audioCodec: audio?.codec_name ?? null,
    formatName: out.format?.format_name ?? "",
  };
}
