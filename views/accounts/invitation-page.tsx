import { type Role, roleLabels } from "../../src/accounts/roles.ts";
import type { ShopView, Viewer } from "../context.ts";
import { Layout } from "../layout.tsx";
import {
  CsrfField,
  EnhancedForm,
  ErrorBanner,
  Field,
  firstProblem,
  type FormProblems,
  SubmitButton,
} from "./form-parts.tsx";

export const INVITATION_FORM_ID = "invitation-form";

export interface InvitationFormView extends FormProblems {
  csrfToken: string;
  /** The page's own address (it carries the token). */
  action: string;
  email: string;
  name: string;
  role: Role;
}

/** Name and a new password; the email is shown for password managers, not changed here. */
export function InvitationForm(view: InvitationFormView) {
  const focus = firstProblem(["name", "password"], view) ?? "password";
  return (
    <EnhancedForm id={INVITATION_FORM_ID} action={view.action} label="Choose your password">
      <ErrorBanner id="invitation-error" message={view.error} />
      <CsrfField token={view.csrfToken} />
      <input type="email" name="email" value={view.email} autocomplete="username" hidden />
      <Field
        id="invitation-name"
        name="name"
        label="Your name"
        type="text"
        autocomplete="name"
        value={view.name}
        error={view.fields?.name}
        maxlength={100}
        autofocus={focus === "name"}
      />
      <Field
        id="invitation-password"
        name="password"
        label="Password"
        type="password"
        autocomplete="new-password"
        hint="At least 10 characters, not a common password."
        error={view.fields?.password}
        maxlength={256}
        autofocus={focus === "password"}
      />
      <SubmitButton>Set password and sign in</SubmitButton>
    </EnhancedForm>
  );
}

export function InvitationPage(
  props:
    & { shop: ShopView; viewer: Viewer }
    & (
      | { form: InvitationFormView; closed?: undefined }
      | { closed: string; form?: undefined }
    ),
) {
  const { shop, form } = props;
  return (
    <Layout shop={shop} title="Your invitation" viewer={props.viewer}>
      <section class="panel max-w-md mx-auto" aria-labelledby="invitation-heading">
        <h1 id="invitation-heading" class="font-display text-3xl font-bold text-brown mb-1">
          {form ? `Welcome to ${shop.name}` : "This link cannot be used"}
        </h1>
        {form
          ? (
            <>
              <p class="text-ink-soft mb-6">
                You were invited as {roleLabels[form.role].toLowerCase()} with{" "}
                <strong>{form.email}</strong>. Choose your password to sign in.
              </p>
              <InvitationForm {...form} />
            </>
          )
          : (
            <p class="mt-2" role="alert">
              {props.closed} <a class="text-link" href="/signin">Sign in</a>
            </p>
          )}
      </section>
    </Layout>
  );
}
