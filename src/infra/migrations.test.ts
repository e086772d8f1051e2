import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../tests/harness.ts";
import { type Database, openDatabase, type Sql } from "./db.ts";
import { silentLogger } from "./log.ts";
import { checksum, loadMigrations, migrate, type Migration, MigrationError } from "./migrations.ts";

const m = (version: number, slug: string, sql: string): Migration => ({
  version,
  name: `${String(version).padStart(5, "0")}_${slug}.sql`,
  sql,
});

const one = m(
  1,
  "log",
  "create table log (n serial primary key, v text); insert into log (v) values ('one');",
);
const two = m(2, "two", "create table b (id integer); insert into log (v) values ('two');");
const three = m(3, "three", "insert into log (v) values ('three');");
const four = m(4, "four", "insert into log (v) values ('four');");

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("migrate", () => {
  // One database for the file; every test starts from an empty public schema, so each run
  // below is the first run its migrations see.
  let db: Database;
  let sql: Sql;
  beforeAll(async () => {
    db = await createTestDatabase();
    sql = db.sql;
  });
  afterAll(() => db?.close());
  beforeEach(async () => {
    await sql.unsafe("drop schema public cascade; create schema public");
  });

  const logged = async () =>
    (await sql<{ v: string }[]>`select v from log order by n`).map((r) => r.v);
  const recorded = async () =>
    await sql<{ version: number; name: string; checksum: string }[]>`
      select version, name, checksum from schema_migrations order by version`;
  const exists = async (table: string) =>
    (await sql<{ found: string | null }[]>`select to_regclass(${table})::text as found`)[0]
      .found !== null;

  it("applies pending migrations in order and records version, name and checksum", async () => {
    expect(await migrate(sql, [one, two, three])).toEqual([
      "00001_log.sql",
      "00002_two.sql",
      "00003_three.sql",
    ]);
    expect(await logged()).toEqual(["one", "two", "three"]);
    const rows = await recorded();
    expect(rows).toEqual([
      { version: 1, name: "00001_log.sql", checksum: await checksum(one.sql) },
      { version: 2, name: "00002_two.sql", checksum: await checksum(two.sql) },
      { version: 3, name: "00003_three.sql", checksum: await checksum(three.sql) },
    ]);
    for (const row of rows) expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(rows.map((r) => r.checksum)).size).toBe(3);
  });

  it("applies a list given out of order in version order", async () => {
    expect(await migrate(sql, [three, one, two])).toEqual([
      "00001_log.sql",
      "00002_two.sql",
      "00003_three.sql",
    ]);
    expect(await logged()).toEqual(["one", "two", "three"]);
  });

  it("applies nothing on a second run, and only the new migration on a later one", async () => {
    await migrate(sql, [one, two]);
    expect(await migrate(sql, [one, two])).toEqual([]);
    expect(await logged()).toEqual(["one", "two"]);
    expect(await migrate(sql, [one, two, three, four])).toEqual([
      "00003_three.sql",
      "00004_four.sql",
    ]);
    expect(await logged()).toEqual(["one", "two", "three", "four"]);
    expect((await recorded()).map((r) => r.version)).toEqual([1, 2, 3, 4]);
  });

  it("refuses a gap in the numbering, naming the missing number, and applies nothing", async () => {
    const error = await rejection(migrate(sql, [one, three]));
    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toContain("Migration 00002 is missing");
    expect(error.message).toContain("00003_three.sql");
    expect(await exists("log")).toBe(false);
    expect(await exists("schema_migrations")).toBe(false);
  });

  it("refuses a list that does not start at 00001", async () => {
    const error = await rejection(migrate(sql, [two, three]));
    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toContain("Migration 00001 is missing");
  });

  it("refuses two migrations with the same number", async () => {
    const error = await rejection(migrate(sql, [one, m(1, "again", "select 1")]));
    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toMatch(/share the number 1\b/);
  });

  it("refuses an applied migration whose text changed, naming the file", async () => {
    await migrate(sql, [one, two]);
    const edited = { ...two, sql: two.sql + "\n-- a harmless looking comment" };
    const error = await rejection(migrate(sql, [one, edited, three]));
    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toContain("00002_two.sql");
    expect(error.message).toContain("edited");
    // Refused as a whole: the new migration after it was not applied either.
    expect(await logged()).toEqual(["one", "two"]);
    expect((await recorded()).map((r) => r.version)).toEqual([1, 2]);
  });

  it("refuses an applied migration that is missing from the list, naming it", async () => {
    await migrate(sql, [one, two, three]);
    const error = await rejection(migrate(sql, [one, two]));
    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toContain("00003_three.sql");
    expect(error.message).toContain("missing");
  });

  it("refuses an applied migration that was renamed", async () => {
    await migrate(sql, [one, two]);
    const renamed = { ...two, name: "00002_renamed.sql" };
    const error = await rejection(migrate(sql, [one, renamed]));
    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toContain("00002_two.sql");
    expect(error.message).toContain("00002_renamed.sql");
  });

  it("rolls back everything of a run when one migration fails", async () => {
    await migrate(sql, [one]);
    const failing = m(3, "broken", "create table c (id integer); select 1 / 0;");
    const error = await rejection(migrate(sql, [one, two, failing]));
    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toContain("00003_broken.sql");
    expect(error.message).toContain("division by zero");
    expect(await exists("b")).toBe(false);
    expect(await exists("c")).toBe(false);
    expect(await logged()).toEqual(["one"]);
    expect((await recorded()).map((r) => r.version)).toEqual([1]);
    // Once the file is fixed, the same run goes through.
    expect(await migrate(sql, [one, two, three])).toEqual(["00002_two.sql", "00003_three.sql"]);
  });

  it("leaves a fresh database untouched when its first migration fails", async () => {
    const error = await rejection(migrate(sql, [one, m(2, "broken", "create tabel x ()")]));
    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toContain("00002_broken.sql");
    expect(await exists("log")).toBe(false);
    expect(await exists("schema_migrations")).toBe(false);
  });

  if (process.env.DATABASE_URL) {
    it("applies each migration once when two instances migrate at the same time", async () => {
      const [{ name }] = await sql<{ name: string }[]>`select current_database() as name`;
      const url = new URL(process.env.DATABASE_URL!);
      url.pathname = `/${name}`;
      const open = () => openDatabase({ url: url.toString(), poolMax: 1, log: silentLogger });
      const [a, b] = await Promise.all([open(), open()]);
      try {
        // The first holds its transaction open long enough for the second to arrive.
        const slow = m(1, "log", one.sql + " select pg_sleep(0.3);");
        const results = await Promise.all([
          migrate(a.sql, [slow, two, three]),
          migrate(b.sql, [slow, two, three]),
        ]);
        const sizes = results.map((r) => r.length).sort();
        expect(sizes).toEqual([0, 3]);
        expect(await logged()).toEqual(["one", "two", "three"]);
        expect((await recorded()).map((r) => r.version)).toEqual([1, 2, 3]);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  }
});

describe("loadMigrations", () => {
  it("reads the real migrations/ folder as 00001, 00002 … in order", async () => {
    const migrations = await loadMigrations();
    expect(migrations.length).toBeGreaterThanOrEqual(2);
    expect(migrations.map((x) => x.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(migrations[0].name).toBe("00001_catalog.sql");
    for (const migration of migrations) {
      expect(migration.name).toMatch(/^\d{5}_[a-z0-9_]+\.sql$/);
      expect(migration.name.startsWith(String(migration.version).padStart(5, "0"))).toBe(true);
      expect(migration.sql.trim()).not.toBe("");
    }
  });

  describe("in a folder of its own", () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), "crumb-migrations-"));
      return () => rm(dir, { recursive: true, force: true });
    });

    it("reads files sorted by number and ignores files that are not .sql", async () => {
      await writeFile(join(dir, "00002_second.sql"), "select 2;");
      await writeFile(join(dir, "00001_first.sql"), "select 1;");
      await writeFile(join(dir, "README.md"), "notes");
      expect(await loadMigrations(dir)).toEqual([
        { version: 1, name: "00001_first.sql", sql: "select 1;" },
        { version: 2, name: "00002_second.sql", sql: "select 2;" },
      ]);
    });

    it.each(["2_second.sql", "00002_Second.sql", "00002-second.sql", "000002_second.sql"])(
      "refuses a badly named file (%s), naming it",
      async (bad) => {
        await writeFile(join(dir, "00001_first.sql"), "select 1;");
        await writeFile(join(dir, bad), "select 2;");
        const error = await rejection(loadMigrations(dir));
        expect(error).toBeInstanceOf(MigrationError);
        expect(error.message).toContain(bad);
      },
    );
  });
});
