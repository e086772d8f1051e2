import type { MiddlewareHandler } from "hono";
import { Hono } from "hono";
import { timingSafeEqual } from "node:crypto";
import { Buffer } from "node:buffer";
import { exposition, type Metrics, stopwatch } from "./metrics.ts";

/**
 * The duration of every request, labelled by the route pattern that answered it
 * (`/orders/:id`, never `/orders/42`: one series per route, not per URL) and the status.
 * Requests no route matched share one label, so scanners cannot grow the series.
 */
export function httpMetrics(metrics: Metrics): MiddlewareHandler {
  return async function measureRequest(c, next) {
    const elapsed = stopwatch();
    try {
      await next();
    } finally {
      const route = c.req.routePath;
      metrics.httpDuration.observe({
        method: c.req.method,
        route: route === "/*" || route === "*" ? "unmatched" : route,
        status: String(c.res.status),
      }, elapsed());
    }
  };
}

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * `GET /metrics` in Prometheus' text format. With a token, only for `Authorization: Bearer
 * <token>` (others get 401 and learn nothing).
 */
export function metricsRoute(metrics: Metrics, token?: string) {
  return new Hono().get("/metrics", async (c) => {
    if (token) {
      const given = c.req.header("Authorization")?.match(/^Bearer\s+(.+)$/i)?.[1] ?? "";
      if (!sameSecret(given, token)) {
        c.header("WWW-Authenticate", 'Bearer realm="metrics"');
        return c.json(
          { error: { code: "unauthorized", message: "A metrics token is needed." } },
          401,
        );
      }
    }
    const { body, contentType } = await exposition(metrics);
    c.header("Cache-Control", "no-store");
    return c.body(body, 200, { "Content-Type": contentType });
  });
}

/**
 * Where `/metrics` is served: on its own port when METRICS_PORT is set (and not on the shop's);
 * else on the shop's port behind METRICS_TOKEN; in production never open to anyone without one.
 */
export function metricsPlacement(
  config: { env: string; metricsPort?: number; metricsToken?: string },
): "own-port" | "shop-port" | "off" {
  if (config.metricsPort !== undefined) return "own-port";
  if (config.metricsToken || config.env !== "production") return "shop-port";
  return "off";
}
