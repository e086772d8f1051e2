import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { once } from "node:events";
import { pipeline } from "node:stream/promises";
import type { Writable } from "node:stream";
import { createGzip } from "node:zlib";
import tar from "tar-stream";
import type { Sql } from "../infra/db.ts";
import { listTables, MIGRATIONS_TABLE, readSequences, useStableText } from "./catalog.ts";
import {
  type BackupManifest,
  FORMAT,
  FORMAT_VERSION,
  MANIFEST_NAME,
  tableEntry,
  UPLOADS_ENTRY,
} from "./manifest.ts";

export interface BackupSource {
  sql: Sql;
  /** "pglite" or "postgres", recorded in the manifest. */
  kind: string;
  /** DATA_DIR: its uploads/ folder is included. */
  dataDir: string;
}

export interface BackupSummary {
  manifest: BackupManifest;
  /** Milliseconds the database snapshot was held open. */
  snapshotMs: number;
}

const ROWS_PER_FETCH = 500;

/**
 * Writes a backup of the whole bakery to `output` (a gzip'd tar: the manifest, each table's
 * rows, the uploaded images). The database is read in one REPEATABLE READ, READ ONLY
 * transaction: every table as of one instant, while the shop keeps taking orders (on
 * PostgreSQL nothing waits for it; on the embedded database, a single session, requests
 * wait for the snapshot's few moments). Rows are spooled to a temporary folder inside the
 * transaction and archived after it, so the snapshot is held only as long as reading takes.
 * Rows are kept in PostgreSQL's own text form, which every type reads back exactly.
 */
export async function writeBackup(source: BackupSource, output: Writable): Promise<BackupSummary> {
  const spool = await mkdtemp(join(tmpdir(), "crumb-backup-"));
  try {
    const started = performance.now();
    const snapshot = await source.sql.begin(
      "isolation level repeatable read read only",
      async (tx) => {
        await useStableText(tx);
        const migrations = await tx<BackupManifest["migrations"]>`
          select version, name, checksum,
            to_char(applied_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as applied_at
          from ${tx(MIGRATIONS_TABLE)} order by version`;
        const tables: (BackupManifest["tables"][number] & { file: string })[] = [];
        for (const [index, table] of (await listTables(tx)).entries()) {
          if (table.name === MIGRATIONS_TABLE) continue;
          const path = join(spool, `${index}.jsonl`);
          const file = createWriteStream(path);
          let rows = 0;
          const cursor = tx<{ row: string }[]>`
            select t::text as row from ${tx(table.name)} as t`.cursor(ROWS_PER_FETCH);
          for await (const batch of cursor) {
            const text = batch.map((r) => JSON.stringify(r.row) + "\n").join("");
            if (!file.write(text)) await once(file, "drain");
            rows += batch.length;
          }
          file.end();
          await once(file, "finish");
          tables.push({ name: table.name, rows, columns: table.columns, file: path });
        }
        const sequences = await readSequences(tx);
        return { migrations: [...migrations], tables, sequences };
      },
    );
    const snapshotMs = performance.now() - started;
    const uploads = await listUploads(join(source.dataDir, "uploads"));
    const manifest: BackupManifest = {
      format: FORMAT,
      version: FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      source: source.kind,
      migrations: snapshot.migrations,
      tables: snapshot.tables.map(({ name, rows, columns }) => ({ name, rows, columns })),
      sequences: snapshot.sequences,
      uploads: {
        files: uploads.length,
        bytes: uploads.reduce((sum, u) => sum + u.size, 0),
      },
    };

    const pack = tar.pack();
    const archived = pipeline(pack, createGzip(), output);
    await addEntry(pack, { name: MANIFEST_NAME }, JSON.stringify(manifest, null, 2));
    for (const table of snapshot.tables) await addFile(pack, tableEntry(table.name), table.file);
    for (const upload of uploads) await addFile(pack, UPLOADS_ENTRY + upload.name, upload.path);
    pack.finalize();
    await archived;
    return { manifest, snapshotMs };
  } finally {
    await rm(spool, { recursive: true, force: true });
  }
}

function addEntry(
  pack: tar.Pack,
  header: Partial<tar.Header> & Pick<tar.Header, "name">,
  body: string,
) {
  return new Promise<void>((resolve, reject) => {
    pack.entry(header, body, (error) => error ? reject(error) : resolve());
  });
}

async function addFile(pack: tar.Pack, name: string, path: string) {
  const { size, mtime } = await stat(path);
  const entry = pack.entry({ name, size, mtime, mode: 0o644 });
  await pipeline(createReadStream(path), entry);
}

/** Every file under the uploads folder (none when it does not exist), by relative path. */
async function listUploads(dir: string) {
  let names: string[];
  try {
    names = await readdir(dir, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const files: { name: string; path: string; size: number }[] = [];
  for (const name of names.sort()) {
    // Hidden entries (a restore's staging folder) and a volume's lost+found are not images.
    if (name.split(sep).some((part) => part.startsWith(".") || part === "lost+found")) continue;
    const path = join(dir, name);
    const info = await stat(path);
    if (info.isFile()) files.push({ name: relative(dir, path), path, size: info.size });
  }
  return files;
}
