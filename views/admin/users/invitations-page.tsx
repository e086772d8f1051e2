import type { InvitationRow } from "../../../src/accounts/invitation-queries.ts";
import { roleLabels } from "../../../src/accounts/roles.ts";
import type { ShopView, Viewer } from "../../context.ts";
import { CsrfField, ErrorBanner } from "../../accounts/form-parts.tsx";
import { AdminLayout } from "../shared/layout.tsx";
import { Input, Select } from "../shared/fields.tsx";
import { ActionButton, AdminForm } from "../shared/form-parts.tsx";
import { DataTable, EmptyState } from "../shared/list-kit.tsx";

export const INVITE_FORM_ID = "invite-form";

export interface InviteFormView {
  csrfToken: string;
  values?: { email?: string; name?: string; role?: string };
  error?: string;
  fields?: Record<string, string>;
  /** The account the email already belongs to, linked beside the refusal. */
  existingUserId?: number;
}

export interface InvitationsView extends InviteFormView {
  invitations: (InvitationRow & { link: string })[];
  dateTime: (at: Date) => string;
}

const stateWords: Record<InvitationRow["state"], string> = {
  open: "Waiting",
  expired: "Expired",
  withdrawn: "Withdrawn",
  accepted: "Accepted",
};

/** Email, name and role (staff or admin): the invitation mail goes out from the worker. */
export function InviteForm(view: InviteFormView) {
  const v = view.values ?? {};
  return (
    <AdminForm
      id={INVITE_FORM_ID}
      action="/admin/users/invitations"
      label="Invite someone"
      class="panel grid gap-3 sm:grid-cols-[1fr_1fr_10rem_auto] items-end"
    >
      <CsrfField token={view.csrfToken} />
      <div class="sm:col-span-4">
        <ErrorBanner id="invite-error" message={view.error} />
        {view.existingUserId && (
          <p class="mt-2">
            <a class="text-link" href={`/admin/users/${view.existingUserId}`}>
              Open that account
            </a>
          </p>
        )}
      </div>
      <Input
        id="invite-email"
        name="email"
        type="email"
        label="Email"
        required
        maxlength={254}
        value={v.email}
        error={view.fields?.email}
      />
      <Input
        id="invite-name"
        name="name"
        label="Name"
        required
        maxlength={100}
        value={v.name}
        error={view.fields?.name}
      />
      <Select
        id="invite-role"
        name="role"
        label="Role"
        value={v.role ?? "staff"}
        error={view.fields?.role}
        options={[["staff", roleLabels.staff], ["admin", roleLabels.admin]]}
      />
      <button type="submit" class="btn-primary">Send invitation</button>
    </AdminForm>
  );
}

/** Invitations not accepted yet, with their link (to give in person when mail is off). */
function InvitationList(props: InvitationsView) {
  if (props.invitations.length === 0) {
    return <EmptyState>Nobody is waiting on an invitation.</EmptyState>;
  }
  return (
    <DataTable columns={["Name", "Email", "Role", "State", "Invited", "Link", "Actions"]}>
      {props.invitations.map((i) => (
        <tr>
          <td data-label="Name">
            <a class="text-link" href={`/admin/users/${i.userId}`}>{i.name}</a>
          </td>
          <td data-label="Email">{i.email}</td>
          <td data-label="Role">{roleLabels[i.role]}</td>
          <td data-label="State">
            {stateWords[i.state]}
            {i.state === "open" && (
              <span class="block text-sm text-ink-soft">
                until {props.dateTime(i.expiresAt)}
              </span>
            )}
          </td>
          <td data-label="Invited">
            {props.dateTime(i.createdAt)}
            {i.invitedByName && <span class="block text-sm">by {i.invitedByName}</span>}
          </td>
          <td data-label="Link">
            {i.state === "open"
              ? (
                <input
                  class="field w-full text-sm"
                  readonly
                  value={i.link}
                  aria-label={`Invitation link for ${i.name}`}
                />
              )
              : "—"}
          </td>
          <td data-label="Actions" class="flex flex-wrap gap-2">
            <ActionButton
              action={`/admin/users/${i.userId}/invitation/renew`}
              csrfToken={props.csrfToken}
              label={i.state === "open" ? "Send again" : "Invite again"}
              hidden={i.name}
            />
            {i.state === "open" && (
              <ActionButton
                action={`/admin/users/${i.userId}/invitation/withdraw`}
                csrfToken={props.csrfToken}
                label="Withdraw"
                hidden={i.name}
              />
            )}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

export function InvitationsPage(
  props: InvitationsView & { shop: ShopView; viewer: Viewer; flash?: string },
) {
  return (
    <AdminLayout
      shop={props.shop}
      viewer={props.viewer}
      area="users"
      title="Invite staff and admins"
      flash={props.flash}
    >
      <p>
        <a class="text-link" href="/admin/users">← All users</a>
      </p>
      <p>
        The invitation mail carries a link that sets the password. It works once and expires;
        sending again makes a new link and the old one stops working. Roles of people already signed
        up are changed on their page.
      </p>
      <InviteForm {...props} />
      <section class="flex flex-col gap-3" aria-labelledby="invited-heading">
        <h2 id="invited-heading" class="section-heading">Invited, not signed up yet</h2>
        <InvitationList {...props} />
      </section>
    </AdminLayout>
  );
}
