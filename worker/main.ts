import { hostname } from "node:os";
import { configFromEnvironment } from "../src/config.ts";
import { createLogger, errorFields } from "../src/infra/log.ts";
import { openInfrastructure } from "../src/infra/infrastructure.ts";
import { createMetrics } from "../src/metrics/metrics.ts";
import { countedQueue, poolState } from "../src/metrics/instrument.ts";
import { startConsumers, stopConsumers, workerDeps } from "./handlers/index.ts";
import { workerHttp } from "./http.ts";

/** The job worker: consumes the queues until SIGINT/SIGTERM, then finishes what it holds. */
const config = configFromEnvironment();
const log = createLogger(config.logLevel).child({ process: "worker" });
/** The worker's /metrics, /healthz and /readyz, when METRICS_PORT does not say otherwise. */
const DEFAULT_WORKER_METRICS_PORT = 9091;

async function run() {
  if (!config.amqpUrl || !config.databaseUrl) {
    // On embedded parts the app runs these handlers itself. A worker on an embedded database
    // of its own would take the app's messages off RabbitMQ and dead-letter them all (their
    // orders are not in its database).
    console.error(
      "The worker needs AMQP_URL and DATABASE_URL: on embedded parts the app runs the jobs itself.",
    );
    Deno.exit(1);
  }
  const applicationName = `crumb-worker ${hostname()} ${Deno.pid}`;
  const infra = await openInfrastructure(config, log, { applicationName });
  const metrics = createMetrics({ defaults: true });
  metrics.watch({
    pool: poolState(infra.db.sql, applicationName, config.databasePoolMax),
  });
  const queue = countedQueue(infra.queue, metrics);
  const consumers = await startConsumers(
    workerDeps(config, { sql: infra.db.sql, queue, log }),
  );
  const port = config.metricsPort ?? DEFAULT_WORKER_METRICS_PORT;
  const server = Deno.serve(
    { hostname: config.host, port, onListen: () => {} },
    workerHttp({ metrics, token: config.metricsToken, infra, log }).fetch,
  );
  log.info("worker started", { queue: infra.queue.kind, db: infra.db.kind, metricsPort: port });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("worker stopping", { signal });
    await stopConsumers(consumers);
    await server.shutdown();
    await infra.close();
    Deno.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => void shutdown(signal));
  }
}

run().catch((error) => {
  log.error("worker could not start", errorFields(error));
  console.error(`Crumb worker could not start: ${error.message}`);
  Deno.exit(1);
});
