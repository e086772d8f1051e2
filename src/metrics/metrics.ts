import client from "prom-client";

/**
 * Every metric Crumb exports, in a registry of its own per process (tests build many apps in
 * one process, each with its own). Counters and histograms are updated where things happen;
 * gauges that describe state (streams open, outbox backlog, database connections) are read
 * when Prometheus scrapes, from the sources the process registers with `watch`.
 */
export interface MetricSources {
  /** Open event streams by topic family ("board", "stock", "order" …). */
  streams?: () => Map<string, number>;
  /** Outbox rows not yet published, and the age of the oldest in seconds. */
  outbox?: () => Promise<{ pending: number; oldestSeconds: number }>;
  /** Connections of this process's pool by state, and the pool's size. */
  pool?: () => Promise<{ inUse: number; open: number; max: number } | undefined>;
}

const secondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * prom-client's default collectors include three gauges named `…_total`, which promtool
 * rejects (a `_total` suffix is for counters); their values are also exported without the
 * suffix (`nodejs_active_handles` …), so nothing is lost by leaving them out.
 */
const REJECTED_DEFAULTS = [
  "nodejs_active_handles_total",
  "nodejs_active_requests_total",
  "nodejs_active_resources_total",
];

export function createMetrics(
  options: { defaults?: boolean; labels?: Record<string, string> } = {},
) {
  const registry = new client.Registry();
  if (options.labels) registry.setDefaultLabels(options.labels);
  if (options.defaults) {
    client.collectDefaultMetrics({ register: registry });
    for (const name of REJECTED_DEFAULTS) registry.removeSingleMetric(name);
  }
  const registers = [registry];
  const sources: MetricSources = {};

  const counter = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
    new client.Counter<L>({ name, help, labelNames, registers });
  const histogram = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
    new client.Histogram<L>({ name, help, labelNames, buckets: secondsBuckets, registers });

  const metrics = {
    registry,
    httpDuration: histogram(
      "http_request_duration_seconds",
      "Time to answer an HTTP request (to its headers for streams), by route pattern and status.",
      ["method", "route", "status"],
    ),
    ordersPlaced: counter("crumb_orders_placed_total", "Orders placed (replays not counted)."),
    ordersRefused: counter(
      "crumb_orders_refused_total",
      "Orders refused, by reason (insufficient_stock, coupon_invalid, validation_failed …).",
      ["reason"],
    ),
    checkoutDuration: histogram(
      "crumb_checkout_duration_seconds",
      "Time to place an order, from the request's checks to its commit.",
      ["outcome"],
    ),
    fanoutDelivery: histogram(
      "crumb_fanout_delivery_seconds",
      "From an event's publication to its frames being written to this instance's streams.",
      ["topic"],
    ),
    queuePublished: counter("crumb_queue_published_total", "Jobs published, by queue.", ["queue"]),
    queueConsumed: counter(
      "crumb_queue_consumed_total",
      "Jobs handled successfully, by queue.",
      ["queue"],
    ),
    queueRetried: counter(
      "crumb_queue_retried_total",
      "Job attempts that failed and will be tried again, by queue.",
      ["queue"],
    ),
    queueDeadLettered: counter(
      "crumb_queue_dead_lettered_total",
      "Jobs moved to the dead letters after their last attempt, by queue.",
      ["queue"],
    ),
    jobDuration: histogram(
      "crumb_job_duration_seconds",
      "Time a job handler ran, by queue and outcome.",
      ["queue", "outcome"],
    ),
    cacheHits: counter("crumb_cache_hits_total", "Cache reads answered from the cache.", [
      "cache",
    ]),
    cacheMisses: counter("crumb_cache_misses_total", "Cache reads that went to the database.", [
      "cache",
    ]),
    rateLimited: counter(
      "crumb_rate_limit_refusals_total",
      "Requests refused by a rate limit, by limit.",
      ["limit"],
    ),
    signinFailures: counter(
      "crumb_signin_failures_total",
      "Sign-ins refused for a wrong email or password.",
    ),
    /** Registers where the scrape-time gauges read from; later calls add to earlier ones. */
    watch(more: MetricSources) {
      if (more.pool && !sources.pool) poolGauges(registers, more.pool);
      Object.assign(sources, more);
    },
  };

  new client.Gauge({
    name: "crumb_sse_clients",
    help: "Event streams open on this instance, by topic family.",
    labelNames: ["topic"],
    registers,
    collect() {
      this.reset();
      for (const [topic, n] of sources.streams?.() ?? []) this.set({ topic }, n);
    },
  });
  const outbox = shared(async () => await sources.outbox?.().catch(() => undefined));
  new client.Gauge({
    name: "crumb_outbox_pending",
    help: "Outbox events committed but not yet published to the queue.",
    registers,
    async collect() {
      const state = await outbox();
      if (state) this.set(state.pending);
    },
  });
  new client.Gauge({
    name: "crumb_outbox_oldest_pending_seconds",
    help: "Age of the oldest outbox event not yet published (0 when none waits).",
    registers,
    async collect() {
      const state = await outbox();
      if (state) this.set(state.oldestSeconds);
    },
  });
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;

/** The pool's gauges, only for a process whose database can tell (PostgreSQL). */
function poolGauges(registers: client.Registry[], read: NonNullable<MetricSources["pool"]>) {
  const pool = shared(async () => await read().catch(() => undefined));
  new client.Gauge({
    name: "crumb_db_pool_in_use",
    help: "Database connections of this process running a query or holding a transaction.",
    registers,
    async collect() {
      const state = await pool();
      if (state) this.set(state.inUse);
    },
  });
  new client.Gauge({
    name: "crumb_db_pool_open",
    help: "Database connections this process holds open.",
    registers,
    async collect() {
      const state = await pool();
      if (state) this.set(state.open);
    },
  });
  new client.Gauge({
    name: "crumb_db_pool_max",
    help: "The most connections this process's pool opens (DATABASE_POOL_MAX).",
    registers,
    async collect() {
      const state = await pool();
      if (state) this.set(state.max);
    },
  });
}

/**
 * One read shared by the gauges of one scrape: prom-client starts every gauge's collect in
 * the same turn, so they find the read still in flight (three gauges, one query).
 */
function shared<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  return () => inFlight ??= read().finally(() => (inFlight = undefined));
}

/** A timer in seconds. */
export const stopwatch = () => {
  const start = performance.now();
  return () => (performance.now() - start) / 1000;
};

/** The text Prometheus reads, and its content type. */
export async function exposition(metrics: Metrics) {
  return {
    body: await metrics.registry.metrics(),
    contentType: metrics.registry.contentType,
  };
}
