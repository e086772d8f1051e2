import { CsrfField, EnhancedForm, ErrorBanner, Field, type FormProblems } from "./form-parts.tsx";

/** The account page's parts about the address and the data: confirming, changing, leaving. */

export const EMAIL_FORM_ID = "email-form";
export const DELETE_FORM_ID = "delete-form";

/** Asks for the confirmation link again; `next` brings the customer back where they were. */
export function ResendVerification({ csrfToken, next }: { csrfToken: string; next?: string }) {
  return (
    <form method="post" action="/account/verification" class="inline">
      <CsrfField token={csrfToken} />
      {next && <input type="hidden" name="next" value={next} />}
      <button type="submit" class="btn-secondary">Send the link again</button>
    </form>
  );
}

/** Said wherever an order is refused for want of a confirmed address. */
export function VerifyNotice(
  { email, csrfToken, next }: { email: string; csrfToken: string; next?: string },
) {
  return (
    <div id="verify-notice" class="notice flex flex-col gap-3" role="status">
      <p>
        <strong>Confirm your email address to order.</strong> We sent a link to{" "}
        <span class="break-all">{email}</span>; open it and come back. You can browse and fill your
        cart meanwhile.
      </p>
      <ResendVerification csrfToken={csrfToken} next={next} />
    </div>
  );
}

export interface EmailFormView extends FormProblems {
  csrfToken: string;
  email?: string;
  /** A new address whose link has not been opened yet. */
  pendingEmail?: string | null;
}

export function EmailForm(view: EmailFormView) {
  return (
    <EnhancedForm id={EMAIL_FORM_ID} action="/account/email" label="Change your email address">
      {view.pendingEmail && (
        <p class="text-sm">
          Waiting for confirmation:{" "}
          <strong class="break-all">{view.pendingEmail}</strong>. It replaces your address when you
          open the link we sent there.
        </p>
      )}
      <ErrorBanner id="email-error" message={view.error} />
      <CsrfField token={view.csrfToken} />
      <Field
        id="account-new-email"
        name="email"
        label="New email address"
        type="email"
        autocomplete="email"
        value={view.email}
        error={view.fields?.email}
        maxlength={254}
        autofocus={!!view.fields?.email}
      />
      <Field
        id="account-email-password"
        name="password"
        label="Your password"
        type="password"
        autocomplete="current-password"
        error={view.fields?.password}
        maxlength={256}
        autofocus={!view.fields?.email && !!view.fields?.password}
      />
      <button type="submit" class="btn-primary self-start">Send a confirmation link</button>
    </EnhancedForm>
  );
}

export function DataSection(
  { csrfToken, deleteForm }: { csrfToken: string; deleteForm?: FormProblems },
) {
  return (
    <section id="section-data" class="panel" aria-labelledby="data-heading">
      <h2 id="data-heading" class="section-heading">Your data</h2>
      <p class="mb-4">
        <a class="text-link" href="/account/export" download>
          Download your data (JSON)
        </a>: your details, your orders and the messages we sent you.
      </p>
      <h3 class="font-semibold mb-2">Delete your account</h3>
      <p class="text-sm text-ink-soft mb-4">
        This signs you out everywhere and cannot be undone. Your past orders stay in the shop's
        books without your name, address or notes.
      </p>
      <form
        id={DELETE_FORM_ID}
        method="post"
        action="/account/delete"
        aria-label="Delete your account"
        class="flex flex-col gap-4"
      >
        <ErrorBanner id="delete-error" message={deleteForm?.error} />
        <CsrfField token={csrfToken} />
        <Field
          id="account-delete-password"
          name="password"
          label="Your password, to confirm"
          type="password"
          autocomplete="current-password"
          error={deleteForm?.fields?.password}
          maxlength={256}
          autofocus={!!deleteForm?.fields?.password}
        />
        <button type="submit" class="btn-danger self-start">Delete my account</button>
      </form>
    </section>
  );
}
