import type { AdminUserRow } from "../../../src/admin/users/queries.ts";
import { roleLabels, roles } from "../../../src/accounts/roles.ts";
import type { ShopView, Viewer } from "../../context.ts";
import { AdminLayout, Pager } from "../shared/layout.tsx";
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
  const href = (page: number) => withQuery("/admin/users", { ...props.filters, page });
  return (
    <section id={USER_RESULTS_ID} class="results flex flex-col gap-3" aria-label="Users found">
      <p class="text-sm" role="status">
        {props.total === 1 ? "1 user" : `${props.total} users`}
      </p>
      {props.users.length === 0
        ? <p class="panel">No users match these filters.</p>
        : (
          <div class="panel overflow-x-auto">
            <table class="admin-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Account</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last sign-in</th>
                </tr>
              </thead>
              <tbody>
                {props.users.map((u) => (
                  <tr>
                    <td>
                      <a class="text-link" href={`/admin/users/${u.id}`}>{u.name}</a>
                    </td>
                    <td>{u.email}</td>
                    <td>{roleLabels[u.role]}</td>
                    <td>{u.disabled ? <strong class="text-out">Disabled</strong> : "Active"}</td>
                    <td>{props.date(u.createdAt)}</td>
                    <td>{u.lastSignInAt ? props.dateTime(u.lastSignInAt) : "Never"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      <Pager page={props.page} pageCount={props.pageCount} href={href} />
    </section>
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
      <form
        method="get"
        action="/admin/users"
        role="search"
        aria-label="Filter users"
        hx-get="/admin/users"
        hx-target={`#${USER_RESULTS_ID}`}
        hx-swap="outerHTML"
        hx-push-url="true"
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
        <button type="submit" class="btn-primary">Filter</button>
      </form>
      <UserResults {...props} />
    </AdminLayout>
  );
}
