import { errorFields, type Logger } from "./log.ts";
import { type Store, StoreUnavailableError } from "./store.ts";

export interface BreakerOptions {
  log: Logger;
  /** Pause between probes while the circuit is open. */
  probeEveryMs?: number;
}

/**
 * A circuit breaker in front of the store. Once a call finds the store unreachable or
 * silent (a StoreUnavailableError), every later call fails at once with the same error, and
 * callers take their fallbacks (the database, this process's counters) without waiting out
 * a timeout each; one probe at a time (a PING) checks whether the store is back, and its
 * first answer closes the circuit. A hung Redis costs one timeout, not one per call.
 * Subscriptions are left alone: the subscriber connection resubscribes by itself.
 */
export function withCircuitBreaker(store: Store, options: BreakerOptions): Store {
  const probeEveryMs = options.probeEveryMs ?? 1000;
  let open = false;
  let closed = false;
  let probe: ReturnType<typeof setTimeout> | undefined;

  const refuse = () =>
    Promise.reject(new StoreUnavailableError("The store is unavailable (circuit open)"));

  const scheduleProbe = () => {
    if (closed) return;
    probe = setTimeout(async () => {
      probe = undefined;
      try {
        await store.ping();
        open = false;
        options.log.info("store answers again; circuit closed");
      } catch {
        scheduleProbe();
      }
    }, probeEveryMs);
    if (typeof Deno !== "undefined") Deno.unrefTimer(probe as unknown as number);
  };

  const trip = (error: unknown) => {
    if (!(error instanceof StoreUnavailableError) || open) return;
    open = true;
    options.log.warn("store unavailable; circuit open, callers use their fallbacks", {
      ...errorFields(error),
    });
    scheduleProbe();
  };

  const guarded = <A extends unknown[], T>(call: (...args: A) => Promise<T>) =>
  async (
    ...args: A
  ): Promise<T> => {
    if (open) return await refuse();
    try {
      return await call(...args);
    } catch (error) {
      trip(error);
      throw error;
    }
  };

  return {
    kind: store.kind,
    get: guarded(store.get),
    getMany: guarded(store.getMany),
    set: guarded(store.set),
    setIfAbsent: guarded(store.setIfAbsent),
    delete: guarded(store.delete),
    deletePrefix: guarded(store.deletePrefix),
    increment: guarded(store.increment),
    hashGetAll: guarded(store.hashGetAll),
    hashSet: guarded(store.hashSet),
    hashDelete: guarded(store.hashDelete),
    expire: guarded(store.expire),
    publish: guarded(store.publish),
    subscribe: store.subscribe,
    ping: guarded(store.ping),
    close: async () => {
      closed = true;
      clearTimeout(probe);
      await store.close();
    },
  };
}
