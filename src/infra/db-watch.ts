import { errorFields, type Logger } from "./log.ts";

/** Errors that mean the database cannot be reached (or is shutting down), not a bad query. */
const connectionCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  // admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections
  "57P01",
  "57P02",
  "57P03",
  "53300",
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return false;
  // SQLSTATE class 08: connection exceptions.
  return connectionCodes.has(code) || /^08[0-9A-Z]{3}$/.test(code);
}

export interface DatabaseWatch {
  /** True while probes find the database unreachable or silent. */
  readonly down: boolean;
  /** Calls `listener` when the database is next found down; returns the way to unsubscribe. */
  onDown(listener: () => void): () => void;
  /** Something looked wrong (a connection error, a slow request): probe now. */
  check(): void;
  close(): void;
}

/**
 * Watches the database only when something looks wrong: a probe (a ping that must answer
 * within `pingTimeoutMs`) runs, and while probes fail it repeats every `probeEveryMs`; the
 * first answer ends the outage. A silent database (packets dropped, no RST) is seen as
 * down after one ping timeout instead of holding every request forever.
 */
export function createDatabaseWatch(
  ping: () => Promise<void>,
  log: Logger,
  { probeEveryMs = 500, pingTimeoutMs = 1000 } = {},
): DatabaseWatch {
  let down = false;
  let probing = false;
  let closed = false;
  const listeners = new Set<() => void>();

  const answers = async () => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const silent = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error("no answer")), pingTimeoutMs);
    });
    try {
      await Promise.race([ping(), silent]);
      return true;
    } catch (error) {
      if (!down) {
        log.warn("database unavailable; answering 503 until it returns", errorFields(error));
      }
      return false;
    } finally {
      clearTimeout(timer);
    }
  };

  const probe = async () => {
    if (probing || closed) return;
    probing = true;
    try {
      while (!closed && !await answers()) {
        if (!down) {
          down = true;
          for (const listener of [...listeners]) listener();
          listeners.clear();
        }
        await new Promise((resolve) => {
          const wait = setTimeout(resolve, probeEveryMs);
          if (typeof Deno !== "undefined") Deno.unrefTimer(wait as unknown as number);
        });
      }
      if (down) log.info("database answers again");
      down = false;
    } finally {
      probing = false;
    }
  };

  return {
    get down() {
      return down;
    },
    onDown(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    check: () => void probe(),
    close() {
      closed = true;
    },
  };
}
