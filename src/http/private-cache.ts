import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./env.ts";

/**
 * What a signed-in person sees is theirs: their name in the header, their orders, their
 * tokens. No cache between them and the shop may keep it, nor the browser on a shared
 * computer. Answers a route made shareable on purpose (a product image) keep their own rule.
 */
export function privateWhenSignedIn(): MiddlewareHandler<AppEnv> {
  return async function markPrivate(c, next) {
    await next();
    if (!c.get("user")) return;
    const current = c.res.headers.get("Cache-Control") ?? "";
    if (/\b(public|private)\b/.test(current)) return;
    // What the route said besides stays (an event stream's no-transform).
    const others = current.split(",").map((d) => d.trim()).filter((d) => d && d !== "no-store");
    c.res.headers.set("Cache-Control", ["private", "no-store", ...others].join(", "));
  };
}
