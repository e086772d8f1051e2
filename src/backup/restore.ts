import { Buffer } from "node:buffer";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import { dirname, join, normalize, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import tar from "tar-stream";
import type { Sql, Tx } from "../infra/db.ts";
import { checksum, migrate, type Migration } from "../infra/migrations.ts";
import {
  foreignKeys,
  listTables,
  MIGRATIONS_TABLE,
  sequenceNames,
  SHOP_DEFAULTS,
  tablesWithRows,
  useStableText,
} from "./catalog.ts";
import {
  BackupError,
  type BackupManifest,
  checkManifest,
  MANIFEST_NAME,
  UPLOADS_ENTRY,
} from "./manifest.ts";

export interface RestoreTarget {
  sql: Sql;
  /** DATA_DIR: uploaded images are restored into its uploads/ folder. */
  dataDir: string;
  /** This Crumb's migrations; the backup's must be the first of them, unchanged. */
  migrations: Migration[];
}

export interface RestoreSummary {
  manifest: BackupManifest;
  rows: number;
  uploads: number;
}

const ROWS_PER_INSERT = 500;

/**
 * Restores a backup into an empty database (and an empty uploads folder): the backup's
 * migrations are replayed (not the newer ones this Crumb may have: the next start applies
 * those to the restored data as to any other), then every table's rows, the sequences and
 * the images. The rows go in within one transaction, foreign keys dropped while they load
 * and added again at the end, so they are checked once over the whole data; a failure
 * anywhere leaves the database as empty as it was.
 */
export async function restoreBackup(
  target: RestoreTarget,
  input: Readable,
): Promise<RestoreSummary> {
  const uploadsDir = join(target.dataDir, "uploads");
  await refuseNonEmpty(target.sql, uploadsDir);
  const extract = tar.extract();
  const unpacked = pipeline(input, createGunzip(), extract).catch((error) => {
    extract.destroy(error);
  });
  const entries = extract[Symbol.asyncIterator]();
  const first = await entries.next();
  if (first.done || first.value.header.name !== MANIFEST_NAME) {
    throw new BackupError("This file is not a Crumb backup (it does not start with its manifest).");
  }
  const manifest = checkManifest(JSON.parse(await text(first.value)));
  const migrations = await compatibleMigrations(manifest, target.migrations);

  await migrate(target.sql, migrations);
  // Staged inside uploads/ (often a volume of its own: a rename out of it would cross file
  // systems) and moved into place once the database has committed.
  const staging = join(uploadsDir, `.restoring-${crypto.randomUUID()}`);
  let rows = 0;
  let uploads = 0;
  try {
    await target.sql.begin(async (tx) => {
      await useStableText(tx);
      // The backup holds the stock ledger's rows: loading stock must not add to them.
      await tx`select set_config('crumb.stock_reason', 'restore', true)`;
      const tables = new Map((await listTables(tx)).map((t) => [t.name, t]));
      const keys = await foreignKeys(tx);
      for (const key of keys) {
        await tx`alter table ${tx(key.table)} drop constraint ${tx(key.name)}`;
      }
      for (;;) {
        const next = await entries.next();
        if (next.done) break;
        const entry = next.value;
        const name = entry.header.name;
        if (name.startsWith("db/") && name.endsWith(".jsonl")) {
          const table = tables.get(name.slice(3, -6));
          if (!table || table.name === MIGRATIONS_TABLE) {
            throw new BackupError(`The backup holds a table this database does not have: ${name}`);
          }
          // Only a new shop's defaults can be there (the database was found empty).
          if (SHOP_DEFAULTS.has(table.name)) await tx`delete from ${tx(table.name)}`;
          rows += await loadTable(tx, table, entry);
        } else if (name.startsWith(UPLOADS_ENTRY) && entry.header.type === "file") {
          await saveUpload(staging, name.slice(UPLOADS_ENTRY.length), entry);
          uploads++;
        } else {
          entry.resume();
        }
      }
      await unpacked;
      const counted = manifest.tables.reduce((sum, t) => sum + t.rows, 0);
      if (counted !== rows) {
        throw new BackupError(`The backup is incomplete: ${rows} of ${counted} rows were found.`);
      }
      await restoreSequences(tx, manifest);
      for (const migration of manifest.migrations) {
        // As text: a timestamp parameter would pass through a JavaScript Date and lose its
        // microseconds.
        await tx`update ${tx(MIGRATIONS_TABLE)}
                 set applied_at = ${migration.appliedAt}::text::timestamptz
                 where version = ${migration.version}`;
      }
      // Added back here, each checked against all the rows at once.
      for (const key of keys) {
        await tx.unsafe(
          `alter table ${quote(key.table)} add constraint ${quote(key.name)} ${key.definition}`,
        );
      }
    });
    if (uploads) {
      for (const name of await readdir(staging)) {
        await rename(join(staging, name), join(uploadsDir, name));
      }
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return { manifest, rows, uploads };
}

/** An identifier read from the catalog, quoted for SQL text. */
const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function refuseNonEmpty(sql: Sql, uploadsDir: string) {
  const filled = await tablesWithRows(sql);
  if (filled.length) {
    throw new BackupError(
      `The database is not empty (${filled.slice(0, 3).join(", ")} ${
        filled.length === 1 ? "has" : "have"
      } rows): restore into a new database or an empty DATA_DIR.`,
    );
  }
  // A volume's own lost+found and hidden leftovers do not count.
  const files = (await readdir(uploadsDir).catch(() => [] as string[]))
    .filter((name) => name !== "lost+found" && !name.startsWith("."));
  if (files.length) {
    throw new BackupError(`${uploadsDir} is not empty: restore into an empty DATA_DIR.`);
  }
}

/** The backup's migrations, which must be this Crumb's first ones, unchanged. */
async function compatibleMigrations(manifest: BackupManifest, known: Migration[]) {
  const sorted = [...known].sort((a, b) => a.version - b.version);
  for (const [index, taken] of manifest.migrations.entries()) {
    const mine = sorted[index];
    if (!mine || mine.name !== taken.name) {
      throw new BackupError(
        `This backup was made by a newer Crumb (it has migration ${taken.name}): restore it with that version or a later one.`,
      );
    }
    if (await checksum(mine.sql) !== taken.checksum) {
      throw new BackupError(
        `Migration ${taken.name} differs from the one the backup was made with.`,
      );
    }
  }
  return sorted.slice(0, manifest.migrations.length);
}

async function loadTable(
  tx: Tx,
  table: { name: string; columns: string[] },
  entry: AsyncIterable<unknown>,
): Promise<number> {
  let batch: string[] = [];
  let rows = 0;
  const flush = async () => {
    if (!batch.length) return;
    // Each line is a row in PostgreSQL's text form; the table's own type reads it back.
    await tx`
      insert into ${tx(table.name)} (${tx(table.columns)}) overriding system value
      select ${tx(table.columns)} from (
        select (cast(r as ${tx(table.name)})).* from unnest(${batch}::text[]) as r
      ) as restored`;
    rows += batch.length;
    batch = [];
  };
  for await (const line of createInterface({ input: Readable.from(entry), crlfDelay: Infinity })) {
    if (line === "") continue;
    batch.push(JSON.parse(line));
    if (batch.length >= ROWS_PER_INSERT) await flush();
  }
  await flush();
  return rows;
}

async function restoreSequences(tx: Tx, manifest: BackupManifest) {
  const existing = new Set(await sequenceNames(tx));
  for (const sequence of manifest.sequences) {
    if (!existing.has(sequence.name)) {
      throw new BackupError(`The backup names a sequence this database lacks: ${sequence.name}`);
    }
    await tx`select setval(format('%I', ${sequence.name}::text)::regclass,
                           ${sequence.lastValue}::bigint, ${sequence.isCalled})`;
  }
}

/** An image into the staging folder; a path that leaves the folder is refused. */
async function saveUpload(dir: string, name: string, entry: AsyncIterable<unknown>) {
  const path = normalize(join(dir, name));
  if (!path.startsWith(dir + sep) || name.includes("\0")) {
    throw new BackupError(`The backup holds a file outside uploads/: ${name}`);
  }
  await mkdir(dirname(path), { recursive: true });
  await pipeline(Readable.from(entry), createWriteStream(path, { flags: "wx" }));
}

async function text(stream: AsyncIterable<unknown>) {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk as Uint8Array);
  return new TextDecoder().decode(Buffer.concat(chunks));
}
