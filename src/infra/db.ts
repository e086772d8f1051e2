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
  close(): Promise<void>;
  /** Embedded only: a dump to start another embedded database from (a test template). */
  dump?(): Promise<Blob>;
}

export interface DatabaseOptions {
  /** postgres:// URL of a real server; without it an embedded PGlite is used. */
  url?: string;
  poolMax: number;
  /** Where the embedded database persists; in memory when absent. */
  dataDir?: string;
  /** A dump (from PGlite.dumpDataDir) to start the embedded database from. */
  loadDataDir?: Blob | File;
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
  };
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    const sql = postgres(
      options.url,
      clientOptions(options.poolMax, options.log, options.applicationName),
    ) as Sql;
    return {
      kind: "postgres",
      sql,
      ping: async () => void await sql`select 1`,
      close: () => sql.end({ timeout: 5 }),
    };
  }
  return await openEmbedded(options);
}

/**
 * PGlite is a single Postgres session; pglite-socket serves it over the wire protocol
 * so the same postgres.js client (and the same SQL) runs against it.
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
  const server = new PGLiteSocketServer({
    db: pglite,
    host: "127.0.0.1",
    port: 0,
    maxConnections: 2,
  });
  await server.start();
  const [host, port] = server.getServerConn().split(":");
  const sql = postgres({
    host,
    port: Number(port),
    database: "postgres",
    username: "postgres",
    ...clientOptions(max, options.log),
  }) as Sql;
  return {
    kind: "pglite",
    sql,
    ping: async () => void await sql`select 1`,
    dump: () => pglite.dumpDataDir("none"),
    close: async () => {
      await sql.end({ timeout: 5 });
      await server.stop();
      await pglite.close();
    },
  };
}
