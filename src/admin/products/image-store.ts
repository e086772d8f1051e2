import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ImageType } from "./images.ts";

/** A stored image's file name: a random UUID and the extension of its detected type. */
export const IMAGE_NAME = /^[a-f0-9-]{36}\.(jpg|png|webp)$/;
export const UPLOADS_PATH = "/uploads/";

export interface ImageStore {
  /** Writes the image under a new random name; returns the name. */
  save(file: File, type: ImageType): Promise<string>;
  /** Removes a stored image (after the save it belonged to failed); unknown names are ignored. */
  remove(name: string): Promise<void>;
  /** The bytes of a stored image, or null for a bad or unknown name. */
  read(name: string): Promise<Uint8Array | null>;
  /** Every stored image, with when it was written (for removing those no product uses). */
  list(): Promise<{ name: string; modifiedAt: Date }[]>;
}

/** Images as files under `<dataDir>/uploads/`, created on first use. */
export function createImageStore(dataDir: string): ImageStore {
  const dir = join(dataDir, "uploads");
  return {
    async save(file, type) {
      await mkdir(dir, { recursive: true });
      const name = `${crypto.randomUUID()}.${type}`;
      const path = join(dir, name);
      try {
        // "wx": never overwrite, whatever the odds of a repeated UUID.
        await writeFile(path, new Uint8Array(await file.arrayBuffer()), { flag: "wx" });
      } catch (error) {
        await rm(path, { force: true }).catch(() => {});
        throw error;
      }
      return name;
    },
    async remove(name) {
      if (IMAGE_NAME.test(name)) await rm(join(dir, name), { force: true });
    },
    async list() {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (error) {
        if ((error as { code?: string }).code === "ENOENT") return [];
        throw error;
      }
      const images = [];
      for (const name of names.filter((n) => IMAGE_NAME.test(n))) {
        const info = await stat(join(dir, name)).catch(() => null);
        if (info?.mtime) images.push({ name, modifiedAt: info.mtime });
      }
      return images;
    },
    async read(name) {
      if (!IMAGE_NAME.test(name)) return null;
      try {
        return await readFile(join(dir, name));
      } catch (error) {
        if ((error as { code?: string }).code === "ENOENT") return null;
        throw error;
      }
    },
  };
}
