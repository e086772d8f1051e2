import type { MiddlewareHandler } from "hono";
import { serveStatic } from "hono/deno";

/**
 * Files under static/. Versioned URLs (`?v=` the build's hash) may be cached for a year;
 * anything else for an hour, so a deploy is picked up the same day.
 */
export function staticFiles(root: string): MiddlewareHandler {
  const serve = serveStatic({
    root,
    rewriteRequestPath: (path) => path.replace(/^\/static/, ""),
  });
  return async function staticWithCaching(c, next) {
    await serve(c, next);
    if (c.res.ok) {
      c.header(
        "Cache-Control",
        c.req.query("v") ? "public, max-age=31536000, immutable" : "public, max-age=3600",
      );
    }
  };
}
