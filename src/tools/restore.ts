/**
 * `deno task restore FILE`: brings a backup back into an empty database (DATABASE_URL) or an
 * empty DATA_DIR (embedded), uploaded images included. Stop the shop first; start it after.
 */
import { createReadStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import process from "node:process";
import { configFromEnvironment } from "../config.ts";
import { BackupError } from "../backup/manifest.ts";
import { restoreBackup } from "../backup/restore.ts";
import { lockDataDir } from "../infra/data-dir-lock.ts";
import { openDatabase } from "../infra/db.ts";
import { createLogger } from "../infra/log.ts";
import { loadMigrations, MigrationError } from "../infra/migrations.ts";

const config = configFromEnvironment();
const log = createLogger("warn");
const file = Deno.args[0];
if (!file) {
  console.error("Usage: deno task restore FILE   (FILE may be - for standard input)");
  Deno.exit(2);
}

const embedded = !config.databaseUrl;
try {
  if (embedded) await mkdir(join(config.dataDir, "pglite"), { recursive: true });
  const unlock = embedded ? await lockDataDir(config.dataDir) : async () => {};
  try {
    const db = await openDatabase({
      url: config.databaseUrl,
      poolMax: 2,
      dataDir: embedded ? join(config.dataDir, "pglite") : undefined,
      log,
      applicationName: "crumb-restore",
    });
    try {
      const started = performance.now();
      const { manifest, rows, uploads } = await restoreBackup(
        { sql: db.sql, dataDir: config.dataDir, migrations: await loadMigrations() },
        file === "-" ? process.stdin : createReadStream(file),
      );
      console.log(
        `Restored the backup of ${manifest.createdAt} (from ${manifest.source}): ${manifest.tables.length} tables, ${rows} rows, ${uploads} uploaded files, in ${
          Math.round(performance.now() - started)
        } ms. Start the shop now.`,
      );
    } finally {
      await db.close();
    }
  } finally {
    await unlock();
  }
} catch (error) {
  const known = error instanceof BackupError || error instanceof MigrationError;
  console.error(`Restore failed: ${known ? (error as Error).message : String(error)}`);
  Deno.exit(1);
}
