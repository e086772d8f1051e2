import { join } from "node:path";
import process from "node:process";

/**
 * PGlite is one Postgres inside one process: two processes opening the same data directory
 * would corrupt it. An exclusive lock on a file in it keeps a second process (a second app,
 * `deno task user:create` while the shop runs) out. The lock is the kernel's (flock), held by
 * the open file: it goes with its process however that process ends, `kill -9` included, so a
 * dead owner never keeps the shop from starting again, reaped or not, and a recycled pid
 * cannot pass for it. (Node's fs has no such lock, hence Deno's file API here.)
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, "crumb.lock");
  const file = await Deno.open(path, { read: true, write: true, create: true, mode: 0o600 });
  let locked = false;
  try {
    locked = await file.tryLock(true);
    if (!locked) {
      const owner = new TextDecoder().decode(await Deno.readFile(path)).trim() || "unknown";
      throw new Error(
        `The embedded database in ${dir} is in use by another Crumb process (pid ${owner}). Stop it first, or set DATABASE_URL to use a PostgreSQL server.`,
      );
    }
    // For people looking: which process holds it. The lock itself is what counts.
    await file.truncate(0);
    await file.write(new TextEncoder().encode(`${process.pid}\n`));
  } catch (error) {
    if (locked) await file.unlock().catch(() => {});
    file.close();
    throw error;
  }
  // The file stays: deleting it could let two processes lock two different files of one name.
  return async () => {
    await file.unlock().catch(() => {});
    file.close();
  };
}
