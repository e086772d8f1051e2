import { type Context, Hono } from "hono";
import { z } from "zod";
import type { ShopView } from "../../views/context.ts";
import { CheckoutPage } from "../../views/checkout/checkout-page.tsx";
import { requireUser } from "../accounts/middleware.ts";
import type { Cart } from "../cart/service.ts";
import type { CartStore } from "../cart/store.ts";
import type { AppEnv } from "../http/env.ts";
import { AppError, fieldErrors } from "../http/errors.ts";
import { viewerOf } from "../http/viewer.ts";
import type { Orders } from "../orders/service.ts";
import { multilineText, text } from "../http/fields.ts";
import type { Bakery } from "../bakery/service.ts";
import { isDate } from "../bakery/calendar.ts";
import type { Words } from "../bakery/words.ts";

const EXPIRED = "This form has expired. Please check the order and send it again.";
const PICKUP = "Choose a pickup time from the list.";
const COUPON = "That is not a coupon code.";
const checkoutChoices = z.object({
  date: text().max(10).optional(),
  pickup: text(PICKUP).max(40, PICKUP).optional(),
  slot: text(PICKUP).max(40, PICKUP).optional(),
  note: multilineText().trim().max(500, "The note can be at most 500 characters.").optional(),
  coupon: text(COUPON).trim().max(32, COUPON).optional(),
});
const checkoutForm = checkoutChoices.extend({
  token: z.string({ message: EXPIRED }).uuid(EXPIRED),
});

const RESENT_CHANGED =
  "This form was already used to place an order with other choices. Check your orders before ordering again.";

type CheckoutValues = z.infer<typeof checkoutForm>;

/** The choices as typed, text only (a file sent in a field counts as nothing). */
const typedChoices = (body: Record<string, unknown>): Partial<CheckoutValues> =>
  Object.fromEntries(Object.entries(body).filter(([, v]) => typeof v === "string"));

/** Field messages of the form, with the two pickup fields shown as one. */
function choiceProblems(error: z.ZodError) {
  const fields = fieldErrors(error);
  return {
    pickup: fields.pickup ?? fields.slot ?? fields.date,
    note: fields.note,
    coupon: fields.coupon,
  };
}

/** A chosen slot wins over "as soon as possible". */
const pickupOf = (v: Partial<CheckoutValues>) => v.slot || v.pickup || "asap";

/**
 * Checkout for pickup: signed-in customers only (others sign in and come back here). The
 * pickup day is chosen with a plain GET form (`?date=`), which the cart remembers; its
 * slots follow, full ones shown and disabled.
 */
export function checkoutRoutes(
  { shop, cart, carts, orders, bakery, words, emailVerified }: {
    shop: ShopView;
    /** Whether the account's address is confirmed (a first order needs it). */
    emailVerified: (userId: number) => Promise<boolean>;
    cart: Cart;
    carts: CartStore;
    orders: Orders;
    bakery: Bakery;
    words: Words;
  },
) {
  const render = async (
    c: Context<AppEnv>,
    values: Partial<CheckoutValues>,
    problems: {
      error?: string;
      fields?: Record<string, string>;
      status?: 400 | 403 | 409 | 422;
    } = {},
  ) => {
    const user = c.get("user")!;
    const owner = { userId: user.id };
    const days = await bakery.days();
    const asked = values.date;
    // Only a day that takes orders can be chosen; anything else keeps the cart's day.
    if (asked && isDate(asked) && days.some((d) => d.date === asked && d.orderable)) {
      await cart.chooseDay(owner, asked);
    }
    const view = await cart.view(owner);
    if (view.lines.length === 0) return c.redirect("/cart", 303);
    const [chosen, soonest] = await Promise.all([bakery.day(view.date), bakery.asap()]);
    const code = values.coupon?.trim();
    const coupon = code && !problems.fields?.coupon
      ? await orders.previewCoupon(code, user.id, view.subtotalCents)
      : undefined;
    const verified = await emailVerified(user.id);
    c.header("Cache-Control", "no-store");
    return c.html(
      <CheckoutPage
        shop={shop}
        viewer={viewerOf(c)}
        cart={view}
        days={days}
        day={chosen.day}
        slots={chosen.slots}
        asap={soonest?.date === view.date ? soonest.at : null}
        token={crypto.randomUUID()}
        values={{ pickup: pickupOf(values), note: values.note, coupon: code }}
        coupon={coupon}
        error={problems.error}
        fields={problems.fields}
        time={words.time}
        dayTime={words.dayTime}
        dayOf={words.day}
        unverifiedEmail={verified ? undefined : user.email}
      />,
      problems.status ?? 200,
    );
  };

  /** The page with the choices as typed, and what is wrong with them. */
  const review = (c: Context<AppEnv>, body: Record<string, unknown>, invalid: 400 | 422) => {
    const values = typedChoices(body);
    const choices = checkoutChoices.safeParse(values);
    if (choices.success) return render(c, choices.data);
    return render(c, values, { fields: choiceProblems(choices.error), status: invalid });
  };

  return new Hono<AppEnv>()
    .get("/checkout", requireUser(), (c) => review(c, c.req.query(), 400))
    // "Apply" a coupon: the same page with the discount worked out, choices kept. A POST,
    // so the form's token never lands in the address bar or the history.
    .post("/checkout/preview", requireUser(), async (c) => review(c, await c.req.parseBody(), 422))
    .post("/checkout", requireUser(), async (c) => {
      const user = c.get("user")!;
      const body = typedChoices(await c.req.parseBody());
      const form = checkoutForm.safeParse(body);
      if (!form.success) {
        return render(c, body, {
          error: fieldErrors(form.error).token,
          fields: choiceProblems(form.error),
          status: 422,
        });
      }
      const values = form.data;
      const items = [...(await carts.lines({ userId: user.id }))].map(([productId, quantity]) => ({
        productId,
        quantity,
      }));
      try {
        const placed = await orders.place({
          userId: user.id,
          items,
          fromCart: true,
          pickup: pickupOf(values),
          note: values.note,
          couponCode: values.coupon || undefined,
          idempotencyKey: `checkout:${values.token}`,
          meta: c.get("meta"),
        });
        await carts.clear({ userId: user.id });
        return c.redirect(`/orders/${placed.order.id}?placed=1`, 303);
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        const fields = error.fields ?? {};
        // The token is this form's idempotency key; the API's wording means nothing here.
        const message = error.code === "idempotency_conflict" ? RESENT_CHANGED : error.message;
        return render(c, values, {
          error: fields.pickupAt || fields.couponCode ? undefined : message,
          fields: { pickup: fields.pickupAt, coupon: fields.couponCode },
          status: error.status === 409 || error.status === 403 ? error.status : 422,
        });
      }
    });
}
