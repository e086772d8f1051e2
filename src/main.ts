import { configFromEnvironment } from "./config.ts";
import { createLogger, errorFields } from "./infra/log.ts";
import { openInfrastructure } from "./infra/infrastructure.ts";
import { createLiveHub } from "./live/hub.ts";
import { createApp, createServices } from "./app.ts";
import { readAssetVersion, staticRoot } from "./assets.ts";
import { catalogIsEmpty, seedDemoCatalog } from "./catalog/seed.ts";
import { seedDemoCoupons } from "./coupons/demo.ts";
import { demoAccounts, generateDemoPassword, seedDemoAccounts } from "./accounts/demo.ts";
import { startConsumers, stopConsumers, workerDeps } from "../worker/handlers/index.ts";
import { startHousekeepingSchedule } from "./housekeeping/schedule.ts";
import { hostname } from "node:os";
import { createMetrics } from "./metrics/metrics.ts";
import { metricsPlacement, metricsRoute } from "./metrics/http.ts";
import { countedQueue, poolState } from "./metrics/instrument.ts";
import { topicFamily } from "./live/hub.ts";
import { join } from "node:path";
import { rm } from "node:fs/promises";
import { CONTROL_SOCKET, controlRoutes } from "./backup/control.ts";
import { dailyBackups } from "./backup/daily.ts";
import { prepareBakeryDays } from "./bakery/bootstrap.ts";
import { prepareAnalytics } from "./analytics/startup.ts";

const config = configFromEnvironment();
const log = createLogger(config.logLevel);

async function start() {
  if (config.secretsGenerated) {
    log.info("using the secrets kept in DATA_DIR", { file: `${config.dataDir}/secrets.json` });
    if (config.databaseUrl) {
      log.warn(
        "SESSION_SECRET and JWT_KEYS are not set: this instance signs with its own secrets from DATA_DIR; give every instance of the shop the same ones",
      );
    }
  }
  const assetVersion = await readAssetVersion();
  const applicationName = `crumb-app ${hostname()} ${Deno.pid}`;
  const infra = await openInfrastructure(config, log, { applicationName });
  const { db, store } = infra;
  const metrics = createMetrics({ defaults: true });
  const queue = countedQueue(infra.queue, metrics);
  if (db.kind === "postgres") {
    metrics.watch({ pool: poolState(db.sql, applicationName, config.databasePoolMax) });
  }
  const { imported } = await prepareBakeryDays(db.sql, config);
  if (imported) log.info("opening hours imported into the calendar", { from: "OPENING_HOURS" });

  const freshDemo = config.seedDemoData && await catalogIsEmpty(db.sql);
  if (freshDemo) {
    const { productsCreated } = await seedDemoCatalog(db.sql);
    await seedDemoCoupons(db.sql);
    log.info("demo catalog seeded", { productsCreated });
  }
  const demoPassword = config.seedDemoData
    ? config.demoPassword ?? generateDemoPassword()
    : undefined;
  if (demoPassword) await seedDemoAccounts(db.sql, demoPassword);

  const live = await createLiveHub(
    store,
    log,
    config.sseHeartbeatSeconds * 1000,
    { anonymousPerNetwork: config.anonymousStreamsPerAddress },
    (topic, seconds) => metrics.fanoutDelivery.observe({ topic: topicFamily(topic) }, seconds),
  );
  const deps = { config, db, store, queue, live, log, assetVersion, staticRoot, metrics };
  const services = createServices(deps);
  const app = createApp(deps, services);
  services.relay.start();
  // Due clean-ups go on the queue like any job; one instance enqueues each run.
  const housekeeping = startHousekeepingSchedule({
    sql: db.sql,
    log,
    afterEnqueue: () => void services.relay.kick(),
  });
  // On embedded parts there is no separate worker: the same handlers run here.
  const consumers = config.workerInProcess
    ? await startConsumers(workerDeps(config, { sql: db.sql, queue, log }))
    : [];

  const server = Deno.serve({
    hostname: config.host,
    port: config.port,
    onListen: ({ port }) => {
      const host = ["0.0.0.0", "::", "127.0.0.1"].includes(config.host) ? "localhost" : config.host;
      const url = config.publicUrl ?? `http://${host}:${port}`;
      log.info("listening", { url, db: db.kind, store: store.kind, queue: queue.kind });
      console.log(`\n  🥐 ${config.shopName} is open at ${url}\n`);
      if (demoPassword) {
        console.log(`  Demo sign-ins (password: ${demoPassword}):`);
        for (const account of demoAccounts) {
          console.log(`    ${account.email.padEnd(22)} ${account.role}`);
        }
        console.log("");
      }
    },
  }, app.fetch);
  // After the shop listens: the first page never waits for a history or a rollup build.
  void prepareAnalytics(db.sql, {
    timeZone: config.timeZone,
    currency: config.currency,
    freshDemo,
    log,
  });

  const placement = metricsPlacement(config);
  const metricsServer = placement === "own-port"
    ? Deno.serve(
      { hostname: config.host, port: config.metricsPort!, onListen: () => {} },
      metricsRoute(metrics, config.metricsToken).fetch,
    )
    : undefined;
  if (placement === "off") {
    log.warn("metrics are not served: set METRICS_TOKEN or METRICS_PORT to read /metrics");
  }

  // One container on the embedded database: backups come from this process, which alone
  // may open it — each day into DATA_DIR/backups, and on request through the control socket.
  const embedded = db.kind === "pglite";
  const backupSource = { sql: db.sql, kind: db.kind, dataDir: config.dataDir };
  const daily = embedded && config.backupTime
    ? dailyBackups({
      source: backupSource,
      dir: join(config.dataDir, "backups"),
      at: config.backupTime,
      timeZone: config.timeZone,
      keep: config.backupKeep,
      log,
    })
    : undefined;
  daily?.start();
  const socketPath = join(config.dataDir, CONTROL_SOCKET);
  let control: Deno.HttpServer | undefined;
  if (embedded) {
    await rm(socketPath, { force: true }); // left by a process that died: the lock is ours
    try {
      control = Deno.serve(
        { path: socketPath, onListen: () => {} },
        controlRoutes(backupSource, log).fetch,
      );
    } catch (error) {
      log.warn("control socket not opened: `deno task backup` needs the shop stopped", {
        path: socketPath,
        ...errorFields(error),
      });
    }
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { signal });
    const serverDone = server.shutdown();
    await live.close(); // ends the open event streams so the server can drain
    await serverDone;
    await housekeeping.stop();
    await metricsServer?.shutdown();
    await control?.shutdown();
    await rm(socketPath, { force: true }).catch(() => {});
    await daily?.stop();
    await services.relay.stop();
    await stopConsumers(consumers);
    await infra.close();
    log.info("stopped");
    Deno.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => void shutdown(signal));
  }
}

start().catch((error) => {
  log.error("could not start", errorFields(error));
  console.error(`Crumb could not start: ${error.message}`);
  Deno.exit(1);
});
