import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "./db.ts";
import { silentLogger } from "./log.ts";

/**
 * The embedded database asks for no password, so nothing but its own process may reach it:
 * it is served on a Unix socket in a folder only the app's user may enter, never on a TCP
 * port. Shown with psql, once as that user and once as another one.
 */

const data = await mkdtemp(join(tmpdir(), "crumb-socket-"));
let db: Database;

beforeAll(async () => {
  // A socket left by a process that was killed must not keep the database from starting.
  const run = join(data, "run");
  await Deno.mkdir(run, { recursive: true });
  await writeFile(join(run, ".s.PGSQL.5432"), "stale");
  db = await openDatabase({ poolMax: 1, socketDir: run, log: silentLogger });
});

afterAll(async () => {
  await db?.close();
  await rm(data, { recursive: true, force: true });
});

/** `select 1` through psql at the socket's folder, as this user or as `nobody`. */
async function psql(as: "owner" | "nobody") {
  const args = [
    `host=${dirname(db.socketPath!)} port=5432 user=postgres dbname=postgres connect_timeout=5`,
    "-tAc",
    "select 41 + 1",
  ];
  const uid = process.getuid?.() ?? -1;
  const [command, prefix] = as === "owner"
    ? ["psql", []]
    : uid === 0
    ? ["setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "psql"]]
    : ["sudo", ["-n", "-u", "nobody", "psql"]];
  const output = await new Deno.Command(command, {
    args: [...prefix, ...args],
    env: { PGCONNECT_TIMEOUT: "5" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes).trim();
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

describe("the embedded database", () => {
  it("is served on a socket only its user may open, in a folder only its user may enter", async () => {
    expect(db.socketPath).toBe(join(data, "run", ".s.PGSQL.5432"));
    const socket = await stat(db.socketPath!);
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o777).toBe(0o600);
    expect((await stat(dirname(db.socketPath!))).mode & 0o777).toBe(0o700);
  });

  it("answers the app's user", async () => {
    expect(await psql("owner")).toMatchObject({ code: 0, stdout: "42" });
  });

  it("refuses a connection from another local user", async () => {
    const other = await psql("nobody");
    expect(other.code).not.toBe(0);
    expect(other.stderr).toMatch(/Permission denied/);
    expect(other.stdout).not.toContain("42");
  });

  it("still serves the app afterwards", async () => {
    expect(await db.sql`select 1 as one`).toEqual([{ one: 1 }]);
  });

  it("without a folder of its own gets a private temporary one, removed at close", async () => {
    const other = await openDatabase({
      poolMax: 1,
      loadDataDir: await db.dump!(),
      log: silentLogger,
    });
    const folder = dirname(other.socketPath!);
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
    expect(await other.sql`select 2 as two`).toEqual([{ two: 2 }]);
    await other.close();
    await expect(stat(folder)).rejects.toThrow();
  });
});
