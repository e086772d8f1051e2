import type { ShopView, Viewer } from "../../context.ts";
import { actionWords } from "../../../src/admin/audit/words.ts";
import { Input, Select } from "../shared/fields.tsx";
import { AdminLayout } from "../shared/layout.tsx";
import { counted, DataTable, FilterBar, ListResults } from "../shared/list-kit.tsx";

export interface AuditQuery {
  actor?: string;
  action?: string;
  type?: string;
  id?: string;
  from?: string;
  until?: string;
}

export interface AuditEntryView {
  at: Date;
  actorName: string | null;
  actorEmail: string | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  entityLabel: string | null;
  ip: string | null;
  userAgent: string | null;
  /** The entry in words, and its details as key: value pairs. */
  words: string;
  pairs: [string, string][];
  /** The browser in words ("Chrome on Android"); the whole string stays in its title. */
  browser?: string;
}

export interface AuditView {
  entries: AuditEntryView[];
  total: number;
  page: number;
  pageCount: number;
  query: AuditQuery;
  actions: string[];
  /** Filter fields that could not be read, by name. */
  problems: Partial<Record<keyof AuditQuery, string>>;
  dateTime: (at: Date) => string;
  href: (page: number) => string;
}

function AuditFilters({ query, actions, problems }: AuditView) {
  return (
    <FilterBar
      action="/admin/audit"
      label="Filter the audit log"
      results="audit-results"
      busy
      class="panel filter-form"
      clear="/admin/audit"
    >
      <Input
        id="audit-actor"
        name="actor"
        type="search"
        label="Who"
        hint="Part of a name or email"
        value={query.actor}
        maxlength={100}
        error={problems.actor}
      />
      <Select
        id="audit-action"
        name="action"
        label="Action"
        value={query.action}
        options={[
          ["", "Any action"],
          ...actions.map((a): [string, string] => [a, actionWords(a)]),
        ]}
        error={problems.action}
      />
      <Input
        id="audit-type"
        name="type"
        label="Entity type"
        hint="user, session, order, product…"
        value={query.type}
        maxlength={40}
        error={problems.type}
      />
      <Input
        id="audit-id"
        name="id"
        label="Entity id"
        value={query.id}
        maxlength={64}
        error={problems.id}
      />
      <Input
        id="audit-from"
        name="from"
        type="date"
        label="From"
        value={query.from}
        error={problems.from}
      />
      <Input
        id="audit-until"
        name="until"
        type="date"
        label="Until"
        hint="Shop time, this day included"
        value={query.until}
        error={problems.until}
      />
    </FilterBar>
  );
}

function Entity({ e }: { e: AuditEntryView }) {
  if (!e.entityType) return <span class="text-ink-soft">—</span>;
  return (
    <>
      <span>{e.entityType}</span> {e.entityId && <code class="break-all">{e.entityId}</code>}
      {e.entityLabel && <span class="block text-ink-soft">{e.entityLabel}</span>}
    </>
  );
}

/** The part the filters replace: the count, one page of entries, the page links. */
export function AuditResults(view: AuditView) {
  const count = view.total > 0
    ? `${counted(view.total, "entry", "entries")}, newest first`
    : Object.values(view.query).some(Boolean)
    ? "No entry matches these filters."
    : "Nothing has been recorded yet.";
  return (
    <ListResults
      id="audit-results"
      label="Entries"
      count={count}
      hasRows={view.entries.length > 0}
      page={view.page}
      pageCount={view.pageCount}
      href={view.href}
    >
      <DataTable flush columns={["When", "What happened", "Who", "Entity", "Details", "From"]}>
        {view.entries.map((e) => (
          <tr>
            <td data-label="When" class="whitespace-nowrap">
              <time datetime={e.at.toISOString()}>{view.dateTime(e.at)}</time>
            </td>
            <td data-label="What happened">{e.words}</td>
            <td data-label="Who">
              {e.actorName ?? <span class="text-ink-soft">—</span>}
              {e.actorEmail && <span class="block text-xs break-all">{e.actorEmail}</span>}
            </td>
            <td data-label="Entity">
              <Entity e={e} />
            </td>
            <td data-label="Details">
              {e.pairs.length === 0 ? <span class="text-ink-soft">—</span> : (
                <dl class="pairs">
                  {e.pairs.map(([key, value]) => (
                    <div>
                      <dt>{key}:</dt> <dd>{value}</dd>
                    </div>
                  ))}
                </dl>
              )}
            </td>
            <td data-label="From" class="text-xs">
              {e.ip ?? "—"}
              {e.browser && (
                <span class="block text-ink-soft" title={e.userAgent ?? undefined}>
                  {e.browser}
                </span>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
    </ListResults>
  );
}

/** Who did what to which thing, when and from where: filterable, one page at a time. */
export function AuditPage(view: AuditView & { shop: ShopView; viewer: Viewer }) {
  const problems = Object.values(view.problems);
  return (
    <AdminLayout
      shop={view.shop}
      viewer={view.viewer}
      area="audit"
      title="Audit log"
      error={problems.length ? "Some filters were not understood and are left out." : undefined}
    >
      <p>
        Sign-ins, account changes, admin actions and every order status change made by staff.
      </p>
      <AuditFilters {...view} />
      <AuditResults {...view} />
    </AdminLayout>
  );
}
