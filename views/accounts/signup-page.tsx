import { MIN_PASSWORD_LENGTH } from "../../src/accounts/passwords.ts";
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
import { withNext } from "./signin-page.tsx";

export const SIGNUP_FORM_ID = "signup-form";

export interface SignUpView extends FormProblems {
  csrfToken: string;
  next?: string;
  name?: string;
  email?: string;
}

export function SignUpForm(view: SignUpView) {
  const focus = firstProblem(["name", "email", "password"], view);
  return (
    <EnhancedForm id={SIGNUP_FORM_ID} action="/signup" label="Create an account">
      <ErrorBanner id="signup-error" message={view.error} />
      <CsrfField token={view.csrfToken} />
      {view.next && <input type="hidden" name="next" value={view.next} />}
      <Field
        id="signup-name"
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
        id="signup-email"
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
        id="signup-password"
        name="password"
        label="Password"
        type="password"
        autocomplete="new-password"
        hint={`At least ${MIN_PASSWORD_LENGTH} characters. A few unrelated words make a strong one.`}
        error={view.fields?.password}
        maxlength={256}
        autofocus={focus === "password"}
      />
      <SubmitButton>Create account</SubmitButton>
    </EnhancedForm>
  );
}

export function SignUpPage(
  { shop, viewer, ...view }: SignUpView & { shop: ShopView; viewer: Viewer },
) {
  return (
    <Layout shop={shop} title="Create an account" viewer={viewer}>
      <section class="panel max-w-md mx-auto" aria-labelledby="signup-heading">
        <h1 id="signup-heading" class="font-display text-3xl font-bold text-brown mb-1">
          Create an account
        </h1>
        <p class="text-ink-soft mb-6">Order ahead and pick up at the counter.</p>
        <SignUpForm {...view} />
        <p class="mt-6 border-t border-crust/20 pt-4">
          Already have an account?{" "}
          <a class="text-link" href={withNext("/signin", view.next)}>Sign in</a>
        </p>
      </section>
    </Layout>
  );
}
