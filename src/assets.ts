import { readFile } from "node:fs/promises";
import { join } from "node:path";

export const staticRoot = new URL("../static/", import.meta.url).pathname;

/** The hash `deno task build` wrote for the current assets. */
export async function readAssetVersion(root = staticRoot): Promise<string> {
  try {
    const manifest = JSON.parse(await readFile(join(root, "build/manifest.json"), "utf8"));
    return String(manifest.version);
  } catch {
    throw new Error("The CSS and browser scripts are not built: run `deno task build` first");
  }
}
