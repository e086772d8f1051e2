import type { MiddlewareHandler } from "hono";
import { type DatabaseWatch, isDatabaseUnavailable } from "../infra/db-watch.ts";
import type { AppEnv } from "./env.ts";
import { AppError } from "./errors.ts";

/** A request still waiting after this long makes the watch look at the database. */
const SUSPECT_AFTER_MS = 2000;

export const databaseUnavailable = () =>
  new AppError(
    503,
    "unavailable",
    "The shop's records can't be reached just now. Please try again in a minute.",
    undefined,
    { "Retry-After": "5" },
  );

/**
 * While the database is known to be down, requests are answered 503 (with Retry-After) at
 * once instead of each waiting out a connection attempt; a request waiting on a database
 * that went silent is answered 503 as soon as the watch finds it down. Errors that show the
 * database unreachable make the watch look. Static files and health checks come before this.
 */
export function databaseGate(
  watch: DatabaseWatch,
  { slowMeansSuspect = true } = {},
): MiddlewareHandler<AppEnv> {
  return async function gateOnDatabase(c, next) {
    if (watch.down) throw databaseUnavailable();
    let unsubscribe = () => {};
    const stopped = new Promise<never>((_, reject) => {
      unsubscribe = watch.onDown(() => reject(databaseUnavailable()));
    });
    // A probe on a connection of its own: a busy pool does not make the database look away.
    const suspect = slowMeansSuspect ? setTimeout(() => watch.check(), SUSPECT_AFTER_MS) : 0;
    try {
      // The handler goes on in the background if the database is found down meanwhile; a
      // retried checkout finds its order through its one-time token.
      await Promise.race([next(), stopped]);
    } finally {
      clearTimeout(suspect);
      unsubscribe();
    }
    if (c.error && isDatabaseUnavailable(c.error)) watch.check();
  };
}
