import type { Child } from "hono/jsx";

/** Pieces shared by the account forms: fields with their messages, banners, the CSRF field. */

/** What a form shows after a failed submit: a banner message and per-field messages. */
export interface FormProblems {
  error?: string;
  fields?: Record<string, string>;
}

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

export function ErrorBanner({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <div id={id} class="error-banner" role="alert">
      {message}
    </div>
  );
}

export function Flash({ message }: { message?: string }) {
  if (!message) return null;
  return <p class="flash" role="status">{message}</p>;
}

export interface FieldProps {
  id: string;
  name: string;
  label: string;
  type: "text" | "email" | "password";
  autocomplete: string;
  value?: string;
  error?: string;
  hint?: string;
  maxlength?: number;
  autofocus?: boolean;
}

/** A labelled input; its hint and error are tied to it with aria-describedby. */
export function Field(props: FieldProps) {
  const hintId = `${props.id}-hint`;
  const errorId = `${props.id}-error`;
  const describedBy = [props.hint && hintId, props.error && errorId].filter(Boolean).join(" ");
  return (
    <div class="form-row">
      <label for={props.id} class="font-semibold">{props.label}</label>
      {props.hint && <p id={hintId} class="text-sm text-ink-soft">{props.hint}</p>}
      <input
        id={props.id}
        name={props.name}
        type={props.type}
        autocomplete={props.autocomplete}
        value={props.type === "password" ? undefined : props.value}
        maxlength={props.maxlength}
        required
        spellcheck={props.type === "text" ? undefined : false}
        autocapitalize={props.type === "text" ? undefined : "none"}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={describedBy || undefined}
        autofocus={props.autofocus}
        class="field w-full"
      />
      {props.error && <p id={errorId} class="field-error">{props.error}</p>}
    </div>
  );
}

/** The first field with a problem, to put the cursor there after a failed submit. */
export function firstProblem(order: string[], problems: FormProblems): string | undefined {
  return order.find((name) => problems.fields?.[name]);
}

/**
 * A POST form that works without JavaScript and, with htmx, replaces itself with the
 * server's answer (errors in place); the submit button is disabled while in flight.
 */
export function EnhancedForm(
  { id, action, label, children }: {
    id: string;
    action: string;
    label?: string;
    children: Child;
  },
) {
  return (
    <form
      id={id}
      method="post"
      action={action}
      aria-label={label}
      hx-post={action}
      hx-target="this"
      hx-swap="outerHTML"
      hx-disable="find button"
      class="flex flex-col gap-4"
    >
      {children}
    </form>
  );
}

export function SubmitButton({ children }: { children: Child }) {
  return <button type="submit" class="btn-primary self-start">{children}</button>;
}
