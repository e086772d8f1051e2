import type { UserActionProblems } from "./user-problems.ts";
import type { AdminUserDetail } from "../../../src/admin/users/queries.ts";
import { roleLabels, roles } from "../../../src/accounts/roles.ts";
import type { ShopView, Viewer } from "../../context.ts";
import { CsrfField, ErrorBanner } from "../../accounts/form-parts.tsx";
import { AdminLayout } from "../shared/layout.tsx";
import { Select } from "../shared/fields.tsx";
import { DetailForm } from "../shared/form-parts.tsx";
import { UserErasure } from "./user-erasure.tsx";

export type { UserActionProblems } from "./user-problems.ts";

export const USER_DETAIL_ID = "user-detail";

export interface UserDetailView {
  user: AdminUserDetail;
  /** The admin looking at the page: their own account cannot be demoted or disabled. */
  isSelf: boolean;
  csrfToken: string;
  problems?: UserActionProblems;
  date: (at: Date) => string;
  dateTime: (at: Date) => string;
}

/** The account's facts and its two actions; swapped whole after a refused change. */
export function UserDetail(props: UserDetailView) {
  const { user, problems, csrfToken } = props;
  const roleProblem = problems?.form === "role" ? problems : undefined;
  const disabledProblem = problems?.form === "disabled" ? problems : undefined;
  return (
    <div id={USER_DETAIL_ID} class="flex flex-col gap-4">
      <section class="panel" aria-label="Account">
        <dl class="admin-facts">
          <dt>Email</dt>
          <dd>{user.email}</dd>
          <dt>Role</dt>
          <dd>{roleLabels[user.role]}</dd>
          <dt>Account</dt>
          <dd>
            {user.deletedAt
              ? <strong class="text-out">Deleted on {props.date(user.deletedAt)}</strong>
              : user.disabled
              ? <strong class="text-out">Disabled: cannot sign in</strong>
              : `Active, ${user.openSessions} open session${user.openSessions === 1 ? "" : "s"}`}
          </dd>
          <dt>Created</dt>
          <dd>{props.date(user.createdAt)}</dd>
          <dt>Last sign-in</dt>
          <dd>{user.lastSignInAt ? props.dateTime(user.lastSignInAt) : "Never"}</dd>
          <dt>Orders</dt>
          <dd>
            <a class="text-link" href={`/admin/orders?q=${encodeURIComponent(user.email)}`}>
              {user.orderCount} order{user.orderCount === 1 ? "" : "s"}
            </a>
          </dd>
        </dl>
      </section>
      {!user.deletedAt && (
        <section class="panel grid gap-6 sm:grid-cols-2" aria-labelledby="user-actions-heading">
          <h2 id="user-actions-heading" class="section-heading sm:col-span-2">Actions</h2>
          <DetailForm action={`/admin/users/${user.id}/role`} target={USER_DETAIL_ID}>
            <CsrfField token={csrfToken} />
            <ErrorBanner id="user-role-error" message={roleProblem?.error} />
            <Select
              id="user-new-role"
              name="role"
              label="Role"
              hint={props.isSelf
                ? "This is you: you cannot remove your own admin role."
                : "Takes effect on the user's next request."}
              value={user.role}
              error={roleProblem?.fields?.role}
              options={roles.map((r) => [r, roleLabels[r]])}
            />
            <button type="submit" class="btn-primary self-start">Change role</button>
          </DetailForm>
          <DetailForm action={`/admin/users/${user.id}/disabled`} target={USER_DETAIL_ID}>
            <CsrfField token={csrfToken} />
            <ErrorBanner id="user-disabled-error" message={disabledProblem?.error} />
            <input type="hidden" name="disabled" value={user.disabled ? "false" : "true"} />
            <p>
              {user.disabled
                ? "Re-enabling lets this person sign in again."
                : "Disabling signs this person out everywhere at once and stops new sign-ins."}
            </p>
            <button type="submit" class="btn-secondary self-start">
              {user.disabled ? "Re-enable account" : "Disable account"}
            </button>
          </DetailForm>
        </section>
      )}
      <UserErasure
        user={user}
        csrfToken={csrfToken}
        isSelf={props.isSelf}
        problems={problems}
        target={USER_DETAIL_ID}
      />
    </div>
  );
}

export function UserAdminPage(
  props: UserDetailView & { shop: ShopView; viewer: Viewer; flash?: string },
) {
  return (
    <AdminLayout
      shop={props.shop}
      viewer={props.viewer}
      area="users"
      title={props.user.name}
      flash={props.flash}
    >
      <p>
        <a class="text-link" href="/admin/users">← All users</a>
      </p>
      <UserDetail {...props} />
    </AdminLayout>
  );
}
