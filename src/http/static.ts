import type { MiddlewareHandler } from "hono";
import { serveStatic } from "hono/serve-static";
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from "hono/utils/compress";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";

/**
 * Files under static/. Versioned URLs (`?v=` a content hash) may be cached for a year;
 * anything else for an hour, so a deploy is picked up the same day.
 *
 * Text files are precompressed at build (`.br`, `.gz` beside them, see build-assets.ts) and
 * served in the encoding the browser accepts, brotli first, with `Vary: Accept-Encoding`.
 * Hono's own serveStatic does the choosing; the files are read whole (they are small)
 * rather than opened as streams, because it opens the plain file before looking for a
 * compressed one and would leave that file open.
 */
export function staticFiles(root: string): MiddlewareHandler {
  const serve = serveStatic({
    root,
    join,
    precompressed: true,
    rewriteRequestPath: (path) => path.replace(/^\/static/, ""),
    getContent: async (path) => {
      try {
        // A compressed copy older than its file (the CSS watcher rebuilt it) is not served.
        const original = /\.(?:br|gz)$/.exec(path) && path.slice(0, -3);
        if (original && (await stat(path)).mtimeMs < (await stat(original)).mtimeMs) return null;
        return new Uint8Array(await readFile(path));
      } catch {
        return null;
      }
    },
    isDir: async (path) => (await stat(path).catch(() => null))?.isDirectory() ?? false,
  });
  return async function staticWithCaching(c, next) {
    const response = await serve(c, next);
    if (!response) return;
    if (response.ok) {
      response.headers.set(
        "Cache-Control",
        c.req.query("v") ? "public, max-age=31536000, immutable" : "public, max-age=3600",
      );
      // Every answer for a compressible file may differ by encoding, the plain one too.
      const type = response.headers.get("Content-Type") ?? "";
      const vary = response.headers.get("Vary") ?? "";
      if (COMPRESSIBLE_CONTENT_TYPE_REGEX.test(type) && !/accept-encoding/i.test(vary)) {
        response.headers.set("Vary", vary ? `${vary}, Accept-Encoding` : "Accept-Encoding");
      }
    }
    return response;
  };
}
