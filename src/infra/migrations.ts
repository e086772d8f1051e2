import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Sql } from "./db.ts";
import { sha256Hex } from "./digest.ts";

/**
 * Forward-only migrations: `migrations/00001_name.sql`, applied in order, each recorded with
 * a checksum. A gap in the numbering, an applied file that was edited or deleted stops start-up.
 * Small on purpose: postgres-shift records no checksums, and these checks are the point.
 */

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

const fileName = /^(\d{5})_([a-z0-9_]+)\.sql$/;

// fileURLToPath, not URL.pathname: a checkout under a path with spaces stays readable.
export const migrationsDir = fileURLToPath(new URL("../../migrations/", import.meta.url));

export async function loadMigrations(dir = migrationsDir): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = fileName.exec(file);
    if (!match) {
      throw new MigrationError(
        `Migration file ${file} is not named like 00001_description.sql (five digits, underscore, lowercase name)`,
      );
    }
    migrations.push({
      version: Number(match[1]),
      name: file,
      sql: await readFile(join(dir, file), "utf8"),
    });
  }
  return migrations;
}

export const checksum = sha256Hex;

function checkSequence(migrations: Migration[]) {
  migrations.forEach((m, index) => {
    const expected = index + 1;
    if (m.version === expected) return;
    if (m.version < expected) {
      throw new MigrationError(`Two migrations share the number ${m.version}: check ${m.name}`);
    }
    const previous = index === 0 ? "the start" : migrations[index - 1].name;
    throw new MigrationError(
      `Migration ${
        String(expected).padStart(5, "0")
      } is missing: numbering jumps from ${previous} to ${m.name}`,
    );
  });
}

/** Applies pending migrations in one transaction; returns the names applied. */
export async function migrate(sql: Sql, list: Migration[]): Promise<string[]> {
  const migrations = [...list].sort((a, b) => a.version - b.version);
  checkSequence(migrations);
  const sums = await Promise.all(migrations.map((m) => checksum(m.sql)));
  return await sql.begin(async (tx) => {
    // Two instances starting together: the second waits, then finds nothing to do.
    await tx`select pg_advisory_xact_lock(7264531)`;
    await tx`
      create table if not exists schema_migrations (
        version integer primary key,
        name text not null,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`;
    const applied = await tx<{ version: number; name: string; checksum: string }[]>`
      select version, name, checksum from schema_migrations order by version`;
    for (const row of applied) {
      const index = row.version - 1;
      const file = migrations[index];
      if (!file) {
        throw new MigrationError(
          `Applied migration ${row.name} is missing from migrations/: restore the file`,
        );
      }
      if (file.name !== row.name) {
        throw new MigrationError(
          `Applied migration ${row.name} was renamed to ${file.name}: restore its name`,
        );
      }
      if (sums[index] !== row.checksum) {
        throw new MigrationError(
          `Migration ${file.name} was edited after it was applied (checksum differs): restore it and add a new migration instead`,
        );
      }
    }
    const pending = migrations.slice(applied.length);
    for (const [offset, m] of pending.entries()) {
      // Migration files are trusted code from the repository, never user input.
      try {
        await tx.unsafe(m.sql);
      } catch (error) {
        // The transaction rolls back as a whole; say which file broke it.
        throw new MigrationError(`Migration ${m.name} failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
      await tx`
        insert into schema_migrations (version, name, checksum)
        values (${m.version}, ${m.name}, ${sums[applied.length + offset]})`;
    }
    return pending.map((m) => m.name);
  });
}
