import { createRequire } from "node:module";
import type { Logger } from "pino";
import type { AppContext } from "../context.js";
import { dialectOf } from "../db/dialect.js";

// Change notices of live finals (spec "Events"): after every committed change a service calls
// notifyLiveChange; the SSE streams subscribe. One process on SQLite: an in-process fan-out. Several
// processes on PostgreSQL: NOTIFY through the database, and per app ONE connection holding LISTEN.

const CHANNEL = "live_final";
/** Reconnection waits 250 ms, 500 ms, 1 s… up to 10 s between attempts, back to 250 ms once connected. */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 10_000;

interface Subscriber {
  contestId: string;
  onChange: () => void;
  onEnd?: () => void;
}

// `pg` ships no types of its own; this is the part of its Client the listener uses.
interface PgClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
  on(event: "notification", listener: (msg: { channel: string; payload?: string }) => void): this;
  on(event: "error", listener: (err: Error) => void): this;
  on(event: "end", listener: () => void): this;
}
type PgClientClass = new (config: { connectionString: string }) => PgClient;

/**
 * The one LISTEN connection of an app. It reconnects by itself after an error (a restarted server, a
 * terminated backend) and, once listening again, calls `onListening`: notices sent while it was not
 * listening are lost, so subscribers must re-read the state.
 */
class PgListener {
  private client: PgClient | null = null;
  private retry: NodeJS.Timeout | null = null;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    private readonly onNotice: (contestId: string) => void,
    private readonly onListening: () => void,
  ) {
    void this.connect();
  }

  private async connect(): Promise<void> {
    const { Client } = createRequire(import.meta.url)("pg") as { Client: PgClientClass };
    const client = new Client({ connectionString: this.url });
    this.client = client;
    client.on("notification", (msg) => {
      if (msg.channel === CHANNEL && msg.payload) this.onNotice(msg.payload);
    });
    client.on("error", (err) => this.lost(client, err));
    client.on("end", () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      this.lost(client, err);
      return;
    }
    if (this.client !== client) return;
    this.failures = 0;
    this.onListening();
  }

  /** Drops a failed connection (once, whichever of error/end/connect comes first) and schedules the next. */
  private lost(client: PgClient, err?: unknown): void {
    if (this.client !== client) return;
    this.client = null;
    client.end().catch(() => undefined);
    if (this.stopped) return;
    const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** this.failures);
    this.failures += 1;
    this.logger.warn({ err, retryInMs: delay }, "live final listener lost its PostgreSQL connection");
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, delay);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => undefined);
  }
}

class LiveBus {
  private readonly subscribers = new Set<Subscriber>();
  private listener: PgListener | null = null;

  constructor(private readonly ctx: AppContext) {}

  notify(contestId: string): void {
    if (dialectOf(this.ctx.db) === "sqlite") return this.deliver(contestId);
    // Every process (this one too) hears it through its LISTEN connection.
    this.ctx.db
      .raw("SELECT pg_notify(?, ?)", [CHANNEL, contestId])
      .catch((err: unknown) => this.ctx.logger.error({ err, contestId }, "live final notice not sent"));
  }

  subscribe(subscriber: Subscriber): () => void {
    this.subscribers.add(subscriber);
    if (this.listener === null && this.ctx.config.databaseUrl && dialectOf(this.ctx.db) === "pg") {
      this.listener = new PgListener(
        this.ctx.config.databaseUrl,
        this.ctx.logger,
        (contestId) => this.deliver(contestId),
        () => this.deliverAll(),
      );
    }
    return () => {
      this.subscribers.delete(subscriber);
      // Nobody listening in this process: no connection held, no work done.
      if (this.subscribers.size === 0 && this.listener) {
        void this.listener.stop();
        this.listener = null;
      }
    };
  }

  private deliver(contestId: string): void {
    for (const s of [...this.subscribers]) if (s.contestId === contestId) s.onChange();
  }

  private deliverAll(): void {
    for (const s of [...this.subscribers]) s.onChange();
  }

  async close(): Promise<void> {
    const listener = this.listener;
    this.listener = null;
    for (const s of [...this.subscribers]) s.onEnd?.();
    this.subscribers.clear();
    await listener?.stop();
  }
}

const buses = new WeakMap<AppContext, LiveBus>();

function busOf(ctx: AppContext): LiveBus {
  let bus = buses.get(ctx);
  if (!bus) {
    bus = new LiveBus(ctx);
    buses.set(ctx, bus);
  }
  return bus;
}

/** Tells every subscriber, in every process, that this contest's live final changed. Call after the commit. */
export function notifyLiveChange(ctx: AppContext, contestId: string): void {
  busOf(ctx).notify(contestId);
}

/**
 * Calls `onChange` after every change of this contest's live final (and when notices may have been
 * missed, so the state must be read again); `onEnd` when the app closes. Answers the unsubscribe.
 */
export function subscribeLive(
  ctx: AppContext,
  contestId: string,
  onChange: () => void,
  onEnd?: () => void,
): () => void {
  return busOf(ctx).subscribe({ contestId, onChange, onEnd });
}

/** At the app's shutdown: ends every subscription (so SSE streams close) and the LISTEN connection. */
export async function closeLiveBus(ctx: AppContext): Promise<void> {
  await buses.get(ctx)?.close();
  buses.delete(ctx);
}
