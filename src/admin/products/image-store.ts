import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { IMAGE_WIDTHS, LARGEST_WIDTH, variantName } from "../../catalog/image-urls.ts";
import { errorFields, type Logger } from "../../infra/log.ts";
import type { ImageType } from "./images.ts";
import { makeVariants } from "./image-variants.ts";

/**
 * Where product photos live under DATA_DIR:
 * - `originals/<id>.<jpg|png|webp>`: the upload as it came, kept for making variants again,
 *   never served (it carries the phone's metadata);
 * - `uploads/<id>-<width>.webp`: the variants the shop serves (see image-variants.ts);
 * - `uploads/<id>.<jpg|png|webp>`: photos uploaded before variants existed, served as they are.
 */
export const VARIANT_NAME = /^([a-f0-9-]{36})-(\d+)\.webp$/;
const EARLIER_NAME = /^[a-f0-9-]{36}\.(jpg|png|webp)$/;
/** A name the uploads route may serve. */
export const IMAGE_NAME = /^[a-f0-9-]{36}(?:-(?:320|640|1280)\.webp|\.(?:jpg|png|webp))$/;
export const UPLOADS_PATH = "/uploads/";
const ORIGINAL_TYPES = ["jpg", "png", "webp"] as const;

/** How long an upload waits for its variants before the answer goes without them. */
const WAIT_FOR_VARIANTS_MS = 1000;

export interface ImageStore {
  /**
   * Keeps the original out of the public folder and makes the variants, waiting for them at
   * most `waitMs` (a larger photo is finished after the answer; a page asking for it before
   * then waits for it). Returns the name of the largest variant.
   */
  save(file: File, type: ImageType): Promise<string>;
  /** Removes all files of the image at this path or name; other paths are ignored. */
  remove(pathOrName: string): Promise<void>;
  /** A served file's bytes (a variant still being made is waited for), or null. */
  read(name: string): Promise<Uint8Array | null>;
  /**
   * Every stored image under the name a product refers to it by (its largest variant, or an
   * earlier photo's own name), with when it was written: for removing those no product uses.
   */
  list(): Promise<{ name: string; modifiedAt: Date }[]>;
}

const missing = (error: unknown) => (error as { code?: string }).code === "ENOENT";

export function createImageStore(
  dataDir: string,
  { log, waitMs = WAIT_FOR_VARIANTS_MS }: { log?: Logger; waitMs?: number } = {},
): ImageStore {
  const uploads = join(dataDir, "uploads");
  const originals = join(dataDir, "originals");
  /** Variants being made, per image id: one run each, however many ask. */
  const making = new Map<string, Promise<boolean>>();

  const readOriginal = async (id: string) => {
    for (const type of ORIGINAL_TYPES) {
      try {
        return await readFile(join(originals, `${id}.${type}`));
      } catch (error) {
        if (!missing(error)) throw error;
      }
    }
    return null;
  };

  /** Makes the variants from the original; false when there is no original (removed). */
  const make = (id: string): Promise<boolean> => {
    let run = making.get(id);
    if (!run) {
      run = (async () => {
        const original = await readOriginal(id);
        if (!original) return false;
        await mkdir(uploads, { recursive: true });
        for (const variant of await makeVariants(original)) {
          // Written aside and renamed: a page never gets half a file.
          const path = join(uploads, variantName(id, variant.width));
          await writeFile(`${path}.part`, variant.bytes);
          await rename(`${path}.part`, path);
        }
        return true;
      })().finally(() => making.delete(id));
      making.set(id, run);
    }
    return run;
  };

  const removeAll = async (id: string) => {
    await making.get(id)?.catch(() => {});
    await Promise.all([
      ...ORIGINAL_TYPES.map((type) => rm(join(originals, `${id}.${type}`), { force: true })),
      ...IMAGE_WIDTHS.map((width) => rm(join(uploads, variantName(id, width)), { force: true })),
    ]);
  };

  return {
    async save(file, type) {
      await mkdir(originals, { recursive: true });
      const id = crypto.randomUUID();
      const original = join(originals, `${id}.${type}`);
      // "wx": never overwrite, whatever the odds of a repeated UUID.
      await writeFile(original, new Uint8Array(await file.arrayBuffer()), { flag: "wx" });
      const variants = make(id);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waited = new Promise<"later">((resolve) => {
        timer = setTimeout(() => resolve("later"), waitMs);
      });
      try {
        const done = await Promise.race([variants, waited]);
        if (done === "later") {
          variants.catch((error) => log?.error("image variants not made", errorFields(error)));
        }
      } catch (error) {
        await removeAll(id);
        throw error;
      } finally {
        clearTimeout(timer);
      }
      return variantName(id, LARGEST_WIDTH);
    },

    async remove(pathOrName) {
      const name = basename(pathOrName);
      if (pathOrName.startsWith("/") && !pathOrName.startsWith(UPLOADS_PATH)) return;
      const variant = VARIANT_NAME.exec(name);
      if (variant) await removeAll(variant[1]);
      else if (EARLIER_NAME.test(name)) await rm(join(uploads, name), { force: true });
    },

    async list() {
      const namesIn = (dir: string) =>
        readdir(dir).catch((error) => {
          if (missing(error)) return [] as string[];
          throw error;
        });
      const found = new Map<string, string>();
      for (const name of await namesIn(originals)) {
        const id = name.slice(0, 36);
        if (EARLIER_NAME.test(name)) {
          found.set(variantName(id, LARGEST_WIDTH), join(originals, name));
        }
      }
      for (const name of await namesIn(uploads)) {
        const variant = VARIANT_NAME.exec(name);
        const listed = variant ? variantName(variant[1], LARGEST_WIDTH) : name;
        if ((variant || EARLIER_NAME.test(name)) && !found.has(listed)) {
          found.set(listed, join(uploads, name));
        }
      }
      const images = [];
      for (const [name, path] of found) {
        const info = await stat(path).catch(() => null);
        if (info?.mtime) images.push({ name, modifiedAt: info.mtime });
      }
      return images;
    },

    async read(name) {
      if (!IMAGE_NAME.test(name)) return null;
      const path = join(uploads, name);
      try {
        return await readFile(path);
      } catch (error) {
        if (!missing(error)) throw error;
      }
      // A variant not made yet (the upload answered first, or the process restarted).
      const variant = VARIANT_NAME.exec(name);
      if (!variant || !await make(variant[1])) return null;
      return await readFile(path);
    },
  };
}
