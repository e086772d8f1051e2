import type { StockRow } from "../../../src/admin/stock/queries.ts";

export interface CountTableView {
  rows: StockRow[];
  /** What was typed per product id, when the form comes back with problems. */
  values: Record<number, string>;
  /** Problems per field (`count-<id>`). */
  fields: Record<string, string>;
  /** Where a row's "Sold out" button posts (the board's counter); none on the admin count. */
  soldOutAction?: (productId: number) => string;
}

/**
 * Every product's stock in one form: a box per product for what was counted (blank leaves
 * it as it is), one save for all. Tab moves from box to box; Enter saves.
 */
export function CountTable({ rows, values, fields, soldOutAction }: CountTableView) {
  return (
    <table class="count-table">
      <thead>
        <tr>
          <th scope="col">Product</th>
          <th scope="col">Left now</th>
          <th scope="col">Counted</th>
          {soldOutAction && (
            <th scope="col">
              <span class="sr-only">Sold out</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {rows.map((p) => {
          const id = `count-${p.id}`;
          const error = fields[id];
          return (
            <tr id={`count-row-${p.id}`} class={error ? "has-error" : undefined}>
              <th scope="row">
                <label for={id}>{p.name}</label>
                {p.kind === "daily" && <span class="count-kind">today's plan</span>}
              </th>
              <td class="tabular-nums" data-stock={p.stock}>
                {p.stock === 0 ? <strong>Sold out</strong> : p.stock}
              </td>
              <td>
                <input
                  id={id}
                  name={id}
                  type="text"
                  inputmode="numeric"
                  pattern="[0-9]*"
                  maxlength={6}
                  autocomplete="off"
                  class="field count-input"
                  value={values[p.id] ?? ""}
                  aria-invalid={error ? "true" : undefined}
                  aria-describedby={error ? `${id}-error` : undefined}
                />
                {error && <p id={`${id}-error`} class="field-error">{error}</p>}
              </td>
              {soldOutAction && (
                <td>
                  {p.stock > 0 && (
                    <button
                      type="submit"
                      class="sold-out-button"
                      formaction={soldOutAction(p.id)}
                      name="remaining"
                      value="0"
                    >
                      Sold out <span class="sr-only">: {p.name}</span>
                    </button>
                  )}
                </td>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
