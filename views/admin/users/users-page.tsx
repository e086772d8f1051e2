import type { AdminUserRow } from "../../../src/admin/users/queries.ts";
import { roleLabels, roles } from "../../../src/accounts/roles.ts";
import type { ShopView, Viewer } from "../../context.ts";
import { AdminLayout } from "../shared/layout.tsx";
import { counted, DataTable, FilterBar, ListResults } from "../shared/list-kit.tsx";
import { Input, Select } from "../shared/fields.tsx";
import { withQuery } from "../../../src/admin/shared/lists.ts";

export const USER_RESULTS_ID = "user-results";

export interface UserResultsView {
  filters: { q?: string; role?: string };
  users: AdminUserRow[];
  total: number;
  page: number;
  pageCount: number;
  date: (at: Date) => string;
  dateTime: (at: Date) => string;
}

const roleOptions: [string, string][] = [
  ["", "Any role"],
  ...roles.map((r): [string, string] => [r, roleLabels[r]]),
];

export function UserResults(props: UserResultsView) {
  return (
    <ListResults
      id={USER_RESULTS_ID}
      label="Users found"
      count={counted(props.total, "user", "users")}
      empty="No users match these filters."
      hasRows={props.users.length > 0}
      page={props.page}
      pageCount={props.pageCount}
      href={(page) => withQuery("/admin/users", { ...props.filters, page })}
    >
      <DataTable columns={["Name", "Email", "Role", "Account", "Created", "Last sign-in"]}>
        {props.users.map((u) => (
          <tr>
            <td data-label="Name">
              <a class="text-link" href={`/admin/users/${u.id}`}>{u.name}</a>
            </td>
            <td data-label="Email">{u.email}</td>
            <td data-label="Role">{roleLabels[u.role]}</td>
            <td data-label="Account">
              {u.deletedAt
                ? <strong class="text-out">Deleted</strong>
                : u.disabled
                ? <strong class="text-out">Disabled</strong>
                : "Active"}
            </td>
            <td data-label="Created">{props.date(u.createdAt)}</td>
            <td data-label="Last sign-in">
              {u.lastSignInAt ? props.dateTime(u.lastSignInAt) : "Never"}
            </td>
          </tr>
        ))}
      </DataTable>
    </ListResults>
  );
}

/** Every account, searchable by name or email, filtered by role, a page at a time. */
export function UsersPage(
  props: UserResultsView & { shop: ShopView; viewer: Viewer; flash?: string },
) {
  return (
    <AdminLayout
      shop={props.shop}
      viewer={props.viewer}
      area="users"
      title="Users"
      flash={props.flash}
    >
      <p>
        <a class="btn-primary" href="/admin/users/invitations">Invite staff or an admin</a>
      </p>
      <FilterBar
        action="/admin/users"
        label="Filter users"
        results={USER_RESULTS_ID}
        class="panel grid gap-3 sm:grid-cols-[1fr_12rem_auto] items-end"
      >
        <Input
          id="user-q"
          name="q"
          type="search"
          label="Search"
          hint="Name or email"
          value={props.filters.q}
          maxlength={100}
        />
        <Select
          id="user-role"
          name="role"
          label="Role"
          value={props.filters.role}
          options={roleOptions}
        />
      </FilterBar>
      <UserResults {...props} />
    </AdminLayout>
  );
}
