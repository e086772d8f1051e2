import type { Queryable } from "../infra/db.ts";
import { stockOf } from "./queries.ts";

interface Batch {
  ids: Set<number>;
  promise: Promise<Map<number, number | null>>;
  resolve(stock: Map<number, number | null>): void;
  reject(error: unknown): void;
}

/**
 * Reads current stock for many concurrent page requests with one query. Not a cache: a
 * request never takes the answer of a query that started before it arrived. It joins the
 * batch that will start next (when the query in flight finishes), so every page shows
 * stock as committed when it was asked for, and a rush of requests costs one query per
 * database round trip instead of one each.
 */
export function createStockReader(sql: Queryable, today: () => string) {
  let inFlight = false;
  let waiting: Batch | null = null;

  const startNext = () => {
    if (inFlight || !waiting) return;
    const batch = waiting;
    waiting = null;
    inFlight = true;
    stockOf(sql, [...batch.ids], today()).then(batch.resolve, batch.reject).finally(() => {
      inFlight = false;
      startNext();
    });
  };

  return function readStock(ids: number[]): Promise<Map<number, number | null>> {
    if (ids.length === 0) return Promise.resolve(new Map());
    if (!waiting) {
      let resolve!: Batch["resolve"];
      let reject!: Batch["reject"];
      const promise = new Promise<Map<number, number | null>>((yes, no) => {
        resolve = yes;
        reject = no;
      });
      waiting = { ids: new Set(), promise, resolve, reject };
    }
    for (const id of ids) waiting.ids.add(id);
    const { promise } = waiting;
    startNext();
    return promise;
  };
}
