/** One Server-Sent Event as received, with the exact text it came in. */
export interface SseFrame {
  event: string | null;
  id: string | null;
  data: string;
  raw: string;
}

export interface SseClient {
  status: number;
  headers: Headers;
  frames: SseFrame[];
  /** Resolves with the first frame (already received or still to come) that satisfies `match`. */
  next(match: (frame: SseFrame) => boolean): Promise<SseFrame>;
  /** Resolves when the server has ended the stream. */
  ended: Promise<void>;
  close(): void;
}

function parseFrame(raw: string): SseFrame {
  const frame: SseFrame = { event: null, id: null, data: "", raw };
  for (const line of raw.split("\n")) {
    const colon = line.indexOf(":");
    const [field, value] = colon < 0 ? [line, ""] : [line.slice(0, colon), line.slice(colon + 1).replace(/^ /, "")];
    if (field === "event") frame.event = value;
    else if (field === "id") frame.id = value;
    else if (field === "data") frame.data = frame.data ? `${frame.data}\n${value}` : value;
  }
  return frame;
}

/** An EventSource-like client over fetch that keeps every frame (comments such as `: ping` included). */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: "text/event-stream", ...headers }, signal: abort.signal });
  const frames: SseFrame[] = [];
  const waiters: { match: (f: SseFrame) => boolean; resolve: (f: SseFrame) => void }[] = [];
  const ended = (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of res.body!) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const frame = parseFrame(buffer.slice(0, end + 2));
          buffer = buffer.slice(end + 2);
          frames.push(frame);
          for (const w of waiters.filter((w) => w.match(frame))) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(frame);
          }
        }
      }
    } catch (err) {
      if (!abort.signal.aborted) throw err;
    }
  })();
  return {
    status: res.status,
    headers: res.headers,
    frames,
    next: (match) => {
      const seen = frames.find(match);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ match, resolve }));
    },
    ended,
    close: () => abort.abort(),
  };
}

/** The `{live}` state a `state` frame carries. */
export function liveOf(frame: SseFrame): { version: number } & Record<string, unknown> {
  return (JSON.parse(frame.data) as { live: { version: number } & Record<string, unknown> }).live;
}

/** Matches the first state frame newer than `version`. */
export const newerThan =
  (version: number) =>
  (frame: SseFrame): boolean =>
    frame.event === "state" && liveOf(frame).version > version;
