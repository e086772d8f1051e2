import type { MiddlewareHandler } from "hono";
import type { Logger } from "../infra/log.ts";

/** One JSON line per request: id, method, path, status and milliseconds. */
export function requestLog(log: Logger): MiddlewareHandler {
  return async function logRequest(c, next) {
    const started = performance.now();
    await next();
    log.info("request", {
      requestId: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  };
}
