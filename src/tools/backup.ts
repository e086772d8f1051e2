/**
 * `deno task backup --out FILE`: a consistent backup of the whole bakery (database and
 * uploaded images) while it runs. `--out -` writes to standard output.
 *
 * - DATABASE_URL set: read straight from PostgreSQL, in one snapshot.
 * - Embedded: a running shop is asked through DATA_DIR/control.sock (only its process may
 *   open the embedded database); a stopped one is opened here.
 */
import { createWriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import process from "node:process";
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { configFromEnvironment } from "../config.ts";
import { CONTROL_SOCKET } from "../backup/control.ts";
import { writeBackup } from "../backup/dump.ts";
import { lockDataDir } from "../infra/data-dir-lock.ts";
import { openDatabase } from "../infra/db.ts";
import { createLogger } from "../infra/log.ts";

const config = configFromEnvironment();
const log = createLogger("warn");
const { values } = parseArgs({ args: Deno.args, options: { out: { type: "string" } } });
if (!values.out) {
  console.error("Usage: deno task backup --out FILE   (FILE may be - for standard output)");
  Deno.exit(2);
}
const toStdout = values.out === "-";
const partial = `${values.out}.partial`;
const say = (line: string) => toStdout ? console.error(line) : console.log(line);

/** Where the archive goes: a temporary name renamed when whole, or standard output. */
const output = (): Writable => toStdout ? process.stdout : createWriteStream(partial);

async function fromRunningShop(socket: string): Promise<boolean> {
  const client = Deno.createHttpClient({ proxy: { transport: "unix", path: socket } });
  try {
    const res = await fetch("http://crumb/backup", { client }).catch(() => undefined);
    if (!res?.ok || !res.body) return false;
    say("Asking the running shop for its backup…");
    await pipeline(Readable.fromWeb(res.body as never), output());
    return true;
  } finally {
    client.close();
  }
}

async function directly() {
  const embedded = !config.databaseUrl;
  const unlock = embedded ? await lockDataDir(config.dataDir) : async () => {};
  try {
    const db = await openDatabase({
      url: config.databaseUrl,
      poolMax: 2,
      dataDir: embedded ? join(config.dataDir, "pglite") : undefined,
      log,
      applicationName: "crumb-backup",
    });
    try {
      const { manifest, snapshotMs } = await writeBackup(
        { sql: db.sql, kind: db.kind, dataDir: config.dataDir },
        output(),
      );
      const rows = manifest.tables.reduce((sum, t) => sum + t.rows, 0);
      say(
        `${manifest.tables.length} tables, ${rows} rows, ${manifest.uploads.files} uploaded files (snapshot ${
          Math.round(snapshotMs)
        } ms).`,
      );
    } finally {
      await db.close();
    }
  } finally {
    await unlock();
  }
}

try {
  const socket = join(config.dataDir, CONTROL_SOCKET);
  const asked = !config.databaseUrl && await fromRunningShop(socket);
  if (!asked) {
    if (!config.databaseUrl) {
      await stat(join(config.dataDir, "pglite")).catch(() => {
        throw new Error(`There is no embedded database in ${config.dataDir} to back up.`);
      });
    }
    await directly();
  }
  if (!toStdout) {
    await rename(partial, values.out);
    say(`Backup written to ${values.out} (${(await stat(values.out)).size} bytes).`);
  }
} catch (error) {
  if (!toStdout) await rm(partial, { force: true });
  console.error(`Backup failed: ${(error as Error).message}`);
  Deno.exit(1);
}
