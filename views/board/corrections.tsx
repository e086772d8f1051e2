import { type OrderStatus, statusLabels, stepBack } from "../../src/orders/status.ts";

/** A move a board made, which its undo takes one step back. */
export interface LastMove {
  id: number;
  code: string;
  from: OrderStatus;
  to: OrderStatus;
}

export interface CancelQuestion {
  id: number;
  code: string;
  status: OrderStatus;
  reason: string;
}

function Csrf({ token }: { token?: string }) {
  return token ? <input type="hidden" name="_csrf" value={token} /> : null;
}

/**
 * The undo of the last move: a plain form, there until the next move replaces it (board.js
 * fills it in after each move made with JavaScript, and sends it with htmx).
 */
export function UndoBar({ move, csrf }: { move?: LastMove; csrf?: string }) {
  return (
    <form
      id="board-undo"
      class="board-toast"
      method="post"
      action={move ? `/board/orders/${move.id}/undo` : "/board/orders/0/undo"}
      hidden={!move}
      role="status"
    >
      <Csrf token={csrf} />
      <input type="hidden" name="from" value={move?.to ?? ""} data-undo-from />
      <span data-undo-text>
        {move ? `${move.code} moved to ${statusLabels[move.to]}.` : ""}
      </span>
      <button type="submit" data-undo>
        Undo <span class="sr-only" data-undo-code>{move?.code}</span>
      </button>
    </form>
  );
}

/** The question a cancellation asks once, on the page when there is no JavaScript. */
export function ConfirmCancel({ question, csrf }: { question: CancelQuestion; csrf?: string }) {
  return (
    <section
      id="confirm-cancel"
      class="board-confirm"
      role="alertdialog"
      aria-labelledby="confirm-cancel-title"
    >
      <h2 id="confirm-cancel-title">Cancel order {question.code}?</h2>
      <p>
        Its items go back on sale and the customer is told
        {question.reason ? `: “${question.reason}”` : ""}.
      </p>
      <div class="board-confirm-actions">
        <form method="post" action={`/board/orders/${question.id}/cancel`}>
          <Csrf token={csrf} />
          <input type="hidden" name="from" value={question.status} />
          <input type="hidden" name="reason" value={question.reason} />
          <input type="hidden" name="confirmed" value="yes" />
          <button type="submit" class="cancel">Yes, cancel {question.code}</button>
        </form>
        <a href="/board" class="board-link">Keep {question.code}</a>
      </div>
    </section>
  );
}

const cancelReasons = [
  "Customer asked to cancel",
  "Out of an ingredient",
  "Not collected",
  "Duplicate order",
];

/**
 * A ticket's "More" menu: move it back a step (at any time, with an optional reason) and
 * cancel it with a reason, asked once: htmx asks before it sends, a plain post is asked on
 * the page.
 */
export function TicketMenu(
  { id, code, status, csrf }: { id: number; code: string; status: OrderStatus; csrf?: string },
) {
  const back = stepBack[status];
  return (
    <details class="ticket-menu">
      <summary>
        More <span class="sr-only">for {code}</span>
      </summary>
      <p class="ticket-prints">
        <a href={`/board/orders/${id}/print/ticket`} target="_blank" class="board-link">
          Print kitchen ticket <span class="sr-only">{code}</span>
        </a>
        <a href={`/board/orders/${id}/print/label`} target="_blank" class="board-link">
          Print bag label <span class="sr-only">{code}</span>
        </a>
      </p>
      {back && (
        <form
          method="post"
          action={`/board/orders/${id}/undo`}
          hx-post={`/board/orders/${id}/undo`}
          hx-swap="none"
        >
          <Csrf token={csrf} />
          <input type="hidden" name="from" value={status} />
          <label>
            Reason (optional)
            <input type="text" name="reason" maxlength={200} class="field" autocomplete="off" />
          </label>
          <button type="submit" class="move-back">
            Move {code} back to {statusLabels[back]}
          </button>
        </form>
      )}
      <form
        method="post"
        action={`/board/orders/${id}/cancel`}
        hx-post={`/board/orders/${id}/cancel`}
        hx-swap="none"
        hx-confirm={`Cancel order ${code}? Its items go back on sale and the customer is told.`}
        hx-vals='{"confirmed":"yes"}'
      >
        <Csrf token={csrf} />
        <input type="hidden" name="from" value={status} />
        <label>
          Reason
          <select name="reason" class="field">
            {cancelReasons.map((r) => <option>{r}</option>)}
          </select>
        </label>
        <button type="submit" class="cancel">Cancel order {code}…</button>
      </form>
      {status === "ready" && (
        <form
          method="post"
          action={`/board/orders/${id}/not-collected`}
          hx-post={`/board/orders/${id}/not-collected`}
          hx-swap="none"
        >
          <Csrf token={csrf} />
          <input type="hidden" name="from" value={status} />
          <fieldset>
            <legend>Not collected: the goods</legend>
            <label class="choice">
              <input type="radio" name="goods" value="restock" checked /> go back on sale
            </label>
            <label class="choice">
              <input type="radio" name="goods" value="waste" /> are thrown away
            </label>
          </fieldset>
          <button type="submit" class="cancel">Not collected: close {code}</button>
        </form>
      )}
    </details>
  );
}
