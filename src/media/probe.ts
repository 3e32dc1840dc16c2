import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

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

/** Duration, size and codecs of a video by ffprobe; null when ffprobe cannot read it as a video. */
export async function probeVideo(ffprobePath: string, filePath: string): Promise<VideoFacts | null> {
  let stdout: string;
  try {
    ({ stdout } = await run(
      ffprobePath,
      ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", filePath],
      { timeout: 60_000, maxBuffer: 4 * 1024 * 1024 },
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
