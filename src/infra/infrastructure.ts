import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "../config.ts";
import { lockDataDir } from "./data-dir-lock.ts";
import { type Database, openDatabase } from "./db.ts";
import type { Logger } from "./log.ts";
import { loadMigrations, migrate } from "./migrations.ts";
import { openQueue } from "./open-queue.ts";
import { openStore } from "./open-store.ts";
import type { Queue } from "./queue.ts";
import type { Store } from "./store.ts";

export interface Infrastructure {
  db: Database;
  store: Store;
  queue: Queue;
  close(): Promise<void>;
}

export interface InfrastructureOptions {
  /** Namespaces for store keys and queue names (tests use their own). */
  storePrefix?: string;
  queuePrefix?: string;
  /** Start the embedded database from this dump instead of DATA_DIR (tests). */
  loadDataDir?: Blob;
  retryDelayMs?: (attempt: number) => number;
  /** How this process's database connections are named (pg_stat_activity, metrics). */
  applicationName?: string;
}

/** Opens the database (and migrates it), the store and the queue that the config names. */
export async function openInfrastructure(
  config: Config,
  log: Logger,
  options: InfrastructureOptions = {},
): Promise<Infrastructure> {
  let dataDir: string | undefined;
  let socketDir: string | undefined;
  const opened: { close(): Promise<void> }[] = [];
  if (!config.databaseUrl && !options.loadDataDir) {
    dataDir = join(config.dataDir, "pglite");
    socketDir = join(config.dataDir, "run");
    await mkdir(dataDir, { recursive: true });
    opened.push({ close: await lockDataDir(config.dataDir) });
  }
  try {
    const db = await openDatabase({
      url: config.databaseUrl,
      poolMax: config.databasePoolMax,
      dataDir,
      socketDir,
      loadDataDir: options.loadDataDir,
      log,
      applicationName: options.applicationName,
    });
    opened.push(db);
    const applied = await migrate(db.sql, await loadMigrations());
    if (applied.length) log.info("migrations applied", { applied });
    const store = await openStore({
      url: config.redisUrl,
      prefix: options.storePrefix ?? `${config.keyPrefix}:`,
      log,
    });
    opened.push(store);
    const queue = await openQueue({
      url: config.amqpUrl,
      prefix: options.queuePrefix ?? `${config.keyPrefix}.`,
      log,
      retryDelayMs: options.retryDelayMs,
    });
    opened.push(queue);
    return {
      db,
      store,
      queue,
      close: async () => {
        for (const part of opened.reverse()) await part.close();
      },
    };
  } catch (error) {
    for (const part of opened.reverse()) await part.close().catch(() => {});
    throw error;
  }
}
