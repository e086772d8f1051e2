import type { AdminUserDetail } from "../../../src/admin/users/queries.ts";
import { CsrfField, ErrorBanner } from "../../accounts/form-parts.tsx";
import { DetailForm } from "../shared/form-parts.tsx";
import type { UserActionProblems } from "./user-problems.ts";

/**
 * What an admin does when a customer asks for their data or to be forgotten: the export,
 * and deletion confirmed by typing the account's address (no script needed, no misclick).
 */
export function UserErasure(
  { user, csrfToken, isSelf, problems, target }: {
    user: AdminUserDetail;
    csrfToken: string;
    isSelf: boolean;
    problems?: UserActionProblems;
    target: string;
  },
) {
  if (user.deletedAt) return null;
  const deleteProblem = problems?.form === "delete" ? problems : undefined;
  return (
    <section class="panel flex flex-col gap-4" aria-labelledby="user-erasure-heading">
      <h2 id="user-erasure-heading" class="section-heading">On the person's request</h2>
      <p>
        <a class="text-link" href={`/admin/users/${user.id}/export`} download>
          Download their data (JSON)
        </a>: details, orders and the messages sent to them.
      </p>
      {isSelf && <ErrorBanner id="user-delete-error" message={deleteProblem?.error} />}
      {isSelf
        ? <p>To delete your own account, use your account page.</p>
        : (
          <DetailForm action={`/admin/users/${user.id}/delete`} target={target}>
            <CsrfField token={csrfToken} />
            <ErrorBanner id="user-delete-error" message={deleteProblem?.error} />
            <p>
              Deleting signs them out everywhere and removes their name, address, notes and
              messages. Their orders stay in the books, without their details. It cannot be undone.
            </p>
            <div class="form-row">
              <label for="user-delete-confirm" class="font-semibold">
                Type {user.email} to confirm
              </label>
              <input
                id="user-delete-confirm"
                name="confirm"
                type="text"
                autocomplete="off"
                spellcheck={false}
                maxlength={254}
                required
                class="field w-full"
                aria-invalid={deleteProblem?.fields?.confirm ? "true" : undefined}
              />
            </div>
            <button type="submit" class="btn-danger self-start">Delete account</button>
          </DetailForm>
        )}
    </section>
  );
}
