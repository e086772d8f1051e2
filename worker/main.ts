import { configFromEnvironment } from "../src/config.ts";
import { createLogger, errorFields } from "../src/infra/log.ts";
import { openInfrastructure } from "../src/infra/infrastructure.ts";
import { startConsumers, stopConsumers, workerDeps } from "./handlers/index.ts";

/** The job worker: consumes the queues until SIGINT/SIGTERM, then finishes what it holds. */
const config = configFromEnvironment();
const log = createLogger(config.logLevel).child({ process: "worker" });

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
  const infra = await openInfrastructure(config, log);
  const consumers = await startConsumers(
    workerDeps(config, { sql: infra.db.sql, queue: infra.queue, log }),
  );
  log.info("worker started", { queue: infra.queue.kind, db: infra.db.kind });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("worker stopping", { signal });
    await stopConsumers(consumers);
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
