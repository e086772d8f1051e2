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

/** Probes that must go unanswered in a row before a silent database counts as down. */
const SILENT_PROBES = 2;

/**
 * Watches the database only when something looks wrong: a probe (a ping that must answer
 * within `pingTimeoutMs`) runs, and while probes fail it repeats every `probeEveryMs`; the
 * first answer ends the outage. A refused connection is an outage at once; a silent
 * database (packets dropped, no RST) after two unanswered probes, instead of holding every
 * request forever. (Two, because under a rush a busy process may read a prompt answer late.)
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

  /** "up", "refused" (an error came back) or "silent" (nothing within the timeout). */
  const answers = async (): Promise<"up" | "refused" | "silent"> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const silence = new Error("no answer");
    const silent = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(silence), pingTimeoutMs);
    });
    try {
      await Promise.race([ping(), silent]);
      return "up";
    } catch (error) {
      if (!down) log.warn("database probe failed", errorFields(error));
      return error === silence ? "silent" : "refused";
    } finally {
      clearTimeout(timer);
    }
  };

  const probe = async () => {
    if (probing || closed) return;
    probing = true;
    try {
      let silentInRow = 0;
      while (!closed) {
        const answer = await answers();
        if (answer === "up") break;
        silentInRow = answer === "silent" ? silentInRow + 1 : 0;
        if (!down && (answer === "refused" || silentInRow >= SILENT_PROBES)) {
          log.warn("database unavailable; answering 503 until it returns");
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
