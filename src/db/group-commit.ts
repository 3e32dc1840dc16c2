import type { Knex } from "knex";
import { isDatabaseUnavailable } from "./unavailable.js";

/** What one item of a batch came to: its answer, or the refusal its own checks raised. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

interface Pending<I, O> {
  item: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

/** Enough to share one commit; small enough to stay far below SQLite's bound-parameter limit. */
const MAX_BATCH = 100;

/**
 * Group commit: writes that arrive while an earlier batch is committing wait for it, then share the
 * next transaction, so one commit (one fsync on SQLite, whose single connection serializes every
 * write anyway) acknowledges them all. `run` checks and writes every item inside the transaction and
 * answers each one's outcome: an item refused by its own checks writes nothing and gets its error,
 * the others commit. Nobody is answered before the commit that holds his write. If the batch itself
 * fails (the commit, or a write no check foresaw), nothing of it stays and each item is tried again
 * alone, so one bad item never fails the others (unless the database itself did not answer: then all
 * are refused at once).
 *
 * The queue holds only requests in flight, never state: several processes on one PostgreSQL each
 * batch their own and the database orders them (should two batches deadlock, the one PostgreSQL
 * aborts is tried again item by item).
 */
export function groupCommit<I, O>(
  run: (trx: Knex.Transaction, items: I[]) => Promise<Outcome<O>[]>,
): (db: Knex, item: I) => Promise<O> {
  const queues = new WeakMap<Knex, { waiting: Pending<I, O>[]; busy: boolean }>();

  async function commit(db: Knex, batch: Pending<I, O>[]): Promise<void> {
    let outcomes: Outcome<O>[];
    try {
      outcomes = await db.transaction((trx) =>
        run(
          trx,
          batch.map((p) => p.item),
        ),
      );
    } catch (error) {
      // A database that does not answer would refuse each item alone too, after as long a wait each.
      if (batch.length === 1 || isDatabaseUnavailable(error)) return batch.forEach((one) => one.reject(error));
      for (const one of batch) await commit(db, [one]);
      return;
    }
    outcomes.forEach((outcome, i) => (outcome.ok ? batch[i].resolve(outcome.value) : batch[i].reject(outcome.error)));
  }

  async function drain(db: Knex, queue: { waiting: Pending<I, O>[]; busy: boolean }): Promise<void> {
    queue.busy = true;
    while (queue.waiting.length > 0) await commit(db, queue.waiting.splice(0, MAX_BATCH));
    queue.busy = false;
  }

  return (db, item) =>
    new Promise<O>((resolve, reject) => {
      let queue = queues.get(db);
      if (!queue) queues.set(db, (queue = { waiting: [], busy: false }));
      queue.waiting.push({ item, resolve, reject });
      if (!queue.busy) void drain(db, queue);
    });
}
