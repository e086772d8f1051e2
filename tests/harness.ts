import { mkdir, writeFile } from "node:fs/promises";
import postgres from "postgres";
import { type Config, loadConfig } from "../src/config.ts";
import { type Database, openDatabase } from "../src/infra/db.ts";
import { type Logger, silentLogger } from "../src/infra/log.ts";
import { loadMigrations, migrate } from "../src/infra/migrations.ts";
import { openQueue } from "../src/infra/open-queue.ts";
import { openStore } from "../src/infra/open-store.ts";
import type { Queue } from "../src/infra/queue.ts";
import type { Store } from "../src/infra/store.ts";
import { createLiveHub, type LiveHub } from "../src/live/hub.ts";
import { type AppDeps, createApp, createServices, type Services } from "../src/app.ts";
import { staticRoot } from "../src/assets.ts";
import { seedDemoCatalog } from "../src/catalog/seed.ts";
import { prepareBakeryDays } from "../src/bakery/bootstrap.ts";
import { randomToken } from "../src/infra/digest.ts";
import type { GeneratedSecrets } from "../src/infra/secrets.ts";

/**
 * Test infrastructure: the real servers named by DATABASE_URL / REDIS_URL / AMQP_URL when
 * set, otherwise the embedded parts. Every context gets its own database, key prefix and
 * queue names, so test files never see each other's data.
 */
const env = process.env;
export const backends = {
  db: env.DATABASE_URL ? "postgres" : "pglite",
  store: env.REDIS_URL ? "redis" : "memory",
  queue: env.AMQP_URL ? "rabbitmq" : "memory",
} as const;

export const uniqueId = () => crypto.randomUUID().replaceAll("-", "").slice(0, 12);

/** Secrets of this test run, as the app would make them at its first start. */
export const testSecrets: GeneratedSecrets = {
  sessionSecret: randomToken(32),
  jwtKeys: `test:${randomToken(32)}`,
};

export function testConfig(overrides: Record<string, string> = {}): Config {
  return {
    ...loadConfig({
      CRUMB_ENV: "test",
      DATABASE_URL: env.DATABASE_URL,
      REDIS_URL: env.REDIS_URL,
      AMQP_URL: env.AMQP_URL,
      DATA_DIR: "/nonexistent",
      // Refused sign-ins answer at once here; brute-force.test.ts checks the pause itself.
      SIGNIN_REFUSAL_PAUSE_MS: "0",
      ...overrides,
    }, testSecrets),
  };
}

let template: Promise<Blob> | undefined;

/** A migrated embedded database, dumped once per test worker and loaded per context. */
function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const db = await openDatabase({ poolMax: 1, log: silentLogger });
    await migrate(db.sql, await loadMigrations());
    const blob = await db.dump!();
    await db.close();
    return blob;
  })();
  return template;
}

/**
 * A fresh, migrated database of its own. On a real server, `via` may lead the connections
 * somewhere else first (a TCP proxy a test can break).
 */
export async function createTestDatabase(
  log: Logger = silentLogger,
  via?: (url: string) => Promise<string>,
): Promise<Database> {
  if (!env.DATABASE_URL) {
    return await openDatabase({ poolMax: 4, loadDataDir: await pgliteTemplate(), log });
  }
  const name = `crumb_test_${uniqueId()}`;
  const admin = postgres(env.DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(env.DATABASE_URL);
  url.pathname = `/${name}`;
  const db = await openDatabase({
    url: via ? await via(url.toString()) : url.toString(),
    poolMax: 8,
    log,
  });
  await migrate(db.sql, await loadMigrations());
  return {
    ...db,
    close: async () => {
      await db.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

export function createTestStore(prefix = `test:${uniqueId()}:`, now?: () => number) {
  return openStore({ url: env.REDIS_URL, prefix, log: silentLogger, now });
}

export function createTestQueue(prefix = `test.${uniqueId()}.`, retryDelayMs = 20) {
  return openQueue({
    url: env.AMQP_URL,
    prefix,
    log: silentLogger,
    retryDelayMs: () => retryDelayMs,
  });
}

export interface TestContext {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  services: Services;
  db: Database;
  sql: Database["sql"];
  store: Store;
  queue: Queue;
  live: LiveHub;
  close(): Promise<void>;
}

export interface TestContextOptions {
  config?: Record<string, string>;
  /**
   * The demo catalog: `true` as a shop that has just upgraded (every product on the shelf
   * with its stock), `"bakery"` as the demo bakery starts (breads daily, cakes made to order).
   */
  seed?: boolean | "bakery";
  /** Share these with another context, as two app instances share servers. */
  db?: Database;
  store?: Store;
  queue?: Queue;
  log?: Logger;
}

/** An app on its own infrastructure, requested through `app.request()`. */
export async function createTestContext(options: TestContextOptions = {}): Promise<TestContext> {
  const config = testConfig(options.config);
  const log = options.log ?? silentLogger;
  const db = options.db ?? await createTestDatabase();
  const store = options.store ?? await createTestStore();
  const queue = options.queue ?? await createTestQueue();
  const live = await createLiveHub(store, log, config.sseHeartbeatSeconds * 1000, {
    anonymousPerNetwork: config.anonymousStreamsPerAddress,
  });
  if (options.seed) await seedDemoCatalog(db.sql, { schedules: options.seed === "bakery" });
  await prepareBakeryDays(db.sql, config);
  const deps: AppDeps = {
    config,
    db,
    store,
    queue,
    live,
    log,
    assetVersion: "test",
    staticRoot,
  };
  const services = createServices(deps);
  const app = createApp(deps, services);
  await recordBackends({ db: db.kind, store: store.kind, queue: queue.kind });
  return {
    app,
    deps,
    services,
    db,
    sql: db.sql,
    store,
    queue,
    live,
    close: async () => {
      await services.relay.stop();
      await live.close();
      if (!options.queue) await queue.close();
      if (!options.store) await store.close();
      if (!options.db) await db.close();
    },
  };
}

/** CI reads this to prove which servers the suite really ran against. */
async function recordBackends(kinds: Record<string, string>) {
  await mkdir("test-results", { recursive: true });
  await writeFile("test-results/backends.json", JSON.stringify(kinds) + "\n");
}

/** Polls until `check` passes or the deadline is reached (for effects of other processes). */
export async function eventually<T>(
  check: () => T | Promise<T>,
  { timeoutMs = 5000, intervalMs = 10 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const result = await check();
      if (result !== false && result !== undefined && result !== null) return result;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw lastError ?? new Error(`condition not met within ${timeoutMs} ms`);
}

/** A promise the test resolves by hand: holds a handler in flight. */
export function gate() {
  let open!: () => void;
  const closed = new Promise<void>((resolve) => (open = resolve));
  return { closed, open };
}

/** Whether `operation` fails with an error of `type` (rather than succeeding or failing otherwise). */
export const rejectsWith = async (
  operation: () => Promise<unknown>,
  type: new (...args: never[]) => Error,
) => {
  try {
    await operation();
    return false;
  } catch (error) {
    return error instanceof type;
  }
};
