import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { entropyBits } from "../config-checks.ts";
import { loadOrCreateSecrets, SECRETS_FILE } from "./secrets.ts";

/** Without configured secrets, the shop makes its own at the first start and keeps them. */

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "crumb-secrets-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the secrets kept in DATA_DIR", () => {
  it("are made at the first start, strong, readable only by the app's user", async () => {
    const first = loadOrCreateSecrets(join(dir, "data"));
    expect(first.created).toBe(true);
    const { sessionSecret, jwtKeys } = first.secrets;
    const [kid, key] = jwtKeys.split(":");
    expect(kid).toMatch(/^k\d{8}$/);
    for (const secret of [sessionSecret, key]) {
      expect(secret).toMatch(/^[\w-]{43}$/);
      expect(entropyBits(secret)).toBeGreaterThanOrEqual(128);
    }
    expect(sessionSecret).not.toBe(key);
    const file = join(dir, "data", SECRETS_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual(first.secrets);
  });

  it("are the same at every later start", () => {
    const first = loadOrCreateSecrets(dir);
    const again = loadOrCreateSecrets(dir);
    expect(again.created).toBe(false);
    expect(again.secrets).toEqual(first.secrets);
  });

  it("differ from one shop to the next", async () => {
    const other = await mkdtemp(join(tmpdir(), "crumb-secrets-"));
    try {
      expect(loadOrCreateSecrets(dir).secrets).not.toEqual(loadOrCreateSecrets(other).secrets);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it("are made readable only by the app's user again when restored too openly", async () => {
    loadOrCreateSecrets(dir);
    await chmod(join(dir, SECRETS_FILE), 0o644);
    loadOrCreateSecrets(dir);
    expect((await stat(join(dir, SECRETS_FILE))).mode & 0o777).toBe(0o600);
  });

  it("stop the start with a clear sentence when the file is damaged", async () => {
    await writeFile(join(dir, SECRETS_FILE), "{ not json", { mode: 0o600 });
    expect(() => loadOrCreateSecrets(dir)).toThrow(/is damaged\. Restore it from a backup/);
  });
});
