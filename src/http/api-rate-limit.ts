import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./env.ts";
import { AppError } from "./errors.ts";
import { type Limit, type RateLimiter, rateLimitHeaders } from "./rate-limit.ts";

/**
 * The API's request budget per minute. Staff and admins count per user (a shop's kiosks
 * share one address); everyone else per client address. If the store is unreachable the
 * request goes through rather than the shop going down with it.
 */
export function apiRateLimit(limiter: RateLimiter, perMinute: number): MiddlewareHandler<AppEnv> {
  const rule: Limit = { bucket: "api", limit: perMinute, windowMs: 60_000 };
  return async function limitApi(c, next) {
    const user = c.get("user");
    const who = user && user.role !== "customer" ? `user:${user.id}` : `ip:${c.get("meta").ip}`;
    const state = await limiter.hit(rule, who).catch(() => null);
    if (!state) return await next();
    const headers = rateLimitHeaders(state, rule);
    if (!state.allowed) {
      const seconds = headers["Retry-After"];
      throw new AppError(
        429,
        "rate_limited",
        `Too many requests. Try again in ${seconds} second${seconds === "1" ? "" : "s"}.`,
        undefined,
        headers,
      );
    }
    await next();
    // A route with a limit of its own (the sign-in lockout) has already said which applies.
    if (c.res.headers.has("RateLimit")) return;
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
  };
}
