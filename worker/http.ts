import { Hono } from "hono";
import type { Infrastructure } from "../src/infra/infrastructure.ts";
import type { Logger } from "../src/infra/log.ts";
import { metricsRoute } from "../src/metrics/http.ts";
import type { Metrics } from "../src/metrics/metrics.ts";
import { opsRoutes } from "../src/ops/routes.ts";

/**
 * The worker's own small HTTP server: `/metrics` for Prometheus and the same `/healthz` and
 * `/readyz` as the app, for the orchestrator's probes.
 */
export function workerHttp(
  { metrics, token, infra, log }: {
    metrics: Metrics;
    token?: string;
    infra: Pick<Infrastructure, "db" | "store" | "queue">;
    log: Logger;
  },
) {
  return new Hono()
    .route("/", metricsRoute(metrics, token))
    .route(
      "/",
      opsRoutes({ database: infra.db.ping, store: infra.store.ping, queue: infra.queue.ping }, log),
    );
}
