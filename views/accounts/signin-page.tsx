import type { ShopView, Viewer } from "../context.ts";
import { Layout } from "../layout.tsx";
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

export const SIGNIN_FORM_ID = "signin-form";

export interface SignInView extends FormProblems {
  csrfToken: string;
  /** The same-origin path to return to afterwards, when there is one. */
  next?: string;
  email?: string;
  /** A one-line confirmation after a redirect (a new password, a confirmed address). */
  flash?: string;
}

export const withNext = (path: string, next?: string) =>
  next ? `${path}?next=${encodeURIComponent(next)}` : path;

/** The sign-in form; htmx swaps it in place when the server answers with errors. */
export function SignInForm(view: SignInView) {
  // After a failed attempt the cursor goes back to the field to fix, else to the password.
  const focus = firstProblem(["email", "password"], view) ??
    (view.error ? "password" : undefined);
  return (
    <EnhancedForm id={SIGNIN_FORM_ID} action="/signin" label="Sign in">
      <Flash message={view.flash} />
      <ErrorBanner id="signin-error" message={view.error} />
      <CsrfField token={view.csrfToken} />
      {view.next && <input type="hidden" name="next" value={view.next} />}
      <Field
        id="signin-email"
        name="email"
        label="Email"
        type="email"
        autocomplete="email"
        value={view.email}
        error={view.fields?.email}
        maxlength={254}
        autofocus={focus === "email"}
      />
      <Field
        id="signin-password"
        name="password"
        label="Password"
        type="password"
        autocomplete="current-password"
        error={view.fields?.password}
        maxlength={256}
        autofocus={focus === "password"}
      />
      <label class="choice text-sm">
        <input type="checkbox" name="kiosk" value="1" />
        <span>
          This is the shop's order-board device: keep it signed in for the shift (staff only)
        </span>
      </label>
      <SubmitButton>Sign in</SubmitButton>
      <p>
        <a class="text-link" href="/forgot-password">Forgot password?</a>
      </p>
    </EnhancedForm>
  );
}

export function SignInPage(
  { shop, viewer, ...view }: SignInView & { shop: ShopView; viewer: Viewer },
) {
  return (
    <Layout shop={shop} title="Sign in" viewer={viewer}>
      <section class="panel max-w-md mx-auto" aria-labelledby="signin-heading">
        <h1 id="signin-heading" class="font-display text-3xl font-bold text-brown mb-1">
          Sign in
        </h1>
        <p class="text-ink-soft mb-6">Welcome back. Sign in to order ahead and see your account.</p>
        <SignInForm {...view} />
        <p class="mt-6 border-t border-crust/20 pt-4">
          New to {shop.name}?{" "}
          <a class="text-link" href={withNext("/signup", view.next)}>Create an account</a>
        </p>
      </section>
    </Layout>
  );
}
