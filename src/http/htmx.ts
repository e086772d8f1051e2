import type { Context } from "hono";

/**
 * One URL, two representations: the fragment only when htmx asks to swap the named
 * element; full pages for plain, boosted and history-restore requests.
 */
export function wantsFragment(c: Context, elementId: string): boolean {
  c.header("Vary", "HX-Request, HX-Target", { append: true });
  if (c.req.header("HX-Request") !== "true") return false;
  if (c.req.header("HX-History-Restore-Request") === "true") return false;
  const target = c.req.header("HX-Target") ?? "";
  return target === `#${elementId}` || target.endsWith(`#${elementId}`);
}

export const isHtmx = (c: Context) => c.req.header("HX-Request") === "true";
