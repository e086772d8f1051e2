import type { MiddlewareHandler } from "hono";
import { clientIp } from "./client-ip.ts";
import type { AppEnv } from "./env.ts";

/** Records where the request came from, once, for limits and the audit log. */
export function requestMeta(trustedProxies: string[]): MiddlewareHandler<AppEnv> {
  return async function recordMeta(c, next) {
    c.set("meta", {
      ip: clientIp(c, trustedProxies),
      userAgent: c.req.header("User-Agent")?.slice(0, 300) ?? "",
    });
    await next();
  };
}
