import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { CouponAdminPage } from "../../../views/admin/coupons/coupon-page.tsx";
import { COUPON_FORM_ID, CouponForm } from "../../../views/admin/coupons/coupon-form.tsx";
import { CouponsPage, NewCouponPage } from "../../../views/admin/coupons/coupons-page.tsx";
import { requireRole } from "../../accounts/middleware.ts";
import { recordAudit } from "../../audit/record.ts";
import type { AppEnv } from "../../http/env.ts";
import { notFound } from "../../http/errors.ts";
import { wantsFragment } from "../../http/htmx.ts";
import { viewerOf } from "../../http/viewer.ts";
import type { Queryable } from "../../infra/db.ts";
import {
  codeTaken,
  couponRedemptions,
  findCouponById,
  insertCoupon,
  listCoupons,
  setCouponActive,
  updateCoupon,
} from "./queries.ts";
import {
  couponFieldNames,
  type CouponFormValues,
  couponFormValues,
  type CouponInput,
  parseCouponForm,
} from "./schema.ts";
import type { AdminDeps } from "../deps.ts";
import { finish, FIX_FIELDS, idOf, isUniqueViolation, noStore, text } from "../shared/form-kit.ts";
import { PAGE_SIZE, pageCount, pageOf } from "../shared/lists.ts";
import { searchQuery } from "../shared/schema.ts";

type Ctx = Context<AppEnv>;
type Problems = { fields: Record<string, string>; error?: string };

const flashes: Record<string, string> = {
  created: "The coupon was created.",
  saved: "The coupon's rules were saved.",
  deactivated: "The coupon was deactivated: checkout refuses it from now on.",
  reactivated: "The coupon was reactivated.",
};

const CODE_TAKEN = "Another coupon already uses this code.";

/** What changed between the stored rules and the new ones, for the audit log. */
function changes(before: CouponInput, after: CouponInput) {
  const plain = (v: unknown) => v instanceof Date ? v.toISOString() : v;
  const diff: Record<string, [unknown, unknown]> = {};
  for (const key of Object.keys(after) as (keyof CouponInput)[]) {
    if (key === "active") continue;
    const [a, b] = [plain(before[key]), plain(after[key])];
    if (a !== b) diff[key] = [a, b];
  }
  return diff;
}

/** Coupons for admins: the list, create, edit with every rule, (de)activate, their uses. */
export function couponAdminRoutes({ shop, sql, timeZone, format }: AdminDeps) {
  const { currency } = shop;
  const onlyAdmins = requireRole("admin");
  const texts = { money: format.money, date: format.date, dateTime: format.dateTime };

  const submitted = async (c: Ctx): Promise<CouponFormValues> => {
    const body = await c.req.parseBody();
    return Object.fromEntries(couponFieldNames.map((name) => [name, text(body, name)]));
  };

  const formView = (c: Ctx, action: string, values: CouponFormValues, isNew: boolean) => ({
    action,
    values,
    isNew,
    currency,
    csrfToken: c.get("csrfToken")(),
  });

  const couponPage = async (
    c: Ctx,
    id: number,
    form: { values?: CouponFormValues; problems?: Problems } = {},
    status: ContentfulStatusCode = 200,
  ) => {
    const coupon = await findCouponById(sql, id);
    if (!coupon) throw notFound("That coupon");
    const view = {
      ...formView(
        c,
        `/admin/coupons/${id}`,
        form.values ?? couponFormValues(coupon, timeZone),
        false,
      ),
      ...form.problems,
    };
    if (wantsFragment(c, COUPON_FORM_ID)) return c.html(<CouponForm {...view} />, status);
    const page = pageOf(c.req.query("page"));
    const { redemptions, total } = await couponRedemptions(sql, id, {
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
    });
    noStore(c);
    return c.html(
      <CouponAdminPage
        shop={shop}
        viewer={viewerOf(c)}
        flash={status === 200 ? flashes[c.req.query("done") ?? ""] : undefined}
        coupon={coupon}
        form={view}
        redemptions={redemptions}
        redemptionTotal={total}
        page={page}
        pageCount={pageCount(total)}
        {...texts}
      />,
      status,
    );
  };

  const newPage = (c: Ctx, values: CouponFormValues, problems?: Problems, status = 200) => {
    const view = { ...formView(c, "/admin/coupons", values, true), ...problems };
    noStore(c);
    if (wantsFragment(c, COUPON_FORM_ID)) {
      return c.html(<CouponForm {...view} />, status as ContentfulStatusCode);
    }
    return c.html(
      <NewCouponPage shop={shop} viewer={viewerOf(c)} {...view} />,
      status as ContentfulStatusCode,
    );
  };

  /** The form read and checked, the code's uniqueness too; the messages when it fails. */
  const check = async (values: CouponFormValues, exceptId?: number) => {
    const parsed = parseCouponForm(values, timeZone);
    const fields = parsed.ok ? {} : parsed.fields;
    if (parsed.ok && await codeTaken(sql, parsed.coupon.code, exceptId)) fields.code = CODE_TAKEN;
    if (!parsed.ok || Object.keys(fields).length > 0) {
      return { problems: { error: FIX_FIELDS, fields } };
    }
    return { coupon: parsed.coupon };
  };

  /** Saves new rules under a lock, so the limit is never set below the uses counted. */
  const save = async (
    tx: Queryable,
    c: Ctx,
    id: number,
    coupon: CouponInput,
  ): Promise<Problems | null> => {
    const current = await findCouponById(tx, id, true);
    if (!current) throw notFound("That coupon");
    if (coupon.maxRedemptions !== null && coupon.maxRedemptions < current.redeemedCount) {
      const message = `It has been used ${current.redeemedCount} times: the limit cannot be lower.`;
      return { error: FIX_FIELDS, fields: { maxRedemptions: message } };
    }
    await updateCoupon(tx, id, coupon);
    await recordAudit(tx, {
      actorId: c.get("user")!.id,
      action: "coupon.updated",
      entityType: "coupon",
      entityId: id,
      details: { code: coupon.code, changes: changes(current, coupon) },
      ...c.get("meta"),
    });
    return null;
  };

  return new Hono<AppEnv>()
    .get("/admin/coupons", onlyAdmins, async (c) => {
      const q = searchQuery.parse(c.req.query("q"))?.slice(0, 32) || undefined;
      const page = pageOf(c.req.query("page"));
      const { coupons, total } = await listCoupons(sql, { q }, {
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
      });
      noStore(c);
      return c.html(
        <CouponsPage
          shop={shop}
          viewer={viewerOf(c)}
          flash={flashes[c.req.query("done") ?? ""]}
          q={q}
          coupons={coupons}
          total={total}
          page={page}
          pageCount={pageCount(total)}
          {...texts}
        />,
      );
    })
    .get("/admin/coupons/new", onlyAdmins, (c) => newPage(c, { kind: "percent", active: "on" }))
    .post("/admin/coupons", onlyAdmins, async (c) => {
      const values = await submitted(c);
      const checked = await check(values);
      if (!checked.coupon) return newPage(c, values, checked.problems, 422);
      const coupon = checked.coupon;
      const id = await sql.begin(async (tx) => {
        const id = await insertCoupon(tx, coupon);
        if (id === null) return null;
        await recordAudit(tx, {
          actorId: c.get("user")!.id,
          action: "coupon.created",
          entityType: "coupon",
          entityId: id,
          details: { ...coupon },
          ...c.get("meta"),
        });
        return id;
      });
      if (id === null) {
        return newPage(c, values, { error: FIX_FIELDS, fields: { code: CODE_TAKEN } }, 422);
      }
      return finish(c, COUPON_FORM_ID, `/admin/coupons/${id}?done=created`);
    })
    .get("/admin/coupons/:id", onlyAdmins, (c) => {
      return couponPage(c, idOf(c, "That coupon"));
    })
    .post("/admin/coupons/:id", onlyAdmins, async (c) => {
      const id = idOf(c, "That coupon");
      const values = await submitted(c);
      const checked = await check(values, id);
      let problems: Problems | null = checked.problems ?? null;
      if (checked.coupon) {
        const coupon = checked.coupon;
        try {
          problems = await sql.begin((tx) => save(tx, c, id, coupon));
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          problems = { error: FIX_FIELDS, fields: { code: CODE_TAKEN } };
        }
      }
      if (problems) return couponPage(c, id, { values, problems }, 422);
      return finish(c, COUPON_FORM_ID, `/admin/coupons/${id}?done=saved`);
    })
    .post("/admin/coupons/:id/active", onlyAdmins, async (c) => {
      const id = idOf(c, "That coupon");
      const active = text(await c.req.parseBody(), "active") === "true";
      await sql.begin(async (tx) => {
        const coupon = await findCouponById(tx, id, true);
        if (!coupon) throw notFound("That coupon");
        await setCouponActive(tx, id, active);
        await recordAudit(tx, {
          actorId: c.get("user")!.id,
          action: active ? "coupon.reactivated" : "coupon.deactivated",
          entityType: "coupon",
          entityId: id,
          details: { code: coupon.code },
          ...c.get("meta"),
        });
      });
      return c.redirect(`/admin/coupons/${id}?done=${active ? "reactivated" : "deactivated"}`, 303);
    });
}
