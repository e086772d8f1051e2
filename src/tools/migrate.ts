/** `deno task migrate`: applies pending migrations to the configured database and exits. */
import { configFromEnvironment } from "../config.ts";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { openDatabase } from "../infra/db.ts";
import { createLogger } from "../infra/log.ts";
import { loadMigrations, migrate, MigrationError } from "../infra/migrations.ts";
import { lockDataDir } from "../infra/data-dir-lock.ts";

const config = configFromEnvironment();
const log = createLogger(config.logLevel);
const dataDir = config.databaseUrl ? undefined : join(config.dataDir, "pglite");
if (dataDir) await mkdir(dataDir, { recursive: true });
const unlock = dataDir
  ? await lockDataDir(config.dataDir).catch((error) => {
    console.error(error.message);
    Deno.exit(1);
  })
  : async () => {};
const db = await openDatabase({
  url: config.databaseUrl,
  poolMax: 1,
  dataDir,
  log,
});
try {
  const applied = await migrate(db.sql, await loadMigrations());
  console.log(applied.length ? `Applied: ${applied.join(", ")}` : "The database is up to date.");
} catch (error) {
  console.error(error instanceof MigrationError ? error.message : `Migration failed: ${error}`);
  Deno.exitCode = 1;
} finally {
  await db.close();
  await unlock();
}
