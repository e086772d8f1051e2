import type { Child } from "hono/jsx";

/**
 * The pieces every admin list is made of: the filter bar, the results (a count, the table or
 * an empty state, the pages), each usable alone. A list works without JavaScript (the filter
 * bar is a GET form, the pages are links); with htmx the filter bar replaces only the results
 * and writes the filters into the address bar.
 */

/** "1 order", "12 orders". */
export const counted = (n: number, one: string, many: string) =>
  n === 1 ? `1 ${one}` : `${n} ${many}`;

/** The filters of a list as a GET form; `results` names the section htmx swaps. */
export function FilterBar(
  props: {
    action: string;
    label?: string;
    /** The id of the results section; without it the form loads the whole page. */
    results?: string;
    /** When htmx asks (`input delay:300ms, submit` to filter while typing); default: submit. */
    trigger?: string;
    /** Dims the results while the next ones load. */
    busy?: boolean;
    class: string;
    /** The button's words: "Filter" unless told. */
    submit?: string;
    /** A secondary button, for a list whose main action is beside the bar. */
    quiet?: boolean;
    /** Where "Clear" leads: the list without filters. */
    clear?: string;
    children: Child;
  },
) {
  const { results } = props;
  const button = (
    <button type="submit" class={props.quiet ? "btn-secondary" : "btn-primary"}>
      {props.submit ?? "Filter"}
    </button>
  );
  return (
    <form
      method="get"
      action={props.action}
      role="search"
      aria-label={props.label}
      hx-get={results ? props.action : undefined}
      hx-trigger={results ? props.trigger : undefined}
      hx-target={results ? `#${results}` : undefined}
      hx-swap={results ? "outerHTML" : undefined}
      hx-push-url={results ? "true" : undefined}
      hx-indicator={results && props.busy ? `#${results}` : undefined}
      class={props.class}
    >
      {props.children}
      {props.clear
        ? (
          <div class="filter-actions">
            {button}
            <a class="btn-secondary" href={props.clear}>Clear</a>
          </div>
        )
        : button}
    </form>
  );
}

/** How many rows match, read out when the filters change. */
export function ResultCount({ children }: { children: Child }) {
  return <p class="text-sm text-ink-soft" role="status">{children}</p>;
}

/** What an empty list says instead of a table. */
export function EmptyState({ children }: { children: Child }) {
  return <p class="panel">{children}</p>;
}

/**
 * A table of rows that scrolls sideways on a narrow screen. `columns` are headings: words, or
 * a whole `<th>` (a sortable heading). `flush` tables fill their panel to the edges; `inset`
 * ones sit inside a panel that is already there.
 */
export function DataTable(
  props: {
    columns: (string | Child)[];
    flush?: boolean;
    inset?: boolean;
    /** Names the scrollable region for screen readers. */
    label?: string;
    children: Child;
  },
) {
  const frame = props.inset
    ? "overflow-x-auto"
    : props.flush
    ? "panel overflow-x-auto p-0"
    : "panel overflow-x-auto";
  return (
    // Focusable, so a keyboard can scroll a table wider than a phone.
    <div class={frame} tabindex={0} role="region" aria-label={props.label ?? "Table"}>
      <table class="admin-table">
        <thead>
          <tr>
            {props.columns.map((column) =>
              typeof column === "string" ? <th scope="col">{column}</th> : column
            )}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

/** Page links that keep the current filters; never a whole table at once. */
export function Pager(
  { page, pageCount, href }: { page: number; pageCount: number; href: (page: number) => string },
) {
  if (pageCount <= 1) return null;
  return (
    <nav aria-label="Pages" class="flex items-center gap-3">
      {page > 1 && <a class="btn-secondary" href={href(page - 1)} rel="prev">← Previous</a>}
      <span class="text-sm">Page {page} of {pageCount}</span>
      {page < pageCount && <a class="btn-secondary" href={href(page + 1)} rel="next">Next →</a>}
    </nav>
  );
}

/**
 * The part of a list page the filter bar replaces: the count, the table (or, with no rows,
 * `empty` if given, for a count line that does not say it already), the pages.
 */
export function ListResults(
  props: {
    id: string;
    label: string;
    count: string;
    empty?: string;
    hasRows: boolean;
    page: number;
    pageCount: number;
    href: (page: number) => string;
    children: Child;
  },
) {
  return (
    <section id={props.id} class="results flex flex-col gap-3" aria-label={props.label}>
      <ResultCount>{props.count}</ResultCount>
      {props.hasRows ? props.children : props.empty && <EmptyState>{props.empty}</EmptyState>}
      <Pager page={props.page} pageCount={props.pageCount} href={props.href} />
    </section>
  );
}
