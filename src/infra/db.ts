import { chmod, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import type { Logger } from "./log.ts";

/** The SQL client every feature uses. Inside `sql.begin(tx => …)` use only `tx`. */
// deno-lint-ignore ban-types
export type Sql = postgres.Sql<{}>;
// deno-lint-ignore ban-types
export type Tx = postgres.TransactionSql<{}>;
/** A client or an open transaction: what queries.ts functions take first. */
export type Queryable = Sql | Tx;

export interface Database {
  readonly kind: "postgres" | "pglite";
  readonly sql: Sql;
  ping(): Promise<void>;
  /**
   * A ping on a connection of its own, for outage probes: under load the pool's connections
   * are busy, and a probe queued behind them would take a rush for an outage. (The embedded
   * database is one session in this process: its probe is the ping.)
   */
  probe(): Promise<void>;
  close(): Promise<void>;
  /** Embedded only: a dump to start another embedded database from (a test template). */
  dump?(): Promise<Blob>;
  /** Embedded only: the Unix socket it is served on (no TCP port). */
  readonly socketPath?: string;
}

export interface DatabaseOptions {
  /** postgres:// URL of a real server; without it an embedded PGlite is used. */
  url?: string;
  poolMax: number;
  /** Where the embedded database persists; in memory when absent. */
  dataDir?: string;
  /** A dump (from PGlite.dumpDataDir) to start the embedded database from. */
  loadDataDir?: Blob | File;
  /**
   * Embedded only: the folder of the socket the database is served on (made private to this
   * user); a new temporary one when absent.
   */
  socketDir?: string;
  log: Logger;
  /** How this process's connections are named to PostgreSQL (pg_stat_activity). */
  applicationName?: string;
}

function clientOptions(
  max: number,
  log: Logger,
  applicationName = "crumb",
): postgres.Options<Record<string, never>> {
  return {
    max,
    // Columns arrive as camelCase so rows map straight onto TypeScript shapes.
    transform: { column: { from: postgres.toCamel } },
    onnotice: (notice) => log.debug("postgres notice", { message: notice.message }),
    connection: { application_name: applicationName.slice(0, 63) },
    idle_timeout: 60,
    connect_timeout: 10,
    // Seconds before reconnecting after a failed connection. postgres.js's default grows to
    // 20 s over an outage, so the shop stayed down up to 20 s after the database returned;
    // capped at one, it is back within a second (the watch in db-watch.ts keeps requests
    // from piling onto a database that is away).
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
  };
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    const sql = postgres(
      options.url,
      clientOptions(options.poolMax, options.log, options.applicationName),
    ) as Sql;
    // Connected now and kept: a probe under load must not wait for a new connection.
    const probe = postgres(options.url, {
      ...clientOptions(1, options.log, `${options.applicationName ?? "crumb"} probe`),
      connect_timeout: 2,
      idle_timeout: 0,
    });
    probe`select 1`.catch(() => {});
    return {
      kind: "postgres",
      sql,
      ping: async () => void await sql`select 1`,
      probe: async () => void await probe`select 1`,
      close: async () => {
        await Promise.all([sql.end({ timeout: 5 }), probe.end({ timeout: 1 })]);
      },
    };
  }
  return await openEmbedded(options);
}

/** The port in the socket's name, as PostgreSQL names its own (`.s.PGSQL.5432`). */
const SOCKET_PORT = 5432;
/** Unix socket paths are limited to about 107 bytes; longer ones get a temporary folder. */
const MAX_SOCKET_PATH = 100;

/**
 * A folder only this user may enter, for the database's socket. PGlite asks for no password,
 * so the socket's permissions are what keeps other local users and processes out: the folder
 * (0700) from the moment the socket exists, the socket itself (0600) as well.
 */
async function privateSocketDir(wanted: string | undefined) {
  const path = wanted && join(wanted, `.s.PGSQL.${SOCKET_PORT}`);
  if (wanted && path!.length <= MAX_SOCKET_PATH) {
    await mkdir(wanted, { recursive: true, mode: 0o700 });
    await chmod(wanted, 0o700);
    // Left behind by a process that was killed; the data directory's lock says it is gone.
    await rm(path!, { force: true });
    return { dir: wanted, path: path!, remove: () => rm(path!, { force: true }) };
  }
  const dir = await mkdtemp(join(tmpdir(), "crumb-db-"));
  const temporary = join(dir, `.s.PGSQL.${SOCKET_PORT}`);
  return { dir, path: temporary, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * PGlite is a single Postgres session; pglite-socket serves it over the wire protocol so the
 * same postgres.js client (and the same SQL) runs against it. It listens on a Unix socket in a
 * private folder, never on a TCP port another local process could reach.
 */
async function openEmbedded(options: DatabaseOptions): Promise<Database> {
  const pglite = await PGlite.create({
    dataDir: options.dataDir,
    loadDataDir: options.loadDataDir,
  });
  // One connection: pglite-socket interleaves the extended-protocol messages of concurrent
  // connections, so a second connection can receive another query's rows. postgres.js
  // pipelines everything over the one connection instead; PGlite runs one query at a time
  // anyway. (Hence the rule: inside `sql.begin(tx => …)` use only `tx`.)
  const max = 1;
  const socket = await privateSocketDir(options.socketDir);
  const server = new PGLiteSocketServer({ db: pglite, path: socket.path, maxConnections: 2 });
  try {
    await server.start();
    await chmod(socket.path, 0o600);
  } catch (error) {
    await server.stop().catch(() => {});
    await pglite.close().catch(() => {});
    await socket.remove();
    throw error;
  }
  const sql = postgres({
    host: socket.dir,
    port: SOCKET_PORT,
    database: "postgres",
    username: "postgres",
    ...clientOptions(max, options.log),
  }) as Sql;
  return {
    kind: "pglite",
    sql,
    socketPath: socket.path,
    ping: async () => void await sql`select 1`,
    probe: async () => void await sql`select 1`,
    dump: () => pglite.dumpDataDir("none"),
    close: async () => {
      await sql.end({ timeout: 5 });
      await server.stop();
      await pglite.close();
      await socket.remove();
    },
  };
}
