import { type Context, Hono } from "hono";
import { z } from "zod";
import { requireRole } from "../accounts/middleware.ts";
import type { AppEnv } from "../http/env.ts";
import { AppError } from "../http/errors.ts";
import { isHtmx } from "../http/htmx.ts";
import type { Orders } from "../orders/service.ts";
import { nextStatus, type OrderStatus, statuses, stepBack } from "../orders/status.ts";
import { recordId, text } from "../http/fields.ts";

const orderId = recordId("That ticket could not be found.");
const actionForm = z.object({
  from: z.enum(statuses),
  reason: text().trim().max(200).optional(),
  /** A cancellation is sent with this only once someone said yes to it. */
  confirmed: z.literal("yes").optional(),
  /** Not collected: the goods back on sale, or thrown away. */
  goods: z.enum(["restock", "waste"]).optional(),
});

type Change = { to: OrderStatus; back?: boolean; notCollected?: "restock" | "waste" };
type Action = z.infer<typeof actionForm> & { id: number };

/**
 * Where a plain form post lands after a move: the board, showing the move with its undo
 * form until the next action (the page checks the ticket is still where this move put it).
 */
export const afterMove = (id: number, from: OrderStatus, to: OrderStatus) =>
  `/board?moved=${id}&from=${from}&to=${to}`;

/**
 * The board's ticket actions: bump, move back (an undo is a move back), recall and cancel.
 * htmx gets events for the toast (the board itself updates over its stream); plain form
 * posts get a redirect back to the board.
 */
export function boardActions({ orders }: { orders: Orders }) {
  const staff = requireRole("staff", "admin");

  const parse = async (c: Context<AppEnv>): Promise<Action> => {
    const id = orderId.safeParse(c.req.param("id"));
    const form = actionForm.safeParse(await c.req.parseBody());
    if (!id.success || !form.success) {
      throw new AppError(400, "bad_request", "That ticket action is not valid.");
    }
    return { id: id.data, ...form.data };
  };

  /** Moves an order and tells the screen what happened (or that someone else was faster). */
  const act = async (
    c: Context<AppEnv>,
    { id, from, reason }: Action,
    change: (from: OrderStatus) => Change,
  ) => {
    const { to, back, notCollected } = change(from);
    let notice: string | undefined;
    let moved: { code: string; from: OrderStatus; to: OrderStatus } | undefined;
    try {
      const result = await orders.changeStatus(id, to, c.get("user")!, {
        meta: c.get("meta"),
        expectedFrom: from,
        back,
        reason,
        notCollected,
      });
      moved = { code: result.order.code, from: result.from, to };
    } catch (error) {
      // Two screens bumping one ticket: one wins, the other is told, quietly.
      if (!(error instanceof AppError) || error.status !== 409) throw error;
      notice = error.message;
    }
    if (!isHtmx(c)) {
      return c.redirect(
        moved
          ? afterMove(id, moved.from, moved.to)
          : `/board?notice=${encodeURIComponent(notice!)}`,
        303,
      );
    }
    c.header(
      "HX-Trigger",
      JSON.stringify(
        moved ? { "board-moved": { id, ...moved } } : { "board-notice": { message: notice } },
      ),
    );
    return c.body(null, 200);
  };

  const noStep = (from: OrderStatus): never => {
    throw new AppError(409, "illegal_transition", `A ticket that is ${from} has no such step.`);
  };

  return new Hono<AppEnv>()
    .post(
      "/board/orders/:id/bump",
      staff,
      async (c) => act(c, await parse(c), (from) => ({ to: nextStatus[from] ?? noStep(from) })),
    )
    // Undo and "move back" are one step back, at any time, with an optional reason.
    .post(
      "/board/orders/:id/undo",
      staff,
      async (c) =>
        act(c, await parse(c), (from) => ({ to: stepBack[from] ?? noStep(from), back: true })),
    )
    .post("/board/orders/:id/recall", staff, async (c) =>
      act(c, await parse(c), (from) => {
        if (from !== "picked_up") noStep(from);
        return { to: "ready", back: true };
      }))
    .post("/board/orders/:id/cancel", staff, async (c) => {
      const form = await parse(c);
      if (!form.confirmed) {
        // Asked once: a plain form post shows the question on the board; htmx asks first.
        const reason = form.reason ? `&reason=${encodeURIComponent(form.reason)}` : "";
        return c.redirect(`/board?confirm=${form.id}${reason}`, 303);
      }
      return act(c, form, () => ({ to: "cancelled" }));
    })
    // The end of the day: a Ready order nobody came for.
    .post("/board/orders/:id/not-collected", staff, async (c) => {
      const form = await parse(c);
      if (!form.goods) {
        throw new AppError(400, "bad_request", "Choose whether the goods go back on sale.");
      }
      const goods = form.goods;
      const reason = goods === "restock"
        ? "Not collected: back on sale"
        : "Not collected: thrown away";
      return act(c, { ...form, reason }, () => ({ to: "cancelled", notCollected: goods }));
    });
}
