import { EventEmitter } from "node:events";
import type { AppContext } from "../context.js";

// A minimal in-process bus so the live final's changes reach subscribers in this process. The events
// engineer (branch live-events) replaces the body (PostgreSQL LISTEN/NOTIFY across processes) and keeps
// these two signatures.
const buses = new WeakMap<AppContext, EventEmitter>();

function busOf(ctx: AppContext): EventEmitter {
  let bus = buses.get(ctx);
  if (!bus) {
    bus = new EventEmitter();
    bus.setMaxListeners(0);
    buses.set(ctx, bus);
  }
  return bus;
}

/** Called after a change to a contest's live final has committed. */
export function notifyLiveChange(ctx: AppContext, contestId: string): void {
  busOf(ctx).emit(contestId);
}

/** Calls `onChange` after every change to the contest's live final; answers the unsubscribe. */
export function subscribeLive(ctx: AppContext, contestId: string, onChange: () => void): () => void {
  const bus = busOf(ctx);
  bus.on(contestId, onChange);
  return () => void bus.off(contestId, onChange);
}
