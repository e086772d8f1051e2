import type { Child } from "hono/jsx";

/**
 * Form pieces of the admin screens, beside views/accounts/form-parts.tsx: every control has
 * a label, an optional hint, its error and (after an edit conflict) a note, all tied to it
 * with aria-describedby.
 */

interface Described {
  id: string;
  hint?: string;
  error?: string;
  /** A second line under the control, e.g. what the user typed before a conflict. */
  note?: Child;
}

const describedBy = ({ id, hint, error, note }: Described) =>
  [hint && `${id}-hint`, note && `${id}-note`, error && `${id}-error`].filter(Boolean).join(
    " ",
  ) || undefined;

function Messages({ id, hint, error, note }: Described) {
  return (
    <>
      {note && <p id={`${id}-note`} class="field-note">{note}</p>}
      {error && <p id={`${id}-error`} class="field-error">{error}</p>}
      {hint && <p id={`${id}-hint`} class="text-sm text-ink-soft">{hint}</p>}
    </>
  );
}

export interface InputProps extends Described {
  name: string;
  label: string;
  value?: string;
  type?: "text" | "number" | "search";
  inputmode?: "decimal" | "numeric";
  required?: boolean;
  maxlength?: number;
  min?: number;
  max?: number;
  pattern?: string;
  placeholder?: string;
  autofocus?: boolean;
  class?: string;
}

export function Input(props: InputProps) {
  return (
    <div class={`form-row ${props.class ?? ""}`}>
      <label for={props.id} class="font-semibold">{props.label}</label>
      <input
        id={props.id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.value}
        inputmode={props.inputmode}
        required={props.required}
        maxlength={props.maxlength}
        min={props.min}
        max={props.max}
        pattern={props.pattern}
        placeholder={props.placeholder}
        autocomplete="off"
        autofocus={props.autofocus}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={describedBy(props)}
        class="field w-full"
      />
      <Messages {...props} />
    </div>
  );
}

export function TextArea(
  props: Described & { name: string; label: string; value?: string; maxlength?: number },
) {
  return (
    <div class="form-row">
      <label for={props.id} class="font-semibold">{props.label}</label>
      <textarea
        id={props.id}
        name={props.name}
        rows={4}
        maxlength={props.maxlength}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={describedBy(props)}
        class="field w-full"
      >
        {props.value ?? ""}
      </textarea>
      <Messages {...props} />
    </div>
  );
}

export interface Option {
  value: string;
  label: string;
}

export function Select(
  props: Described & {
    name: string;
    label: string;
    options: Option[];
    value?: string;
    /** A first, empty choice ("Choose…", "All"). */
    placeholder?: string;
    required?: boolean;
    class?: string;
  },
) {
  return (
    <div class={`form-row ${props.class ?? ""}`}>
      <label for={props.id} class="font-semibold">{props.label}</label>
      <select
        id={props.id}
        name={props.name}
        required={props.required}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={describedBy(props)}
        class="field w-full"
      >
        {props.placeholder !== undefined && <option value="">{props.placeholder}</option>}
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value}>{o.label}</option>
        ))}
      </select>
      <Messages {...props} />
    </div>
  );
}

/** Checkboxes sharing one name, in a fieldset whose legend names the group. */
export function CheckboxGroup(
  props: Described & { name: string; legend: string; options: Option[]; values: string[] },
) {
  return (
    <fieldset class="form-row" aria-describedby={describedBy(props)}>
      <legend class="font-semibold mb-1">{props.legend}</legend>
      <div class="checkbox-grid">
        {props.options.map((o) => (
          <label class="choice">
            <input
              type="checkbox"
              name={props.name}
              value={o.value}
              checked={props.values.includes(o.value)}
            />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
      <Messages {...props} />
    </fieldset>
  );
}

export function Checkbox(
  props: Described & { name: string; label: string; checked: boolean; value?: string },
) {
  return (
    <div class="form-row">
      <label class="choice" for={props.id}>
        <input
          id={props.id}
          type="checkbox"
          name={props.name}
          value={props.value ?? "1"}
          checked={props.checked}
          aria-describedby={describedBy(props)}
        />
        <span class="font-semibold">{props.label}</span>
      </label>
      <Messages {...props} />
    </div>
  );
}

export function FileInput(props: Described & { name: string; label: string; accept: string }) {
  return (
    <div class="form-row">
      <label for={props.id} class="font-semibold">{props.label}</label>
      <input
        id={props.id}
        name={props.name}
        type="file"
        accept={props.accept}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={describedBy(props)}
        class="field w-full"
      />
      <Messages {...props} />
    </div>
  );
}

/**
 * A POST form that works without JavaScript and, with htmx, replaces itself with the
 * server's answer (errors in place, 422); on success the server answers HX-Redirect.
 * `multipart` forms send files, with and without htmx.
 */
export function AdminForm(
  { id, action, label, multipart, class: className, children }: {
    id: string;
    action: string;
    label?: string;
    multipart?: boolean;
    class?: string;
    children: Child;
  },
) {
  return (
    <form
      id={id}
      method="post"
      action={action}
      aria-label={label}
      enctype={multipart ? "multipart/form-data" : undefined}
      hx-post={action}
      hx-encoding={multipart ? "multipart/form-data" : undefined}
      hx-target="this"
      hx-swap="outerHTML"
      hx-disable="find button"
      class={className ?? "flex flex-col gap-4"}
    >
      {children}
    </form>
  );
}

/**
 * A POST form on a detail page: without JavaScript it posts and follows the redirect; with
 * htmx its answer replaces the detail section `target`, refusals shown beside the form.
 */
export function DetailForm(
  { action, target, label, children }: {
    action: string;
    target: string;
    label?: string;
    children: Child;
  },
) {
  return (
    <form
      method="post"
      action={action}
      hx-post={action}
      hx-target={`#${target}`}
      hx-swap="outerHTML"
      hx-disable="find button"
      aria-label={label}
      class="flex flex-col gap-3"
    >
      {children}
    </form>
  );
}

/** A one-button POST form (archive, move up, delete …); boosted, answered with a redirect. */
export function ActionButton(
  { action, csrfToken, label, hidden, class: className, fields }: {
    action: string;
    csrfToken: string;
    label: Child;
    /** Words only screen readers hear after the label ("Move up" → "… Breads"). */
    hidden?: string;
    class?: string;
    fields?: Record<string, string>;
  },
) {
  return (
    <form method="post" action={action} hx-disable="find button" class="inline">
      <input type="hidden" name="_csrf" value={csrfToken} />
      {Object.entries(fields ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit" class={className ?? "btn-secondary"}>
        {label}
        {hidden && <span class="sr-only">{hidden}</span>}
      </button>
    </form>
  );
}
