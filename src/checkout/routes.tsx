import { type Context, Hono } from "hono";
import { z } from "zod";
import type { ShopView } from "../../views/context.ts";
import { CheckoutPage } from "../../views/checkout/checkout-page.tsx";
import { requireUser } from "../accounts/middleware.ts";
import type { Cart } from "../cart/service.ts";
import type { CartOwner, CartStore } from "../cart/store.ts";
import type { CartOwners } from "../cart/owner.ts";
import { draftOf } from "../cart/draft.ts";
import type { Logger } from "../infra/log.ts";
import { errorFields } from "../infra/log.ts";
import type { AppEnv } from "../http/env.ts";
import { AppError, fieldErrors } from "../http/errors.ts";
import { viewerOf } from "../http/viewer.ts";
import type { Orders } from "../orders/service.ts";
import { multilineText, recordId, text } from "../http/fields.ts";
import { MAX_LINE_QUANTITY } from "../cart/store.ts";
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

/** A line fixed in place on the checkout page: its new quantity, or removed. */
const lineOf = recordId("That product is not in your cart.");
const fixedQuantity = z.coerce.number({ message: "Enter a quantity." })
  .int("Enter a whole number.").min(1, "Enter at least 1.")
  .max(MAX_LINE_QUANTITY, `At most ${MAX_LINE_QUANTITY} per product.`);

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

/** Where a checkout sent without a session goes: sign in, then back to the same checkout. */
export const SIGN_IN_TO_CHECKOUT = `/signin?next=${encodeURIComponent("/checkout")}&done=checkout`;

const CHOICE_FIELDS = ["pickup", "slot", "note", "coupon"] as const;
const hasChoices = (values: Record<string, unknown>) =>
  CHOICE_FIELDS.some((field) => field in values);

/** A chosen slot wins over "as soon as possible". */
const pickupOf = (v: Partial<CheckoutValues>) => v.slot || v.pickup || "asap";

/**
 * Checkout for pickup: signed-in customers only (others sign in and come back here). The
 * pickup day is chosen with a plain GET form (`?date=`), which the cart remembers; its
 * slots follow, full ones shown and disabled.
 */
export function checkoutRoutes(
  { shop, cart, carts, owners, orders, bakery, words, emailVerified, log }: {
    shop: ShopView;
    owners: CartOwners;
    log: Logger;
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
      /** Said beside the order's summary (a line fixed in place). */
      flash?: string;
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
        flash={problems.flash}
        time={words.time}
        dayTime={words.dayTime}
        dayOf={words.day}
        unverifiedEmail={verified ? undefined : user.email}
      />,
      problems.status ?? 200,
    );
  };

  /** The choices as typed are kept with the cart; a failure to keep them loses no order. */
  const keepDraft = async (owner: CartOwner, values: Partial<CheckoutValues>) => {
    try {
      await carts.drafts.save(owner, draftOf({ ...values, pickup: pickupOf(values) }));
    } catch (error) {
      log.warn("checkout draft not kept", errorFields(error));
    }
  };

  /**
   * A checkout sent after the session ended (signed out in another tab, cookies cleared, a
   * session ended elsewhere): an expected event, not an error. The choices are kept with
   * this browser's cart and the customer signs in, coming back to the same checkout.
   */
  const signInFirst = async (c: Context<AppEnv>) => {
    const choices = checkoutChoices.safeParse(typedChoices(await c.req.parseBody()));
    // Only choices the form would take are kept; the rest is typed again after signing in.
    if (choices.success) await keepDraft(await owners.forWriting(c), choices.data);
    return c.redirect(SIGN_IN_TO_CHECKOUT, 303);
  };

  /** The page with the choices as typed, and what is wrong with them. */
  const review = (c: Context<AppEnv>, body: Record<string, unknown>, invalid: 400 | 422) => {
    const values = typedChoices(body);
    const choices = checkoutChoices.safeParse(values);
    if (choices.success) return render(c, choices.data);
    return render(c, values, { fields: choiceProblems(choices.error), status: invalid });
  };

  return new Hono<AppEnv>()
    .get("/checkout", requireUser(), async (c) => {
      const query = c.req.query();
      // Coming back to checkout (after signing in again, or from the cart): as it was left.
      if (hasChoices(query)) return review(c, query, 400);
      const draft = await carts.drafts.read({ userId: c.get("user")!.id });
      if (query.fixed === "1") return render(c, draft, { flash: "Your order was updated." });
      return review(c, { ...draft, date: query.date }, 400);
    })
    // "Apply" a coupon: the same page with the discount worked out, choices kept. A POST,
    // so the form's token never lands in the address bar or the history.
    .post("/checkout/preview", async (c) => {
      const user = c.get("user");
      if (!user) return signInFirst(c);
      const body = typedChoices(await c.req.parseBody());
      const choices = checkoutChoices.safeParse(body);
      if (choices.success) await keepDraft({ userId: user.id }, choices.data);
      return review(c, body, 422);
    })
    // A line the pickup day cannot give, fixed on the checkout page itself: a new quantity
    // (or the line removed), the choices kept, back to the same checkout.
    .post("/checkout/lines", async (c) => {
      const user = c.get("user");
      if (!user) return signInFirst(c);
      const raw = await c.req.parseBody();
      // The choices go on with the checkout only as the form takes them.
      const choices = checkoutChoices.safeParse(typedChoices(raw));
      const body = choices.success ? choices.data : {};
      const owner = { userId: user.id };
      const removing = raw.remove !== undefined;
      const line = lineOf.safeParse(removing ? raw.remove : raw.line);
      if (!line.success) return render(c, body, { error: fieldErrors(line.error)._, status: 422 });
      const productId = line.data;
      try {
        if (removing) {
          await cart.remove(owner, productId);
        } else {
          const wanted = fixedQuantity.safeParse(raw[`quantity-${productId}`]);
          if (!wanted.success) {
            return render(c, body, { error: fieldErrors(wanted.error)._, status: 422 });
          }
          await cart.setQuantity(owner, productId, wanted.data);
        }
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        return render(c, body, { error: error.message, status: 422 });
      }
      if (choices.success) await keepDraft(owner, choices.data);
      return c.redirect("/checkout?fixed=1#order-summary", 303);
    })
    .post("/checkout", async (c) => {
      const user = c.get("user");
      if (!user) return signInFirst(c);
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
        await keepDraft({ userId: user.id }, values);
        return render(c, values, {
          error: fields.pickupAt || fields.couponCode ? undefined : message,
          fields: { pickup: fields.pickupAt, coupon: fields.couponCode },
          status: error.status === 409 || error.status === 403 ? error.status : 422,
        });
      }
    });
}
