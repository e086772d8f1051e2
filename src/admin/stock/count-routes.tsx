import { type Context, Hono } from "hono";
import { CountPage } from "../../../views/admin/stock/count-page.tsx";
import { requireRole } from "../../accounts/middleware.ts";
import type { AppEnv } from "../../http/env.ts";
import { viewerOf } from "../../http/viewer.ts";
import type { AdminDeps } from "../deps.ts";
import { auditBy, flashOf, type FormBody, noStore, readForm, text } from "../shared/form-kit.ts";
import { readCounts, stockCount } from "./count.ts";
import { text as fieldText } from "../../http/fields.ts";

/** The counted boxes of a count form: `count-<product id>` → what was typed. */
export function countEntries(body: FormBody): [number, string][] {
  return Object.keys(body).filter((name) => /^count-\d{1,9}$/.test(name))
    .map((name) => [Number(name.slice(6)), text(body, name)]);
}

/** A note as the one-product form takes it: one line, no control characters, 200 at most. */
const noteField = fieldText().trim().max(200, "A note can be at most 200 characters.");

/** The morning count for admins: every product in one form with one save. */
export function stockCountRoutes(
  { shop, sql, live, bakery, dashboardChanged }: AdminDeps,
) {
  const admin = requireRole("admin");
  const count = stockCount({ sql, live, bakery, changed: dashboardChanged });

  const page = async (
    c: Context<AppEnv>,
    form: { values: Record<number, string>; fields: Record<string, string>; note: string },
    status: 200 | 422 = 200,
  ) => {
    noStore(c);
    return c.html(
      <CountPage
        shop={shop}
        viewer={viewerOf(c)}
        csrfToken={c.get("csrfToken")()}
        rows={await count.countable()}
        {...form}
        flash={status === 200 ? flashOf(c, { saved: "The count was saved." }) : undefined}
        error={status === 422
          ? "Nothing was saved: please correct the boxes marked below."
          : undefined}
      />,
      status,
    );
  };

  return new Hono<AppEnv>()
    .get("/admin/stock/count", admin, (c) => page(c, { values: {}, fields: {}, note: "" }))
    .post("/admin/stock/count", admin, async (c) => {
      const body = await readForm(c);
      const entries = countEntries(body);
      const typedNote = text(body, "note");
      const { counts, fields } = readCounts(entries);
      const parsedNote = noteField.safeParse(typedNote);
      if (!parsedNote.success) fields.note = parsedNote.error.issues[0].message;
      const note = parsedNote.success ? parsedNote.data : typedNote;
      if (Object.keys(fields).length) {
        return page(c, { values: Object.fromEntries(entries), fields, note }, 422);
      }
      await count.save(counts, auditBy(c), { reason: "set", note });
      return c.redirect("/admin/stock/count?done=saved", 303);
    });
}
