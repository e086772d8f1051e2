import type { Context } from "hono";
import type { Viewer } from "../../views/context.ts";
import type { AppEnv } from "./env.ts";

/**
 * The header's and footer's data, made in this one place for every full page: the user, the
 * cart count (read now, after the handler's writes), the shop's details and today's hours,
 * and the CSRF token (made only if a form needs it).
 */
export function viewerOf(c: Context<AppEnv>): Viewer {
  const user = c.get("user");
  return {
    user: user ? { name: user.name, role: user.role } : null,
    csrfToken: () => c.get("csrfToken")(),
    cartCount: c.get("cartCount")?.() ?? Promise.resolve(0),
    contact: c.get("shopContact")?.(),
  };
}
