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
    const response = await serve(c, next);
    if (!response) return;
    if (response.ok) {
      response.headers.set(
        "Cache-Control",
        c.req.query("v") ? "public, max-age=31536000, immutable" : "public, max-age=3600",
      );
    }
    return response;
  };
}
