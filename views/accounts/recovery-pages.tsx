import type { Child } from "hono/jsx";
import { MIN_PASSWORD_LENGTH } from "../../src/accounts/passwords.ts";
import type { ShopView, Viewer } from "../context.ts";
import { Layout } from "../layout.tsx";
import {
  CsrfField,
  EnhancedForm,
  ErrorBanner,
  Field,
  Flash,
  type FormProblems,
  SubmitButton,
} from "./form-parts.tsx";

/** Forgot password, the reset form a mailed link opens, and confirming an email address. */

export const FORGOT_FORM_ID = "forgot-form";
export const RESET_FORM_ID = "reset-form";

interface PageFrame {
  shop: ShopView;
  viewer: Viewer;
}

function Panel(
  { shop, viewer, title, id, intro, children }: PageFrame & {
    title: string;
    id: string;
    intro?: string;
    children: Child;
  },
) {
  return (
    <Layout shop={shop} title={title} viewer={viewer}>
      <section class="panel max-w-md mx-auto" aria-labelledby={`${id}-heading`}>
        <h1 id={`${id}-heading`} class="font-display text-3xl font-bold text-brown mb-1">
          {title}
        </h1>
        {intro && <p class="text-ink-soft mb-6">{intro}</p>}
        {children}
      </section>
    </Layout>
  );
}

export interface ForgotView extends FormProblems {
  csrfToken: string;
  email?: string;
  /** The address a link was asked for: the form then says what happens next. */
  sentTo?: string;
}

export function ForgotForm(view: ForgotView) {
  return (
    <EnhancedForm id={FORGOT_FORM_ID} action="/forgot-password" label="Ask for a reset link">
      <Flash
        message={view.sentTo &&
          `If an account uses ${view.sentTo}, we have sent it a link to choose a new password. ` +
            "It works for one hour. Nothing arrived? Check your spam folder, or ask again."}
      />
      <ErrorBanner id="forgot-error" message={view.error} />
      <CsrfField token={view.csrfToken} />
      <Field
        id="forgot-email"
        name="email"
        label="Email"
        type="email"
        autocomplete="email"
        value={view.email}
        error={view.fields?.email}
        maxlength={254}
        autofocus={!view.sentTo}
      />
      <SubmitButton>Send me a reset link</SubmitButton>
    </EnhancedForm>
  );
}

export function ForgotPage({ shop, viewer, ...view }: ForgotView & PageFrame) {
  return (
    <Panel
      shop={shop}
      viewer={viewer}
      id="forgot"
      title="Forgot your password?"
      intro="Tell us the email address of your account and we will mail you a link to choose a new password."
    >
      <ForgotForm {...view} />
      <p class="mt-6 border-t border-crust/20 pt-4">
        Remembered it? <a class="text-link" href="/signin">Sign in</a>
      </p>
    </Panel>
  );
}

export interface ResetView extends FormProblems {
  csrfToken: string;
  token: string;
  /** The link cannot be used (expired, used, unknown): no form, only the way to a new one. */
  dead?: boolean;
}

export function ResetForm(view: ResetView) {
  if (view.dead) {
    return (
      <div id={RESET_FORM_ID} class="flex flex-col gap-4">
        <ErrorBanner id="reset-error" message={view.error} />
        <a class="btn-primary self-start" href="/forgot-password">Ask for a new link</a>
      </div>
    );
  }
  return (
    <EnhancedForm id={RESET_FORM_ID} action="/reset-password" label="Choose a new password">
      <ErrorBanner id="reset-error" message={view.error} />
      <CsrfField token={view.csrfToken} />
      <input type="hidden" name="token" value={view.token} />
      <Field
        id="reset-password"
        name="password"
        label="New password"
        type="password"
        autocomplete="new-password"
        hint={`At least ${MIN_PASSWORD_LENGTH} characters. You will be signed out everywhere.`}
        error={view.fields?.password}
        maxlength={256}
        autofocus
      />
      <SubmitButton>Save the new password</SubmitButton>
    </EnhancedForm>
  );
}

export function ResetPage({ shop, viewer, ...view }: ResetView & PageFrame) {
  return (
    <Panel shop={shop} viewer={viewer} id="reset" title="Choose a new password">
      <ResetForm {...view} />
    </Panel>
  );
}

export interface VerifyView {
  csrfToken: string;
  token: string;
  /** The address the link proves, when the link works. */
  email?: string;
  error?: string;
}

/** A followed link asks for one click: mail scanners that open links change nothing. */
export function VerifyPage({ shop, viewer, ...view }: VerifyView & PageFrame) {
  return (
    <Panel shop={shop} viewer={viewer} id="verify" title="Confirm your email address">
      <ErrorBanner id="verify-error" message={view.error} />
      {view.email
        ? (
          <form method="post" action="/verify-email" class="flex flex-col gap-4">
            <p>
              Confirm <strong class="break-all">{view.email}</strong> as your account's address.
            </p>
            <CsrfField token={view.csrfToken} />
            <input type="hidden" name="token" value={view.token} />
            <SubmitButton>Confirm my address</SubmitButton>
          </form>
        )
        : (
          <p>
            Signed in, you can ask for a new link on{" "}
            <a class="text-link" href="/account">
              your account page
            </a>.
          </p>
        )}
    </Panel>
  );
}
