import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createGzip } from "node:zlib";
import { pipeline } from "node:stream/promises";
import postgres from "postgres";
import tar from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, createTestContext, type TestContext, uniqueId } from "../../tests/harness.ts";
import { order, people, productsWithStock } from "../../tests/orders-support.ts";
import { type Database, openDatabase, type Sql } from "../infra/db.ts";
import { silentLogger } from "../infra/log.ts";
import { loadMigrations } from "../infra/migrations.ts";
import { listTables, readSequences, useStableText } from "./catalog.ts";
import { writeBackup } from "./dump.ts";
import { BackupError } from "./manifest.ts";
import { restoreBackup } from "./restore.ts";

/**
 * The restore drill: a busy bakery is backed up while orders keep coming, wiped (a new empty
 * database and data folder), restored, and every table and sequence compared.
 */

let emptyTemplate: Promise<Blob> | undefined;

/** A new embedded database is slow to create (initdb): later ones start from a copy. */
function emptyEmbedded() {
  emptyTemplate ??= (async () => {
    const db = await openDatabase({ poolMax: 1, log: silentLogger });
    const dump = await db.dump!();
    await db.close();
    return dump;
  })();
  return emptyTemplate;
}

/** A database with nothing in it, not even migrations. */
async function emptyDatabase(): Promise<Database> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    return await openDatabase({
      poolMax: 1,
      log: silentLogger,
      loadDataDir: await emptyEmbedded(),
    });
  }
  const name = `crumb_restore_${uniqueId()}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const db = await openDatabase({ url: target.toString(), poolMax: 4, log: silentLogger });
  return {
    ...db,
    close: async () => {
      await db.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** Every table's row count and a digest of its rows, and every sequence, as text. */
async function fingerprint(sql: Sql) {
  return await sql.begin("isolation level repeatable read read only", async (tx) => {
    await useStableText(tx);
    const tables: Record<string, { rows: number; digest: string }> = {};
    for (const table of await listTables(tx)) {
      const [row] = await tx<{ rows: number; digest: string }[]>`
        select count(*)::int as rows,
          md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as digest
        from ${tx(table.name)} as t`;
      tables[table.name] = row;
    }
    return { tables, sequences: await readSequences(tx) };
  });
}

describe(`restore drill (${backends.db})`, () => {
  let source: TestContext;
  let work: string;
  const sourceDir = () => join(work, "source");

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "crumb-drill-"));
    await mkdir(join(sourceDir(), "uploads", "640"), { recursive: true });
    if (!process.env.DATABASE_URL) await emptyEmbedded();
    source = await createTestContext({
      seed: true,
      config: { DATA_DIR: sourceDir(), API_RATE_LIMIT_PER_MINUTE: "100000" },
    });
    const image = new Uint8Array(40_000).map((_, i) => (i * 7919) % 251);
    await writeFile(join(sourceDir(), "uploads", `${crypto.randomUUID()}.webp`), image);
    await writeFile(join(sourceDir(), "uploads", "640", "nested.webp"), image.slice(0, 999));
  });
  afterAll(async () => {
    await source?.close();
    await rm(work, { recursive: true, force: true });
  });

  // Two fresh databases, a few dozen orders and two full round trips: slower than most tests.
  it("backs up while orders are placed, restores into an empty database, and every table matches", {
    timeout: 120_000,
  }, async () => {
    const stocks = [60, 60, 60, 60];
    const products = await productsWithStock(source, stocks);
    const crowd = await people(source, 8);
    const buy = (n: number) =>
      order(source, crowd[n % crowd.length], {
        items: [{ productId: products[n % products.length].id, quantity: 1 + (n % 3) }],
        note: `order ${n}: "quoted", tab\there, newline\nand ünïcödé 🥐`,
      });
    for (let n = 0; n < 12; n++) expect((await buy(n)).status).toBe(201);

    // Orders keep arriving while the backup runs.
    let busy = true;
    let during = 0;
    const traffic = (async () => {
      for (let n = 12; busy && n < 200; n++) {
        if ((await buy(n)).status === 201) during++;
      }
    })();
    const file = join(work, "bakery.tar.gz");
    const backupStarted = performance.now();
    const { manifest, snapshotMs } = await writeBackup(
      { sql: source.sql, kind: source.db.kind, dataDir: sourceDir() },
      createWriteStream(file),
    );
    const backupMs = performance.now() - backupStarted;
    busy = false;
    await traffic;

    // The snapshot is one instant: stock taken and order lines in it add up exactly.
    const counted = (table: string) => manifest.tables.find((t) => t.name === table)!.rows;
    expect(counted("orders")).toBeGreaterThanOrEqual(12);
    expect(manifest.uploads).toEqual({ files: 2, bytes: 40_999 });
    expect(manifest.tables.map((t) => t.name)).toContain("order_items");

    const targetDir = join(work, "restored");
    // Its uploads folder is a volume of its own, empty but for the file system's lost+found.
    await mkdir(join(targetDir, "uploads", "lost+found"), { recursive: true });
    const target = await emptyDatabase();
    try {
      const restoreStarted = performance.now();
      const restored = await restoreBackup(
        { sql: target.sql, dataDir: targetDir, migrations: await loadMigrations() },
        createReadStream(file),
      );
      const restoreMs = performance.now() - restoreStarted;

      const [was] = await target.sql<
        { orders: number }[]
      >`select count(*)::int as orders from orders`;
      expect(was.orders).toBe(counted("orders"));
      for (const [i, product] of products.entries()) {
        const [row] = await target.sql<{ stock: number; sold: number }[]>`
          select p.stock, coalesce((select sum(i.quantity) from order_items i
            join orders o on o.id = i.order_id
            where i.product_id = p.id and o.status <> 'cancelled'), 0)::int as sold
          from products p where p.id = ${product.id}`;
        expect(row.stock + row.sold).toBe(stocks[i]);
      }

      // Every table and sequence as it was in the snapshot: the source minus what came after.
      const after = await fingerprint(target.sql);
      for (const table of manifest.tables) {
        expect(after.tables[table.name].rows, table.name).toBe(table.rows);
      }
      expect(after.sequences).toEqual(manifest.sequences);

      expect((await readdir(join(targetDir, "uploads"), { recursive: true })).sort()).toEqual(
        [...await readdir(join(sourceDir(), "uploads"), { recursive: true }), "lost+found"].sort(),
      );
      expect(await readFile(join(targetDir, "uploads", "640", "nested.webp")))
        .toEqual(await readFile(join(sourceDir(), "uploads", "640", "nested.webp")));

      // With no traffic, a second backup and restore match the source table for table.
      const quiet = join(work, "quiet.tar.gz");
      await writeBackup(
        { sql: source.sql, kind: source.db.kind, dataDir: sourceDir() },
        createWriteStream(quiet),
      );
      const again = await emptyDatabase();
      try {
        await restoreBackup(
          { sql: again.sql, dataDir: join(work, "again"), migrations: await loadMigrations() },
          createReadStream(quiet),
        );
        const original = await fingerprint(source.sql);
        const copy = await fingerprint(again.sql);
        expect(Object.keys(copy.tables).sort()).toEqual(Object.keys(original.tables).sort());
        expect(copy).toEqual(original);
        console.info(
          `restore drill on ${backends.db}: ${
            Object.keys(copy.tables).length
          } tables and ${copy.sequences.length} sequences compared, ${restored.rows} rows, ${manifest.uploads.files} uploads; backup ${
            (await stat(file)).size
          } bytes in ${Math.round(backupMs)} ms (snapshot held ${
            Math.round(snapshotMs)
          } ms, ${during} orders placed meanwhile), restore in ${Math.round(restoreMs)} ms`,
        );
      } finally {
        await again.close();
      }

      // The restored bakery carries on: new ids follow the old ones.
      const [last] = await target.sql<{ id: number }[]>`select max(id)::int as id from orders`;
      const next = await createTestContext({ db: target, seed: false });
      try {
        const [customer] = await people(next, 1);
        const res = await order(next, customer, {
          items: [{ productId: products[0].id, quantity: 1 }],
        });
        expect(res.status).toBe(201);
        const placed = await res.json() as { id: number };
        expect(placed.id).toBeGreaterThan(last.id);
      } finally {
        await next.close().catch(() => {});
      }
    } finally {
      await target.close();
    }
  });

  it("refuses a database that is not empty, and changes nothing in it", async () => {
    const file = join(work, "refused.tar.gz");
    await writeBackup(
      { sql: source.sql, kind: source.db.kind, dataDir: sourceDir() },
      createWriteStream(file),
    );
    const before = await fingerprint(source.sql);
    const error = await restoreBackup(
      { sql: source.sql, dataDir: join(work, "elsewhere"), migrations: await loadMigrations() },
      createReadStream(file),
    ).catch((e) => e);
    expect(error).toBeInstanceOf(BackupError);
    expect(error.message).toMatch(/The database is not empty \(.+ rows\)/);
    expect(await fingerprint(source.sql)).toEqual(before);
  });

  it("refuses a file that is not a backup, and one made by a newer Crumb", async () => {
    const target = await emptyDatabase();
    try {
      const restore = (bytes: Uint8Array) =>
        restoreBackup(
          { sql: target.sql, dataDir: join(work, "nothing"), migrations: [] },
          Readable.from([bytes]),
        ).catch((e) => e);
      const notGzip = await restore(new TextEncoder().encode("hello"));
      expect(notGzip).toBeInstanceOf(Error);

      const pack = tar.pack();
      const file = join(work, "newer.tar.gz");
      const written = pipeline(pack, createGzip(), createWriteStream(file));
      pack.entry(
        { name: "crumb-backup.json" },
        JSON.stringify({
          format: "crumb-backup",
          version: 1,
          migrations: [{ version: 1, name: "00001_from_the_future.sql", checksum: "x" }],
          tables: [],
          sequences: [],
        }),
      );
      pack.finalize();
      await written;
      const newer = await restore(await readFile(file));
      expect(newer).toBeInstanceOf(BackupError);
      expect(newer.message).toContain("made by a newer Crumb");
      expect(await listTables(target.sql)).toEqual([]);
    } finally {
      await target.close();
    }
  });
});
