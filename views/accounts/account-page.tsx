import type { Child } from "hono/jsx";
import { type Role, roleLabels } from "../../src/accounts/roles.ts";
import { MIN_PASSWORD_LENGTH } from "../../src/accounts/passwords.ts";
import type { ShopView, Viewer } from "../context.ts";
import { Layout } from "../layout.tsx";
import type { AccountStatus } from "../../src/accounts/recovery.ts";
import { DataSection, EmailForm, type EmailFormView, ResendVerification } from "./account-data.tsx";
import {
  CsrfField,
  EnhancedForm,
  ErrorBanner,
  Field,
  firstProblem,
  Flash,
  type FormProblems,
  SubmitButton,
} from "./form-parts.tsx";

export const NAME_FORM_ID = "name-form";
export const PASSWORD_FORM_ID = "password-form";

export interface NameFormView extends FormProblems {
  csrfToken: string;
  name: string;
}

export function NameForm(view: NameFormView) {
  return (
    <EnhancedForm id={NAME_FORM_ID} action="/account/name" label="Change your name">
      <ErrorBanner id="name-error" message={view.error} />
      <CsrfField token={view.csrfToken} />
      <Field
        id="account-name"
        name="name"
        label="Name"
        type="text"
        autocomplete="name"
        value={view.name}
        error={view.fields?.name}
        maxlength={100}
        autofocus={!!view.fields?.name}
      />
      <SubmitButton>Save name</SubmitButton>
    </EnhancedForm>
  );
}

export interface PasswordFormView extends FormProblems {
  csrfToken: string;
  /** The account's email, for password managers (a hidden username field). */
  email: string;
}

export function PasswordForm(view: PasswordFormView) {
  const focus = firstProblem(["currentPassword", "newPassword"], view);
  return (
    <EnhancedForm id={PASSWORD_FORM_ID} action="/account/password" label="Change your password">
      <ErrorBanner id="password-error" message={view.error} />
      <CsrfField token={view.csrfToken} />
      <input type="email" autocomplete="username" value={view.email} readonly hidden />
      <Field
        id="account-current-password"
        name="currentPassword"
        label="Current password"
        type="password"
        autocomplete="current-password"
        error={view.fields?.currentPassword}
        maxlength={256}
        autofocus={focus === "currentPassword"}
      />
      <Field
        id="account-new-password"
        name="newPassword"
        label="New password"
        type="password"
        autocomplete="new-password"
        hint={`At least ${MIN_PASSWORD_LENGTH} characters. Changing it signs you out everywhere else.`}
        error={view.fields?.newPassword}
        maxlength={256}
        autofocus={focus === "newPassword"}
      />
      <SubmitButton>Change password</SubmitButton>
    </EnhancedForm>
  );
}

export interface AccountView {
  shop: ShopView;
  viewer: Viewer;
  user: { name: string; email: string; role: Role };
  csrfToken: string;
  /** A one-line confirmation after a change. */
  flash?: string;
  /** What the name form shows: the value typed and its problems after a failed submit. */
  nameForm?: Omit<NameFormView, "csrfToken">;
  passwordForm?: FormProblems;
  /** Whether the address is proven, and a new one waiting for its link. */
  status: AccountStatus;
  emailForm?: Omit<EmailFormView, "csrfToken" | "pendingEmail">;
  deleteForm?: FormProblems;
  /** Sections other features add (orders, notifications), after the details. */
  more?: Child;
}

/**
 * The signed-in user's page. Each part is its own section, so later features (order
 * history, notifications) add sections beside these.
 */
export function AccountPage(view: AccountView) {
  const { user } = view;
  return (
    <Layout shop={view.shop} title="Your account" viewer={view.viewer} section="account">
      <div class="max-w-3xl mx-auto flex flex-col gap-6">
        <h1 class="font-display text-3xl font-bold text-brown">Your account</h1>
        <Flash message={view.flash} />
        <section id="section-details" class="panel" aria-labelledby="details-heading">
          <h2 id="details-heading" class="section-heading">Details</h2>
          <dl class="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2">
            <dt class="font-semibold">Name</dt>
            <dd class="break-words">{user.name}</dd>
            <dt class="font-semibold">Email</dt>
            <dd class="break-all">
              {user.email} {view.status.verified
                ? <span class="text-sm text-ok font-semibold">confirmed</span>
                : <span class="text-sm text-low font-semibold">not confirmed yet</span>}
            </dd>
            <dt class="font-semibold">Role</dt>
            <dd>{roleLabels[user.role]}</dd>
          </dl>
          {!view.status.verified && (
            <div class="mt-4 flex flex-col gap-2">
              <p>Open the link we mailed you to confirm your address: you need it to order.</p>
              <ResendVerification csrfToken={view.csrfToken} />
            </div>
          )}
        </section>
        {view.more}
        <section id="section-name" class="panel" aria-labelledby="name-heading">
          <h2 id="name-heading" class="section-heading">Change your name</h2>
          <NameForm
            csrfToken={view.csrfToken}
            name={user.name}
            {...view.nameForm}
          />
        </section>
        <section id="section-password" class="panel" aria-labelledby="password-heading">
          <h2 id="password-heading" class="section-heading">Change your password</h2>
          <PasswordForm csrfToken={view.csrfToken} email={user.email} {...view.passwordForm} />
        </section>
        <section id="section-email" class="panel" aria-labelledby="email-heading">
          <h2 id="email-heading" class="section-heading">Change your email address</h2>
          <EmailForm
            csrfToken={view.csrfToken}
            pendingEmail={view.status.pendingEmail}
            {...view.emailForm}
          />
        </section>
        <DataSection csrfToken={view.csrfToken} deleteForm={view.deleteForm} />
      </div>
    </Layout>
  );
}
