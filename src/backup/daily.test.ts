import { Buffer } from "node:buffer";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import tar from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { silentLogger } from "../infra/log.ts";
import { controlRoutes } from "./control.ts";
import { dailyBackups } from "./daily.ts";
import { type BackupManifest, MANIFEST_NAME } from "./manifest.ts";

/** The manifest of a backup archive's bytes. */
async function manifestOf(bytes: AsyncIterable<Uint8Array> | Uint8Array): Promise<BackupManifest> {
  const extract = tar.extract();
  Readable.from(bytes instanceof Uint8Array ? [bytes] : bytes).pipe(createGunzip()).pipe(extract);
  for await (const entry of extract) {
    expect(entry.header.name).toBe(MANIFEST_NAME);
    const chunks: Uint8Array[] = [];
    for await (const chunk of entry) chunks.push(chunk as Uint8Array);
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  }
  throw new Error("empty archive");
}

describe("daily backups in the one-container mode", () => {
  let t: TestContext;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "crumb-daily-"));
    t = await createTestContext({ seed: true });
  });
  afterAll(async () => {
    await t?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("backs up once a day at the set shop time, and keeps the newest few", async () => {
    const dir = join(dataDir, "backups");
    await mkdir(dir, { recursive: true });
    for (const day of ["2026-03-20", "2026-03-21", "2026-03-22"]) {
      await writeFile(join(dir, `crumb-${day}.tar.gz`), "older");
    }
    await writeFile(join(dir, "notes.txt"), "not a backup: never pruned");
    // 01:29 UTC is 02:29 in Paris (winter time): not yet due at 02:30.
    let clock = new Date("2026-03-23T01:29:00Z");
    const daily = dailyBackups({
      source: { sql: t.sql, kind: t.db.kind, dataDir },
      dir,
      at: "02:30",
      timeZone: "Europe/Paris",
      keep: 3,
      log: silentLogger,
      now: () => clock,
    });
    await daily.check();
    expect((await readdir(dir)).sort()).toEqual([
      "crumb-2026-03-20.tar.gz",
      "crumb-2026-03-21.tar.gz",
      "crumb-2026-03-22.tar.gz",
      "notes.txt",
    ]);
    clock = new Date("2026-03-23T01:31:00Z");
    await daily.check();
    expect((await readdir(dir)).sort()).toEqual([
      "crumb-2026-03-21.tar.gz",
      "crumb-2026-03-22.tar.gz",
      "crumb-2026-03-23.tar.gz",
      "notes.txt",
    ]);
    const today = join(dir, "crumb-2026-03-23.tar.gz");
    const manifest = await manifestOf(new Uint8Array(await readFile(today)));
    expect(manifest.tables.find((table) => table.name === "products")!.rows).toBeGreaterThan(0);

    // Later the same day: nothing more. The next day: one more, the oldest goes.
    clock = new Date("2026-03-23T20:00:00Z");
    await daily.check();
    expect(await readdir(dir)).toHaveLength(4);
    clock = new Date("2026-03-24T02:00:00Z");
    await daily.check();
    expect((await readdir(dir)).filter((n) => n.endsWith(".tar.gz")).sort()).toEqual([
      "crumb-2026-03-22.tar.gz",
      "crumb-2026-03-23.tar.gz",
      "crumb-2026-03-24.tar.gz",
    ]);
    await daily.stop();
  });

  it("serves a backup on request through the control socket's routes", async () => {
    const routes = controlRoutes({ sql: t.sql, kind: t.db.kind, dataDir }, silentLogger);
    const res = await routes.request("/backup");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/gzip");
    const manifest = await manifestOf(new Uint8Array(await res.arrayBuffer()));
    expect(manifest.source).toBe(t.db.kind);
    expect(manifest.migrations.length).toBeGreaterThan(0);
  });
});
