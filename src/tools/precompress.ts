/**
 * Precompression of static files: `.br` (brotli, best level) and `.gz` (gzip, best level)
 * beside every text file of at least 1 KB, written only when missing or older than the
 * file, so a rebuild compresses only what changed.
 */
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";

const compressible = /\.(?:css|js|mjs|json|svg|html|txt|map|xml)$/i;
/** Smaller files gain less from compression than the encoding's headers cost. */
const MIN_BYTES = 1024;
const brotli = promisify(brotliCompress);
const gzipBest = promisify(gzip);

async function* files(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile() && compressible.test(entry.name)) yield path;
  }
}

const modified = async (path: string) => (await stat(path).catch(() => null))?.mtimeMs ?? -1;

/** Compresses what needs it under `dir`; returns how many files were (re)compressed. */
export async function precompressTree(dir: string): Promise<number> {
  let count = 0;
  for await (const path of files(dir)) {
    const source = await stat(path);
    if (source.size < MIN_BYTES) continue;
    const fresh = await Promise.all(
      [".br", ".gz"].map(async (ext) => await modified(path + ext) >= source.mtimeMs),
    );
    if (fresh.every(Boolean)) continue;
    const bytes = await readFile(path);
    const [br, gz] = await Promise.all([
      brotli(bytes, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      }),
      gzipBest(bytes, { level: 9 }),
    ]);
    await Promise.all([writeFile(path + ".br", br), writeFile(path + ".gz", gz)]);
    count++;
  }
  return count;
}
