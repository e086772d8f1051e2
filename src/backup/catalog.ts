import type { Queryable } from "../infra/db.ts";

/**
 * What a backup covers, read from PostgreSQL's catalog rather than listed by hand: every
 * table and sequence of the schema the app uses, so a table a later migration adds is
 * backed up without anyone remembering to.
 */

export interface TableInfo {
  name: string;
  /** Columns a restore writes: all but generated ones, in table order. */
  columns: string[];
}

export interface SequenceState {
  name: string;
  lastValue: string;
  isCalled: boolean;
}

export interface ForeignKey {
  table: string;
  name: string;
  definition: string;
}

/** The migrations table is restored by replaying the backup's migrations, not as data. */
export const MIGRATIONS_TABLE = "schema_migrations";

/**
 * Text output the same on every server: dates in ISO form and UTC, floats without rounding,
 * bytea as hex. A backup is written and read with these, so every value round-trips.
 */
export async function useStableText(tx: Queryable) {
  await tx`set local timezone = 'UTC'`;
  await tx`set local datestyle = 'ISO, YMD'`;
  await tx`set local intervalstyle = 'postgres'`;
  await tx`set local extra_float_digits = 3`;
  await tx`set local bytea_output = 'hex'`;
}

export async function listTables(tx: Queryable): Promise<TableInfo[]> {
  const rows = await tx<{ name: string; columns: string[] }[]>`
    select c.relname as name,
      array_agg(a.attname::text order by a.attnum) filter (where a.attgenerated = '') as columns
    from pg_class c
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    where c.relnamespace = current_schema()::regnamespace and c.relkind = 'r'
    group by c.relname
    order by c.relname`;
  return rows.map((r) => ({ name: r.name, columns: r.columns ?? [] }));
}

export async function readSequences(tx: Queryable): Promise<SequenceState[]> {
  const names = await tx<{ name: string }[]>`
    select relname as name from pg_class
    where relnamespace = current_schema()::regnamespace and relkind = 'S'
    order by relname`;
  const states: SequenceState[] = [];
  for (const { name } of names) {
    const [row] = await tx<{ lastValue: string; isCalled: boolean }[]>`
      select last_value::text as last_value, is_called from ${tx(name)}`;
    states.push({ name, ...row });
  }
  return states;
}

export async function sequenceNames(tx: Queryable): Promise<string[]> {
  return (await readSequences(tx)).map((s) => s.name);
}

export async function foreignKeys(tx: Queryable): Promise<ForeignKey[]> {
  return await tx<ForeignKey[]>`
    select cl.relname as table, co.conname as name, pg_get_constraintdef(co.oid) as definition
    from pg_constraint co join pg_class cl on cl.oid = co.conrelid
    where co.contype = 'f' and cl.relnamespace = current_schema()::regnamespace
    order by cl.relname, co.conname`;
}

/**
 * Tables a new shop fills by itself (its migrations and first start write the default
 * settings, opening hours and the state of the sales rollups): a shop with only these is
 * still empty, and a backup's rows replace them.
 */
export const SHOP_DEFAULTS = new Set(["pickup_settings", "opening_hours", "analytics_state"]);

/** The tables (other than the migrations table and the defaults) that hold any row. */
export async function tablesWithRows(tx: Queryable): Promise<string[]> {
  const found: string[] = [];
  for (const table of await listTables(tx)) {
    if (table.name === MIGRATIONS_TABLE || SHOP_DEFAULTS.has(table.name)) continue;
    const rows = await tx`select 1 from ${tx(table.name)} limit 1`;
    if (rows.length) found.push(table.name);
  }
  return found;
}
