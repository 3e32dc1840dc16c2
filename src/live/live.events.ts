import type { ServerResponse } from "node:http";
import { Router } from "express";
import type { AppContext } from "../context.js";
import { routeParam } from "../http/params.js";
import { subscribeLive } from "./live.bus.js";
import { liveState } from "./live.service.js";

// The live final's Server-Sent Events (spec "Events"): the state at once, then after every change.
// Per process and contest one feed computes the state once per change and writes the same bytes to
// every viewer: 500 viewers of the big screen must not mean 500 state queries.

/** Proxies and browsers drop a connection silent for a minute or two; a comment line keeps it open. */
const PING_MS = 15_000;

interface Feed {
  contestId: string;
  viewers: Set<ServerResponse>;
  /** The last state sent, as an SSE frame, and its version. */
  frame: string | null;
  version: number | null;
  /** The computation running now; `again` when a change arrived meanwhile, so one more follows. */
  computing: Promise<void> | null;
  again: boolean;
  unsubscribe: () => void;
  ping: NodeJS.Timeout;
}

function frameOf(live: { version: number }): string {
  return `event: state\nid: ${live.version}\ndata: ${JSON.stringify({ live })}\n\n`;
}

function liveFeeds(ctx: AppContext) {
  const feeds = new Map<string, Feed>();

  const drop = (feed: Feed): void => {
    if (feed.viewers.size > 0 || feeds.get(feed.contestId) !== feed) return;
    feeds.delete(feed.contestId);
    feed.unsubscribe();
    clearInterval(feed.ping);
  };

  /** Reads the state and sends it to every viewer if its version is new; bursts of changes coalesce. */
  const refresh = (feed: Feed): Promise<void> => {
    if (feed.computing) {
      feed.again = true;
      return feed.computing;
    }
    feed.computing = (async () => {
      try {
        do {
          feed.again = false;
          const live = await liveState(ctx, feed.contestId);
          if (live.version === feed.version) continue;
          feed.version = live.version;
          feed.frame = frameOf(live);
          for (const viewer of feed.viewers) viewer.write(feed.frame);
        } while (feed.again);
      } finally {
        feed.computing = null;
      }
    })();
    return feed.computing;
  };

  const feedOf = (contestId: string): Feed => {
    const existing = feeds.get(contestId);
    if (existing) return existing;
    const feed: Feed = {
      contestId,
      viewers: new Set(),
      frame: null,
      version: null,
      computing: null,
      again: false,
      unsubscribe: () => undefined,
      ping: setInterval(() => {
        for (const viewer of feed.viewers) viewer.write(": ping\n\n");
      }, PING_MS).unref(),
    };
    feed.unsubscribe = subscribeLive(
      ctx,
      contestId,
      () =>
        void refresh(feed).catch((err: unknown) =>
          ctx.logger.error({ err, contestId }, "live final state not sent to viewers"),
        ),
      () => {
        for (const viewer of feed.viewers) viewer.end();
      },
    );
    feeds.set(contestId, feed);
    return feed;
  };

  return {
    /**
     * The current frame of this contest's feed, joining it; throws (404 no_live, unknown contest)
     * before anything is sent, so the error is an ordinary JSON answer.
     */
    async join(contestId: string): Promise<Feed> {
      const feed = feedOf(contestId);
      try {
        if (feed.frame === null) await (feed.computing ?? refresh(feed));
      } catch (err) {
        drop(feed);
        throw err;
      }
      return feed;
    },
    watch(feed: Feed, viewer: ServerResponse): void {
      feed.viewers.add(viewer);
      ctx.logger.debug({ contestId: feed.contestId, viewers: feed.viewers.size }, "live final viewers");
    },
    leave(feed: Feed, viewer: ServerResponse): void {
      feed.viewers.delete(viewer);
      ctx.logger.debug({ contestId: feed.contestId, viewers: feed.viewers.size }, "live final viewers");
      drop(feed);
    },
  };
}

/** GET /api/v1/contests/:id/live/events: anyone may watch (the big screen has no login). */
export function liveEventsApi(ctx: AppContext): Router {
  const router = Router();
  const feeds = liveFeeds(ctx);

  router.get("/contests/:id/live/events", async (req, res) => {
    const feed = await feeds.join(routeParam(req));
    // A stream stays open for hours: no idle cut-off on its connection, which ends with it (pings keep proxies awake).
    req.socket.setTimeout(0);
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache",
      "X-Accel-Buffering": "no",
      // The connection ends with the stream (at shutdown too: nothing idle left for server.close() to wait for).
      Connection: "close",
    });
    // The current state at once, also for a reconnecting client's Last-Event-ID: one frame is the whole state.
    res.write(feed.frame!);
    if (req.socket.destroyed) return feeds.leave(feed, res);
    feeds.watch(feed, res);
    res.on("close", () => feeds.leave(feed, res));
  });

  return router;
}
