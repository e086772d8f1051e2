import { open, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import process from "node:process";

/**
 * PGlite is one Postgres inside one process: two processes opening the same data directory
 * would corrupt it. A lock file with the owner's pid keeps a second process (a second app,
 * `deno task user:create` while the shop runs) out; a lock left by a dead process is taken over.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, "crumb.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, "wx");
      await file.writeFile(String(process.pid));
      await file.close();
      return async () => void await rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(await readFile(path, "utf8").catch(() => ""));
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new Error(
          `The embedded database in ${dir} is in use by another Crumb process (pid ${owner}). Stop it first, or set DATABASE_URL to use a PostgreSQL server.`,
        );
      }
      await rm(path, { force: true });
    }
  }
  throw new Error(`Could not lock the embedded database in ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
