import type { Child } from "hono/jsx";

/** Labelled inputs for the admin forms: hint and error tied to the input, the value kept. */

interface Described {
  id: string;
  label: string;
  hint?: string;
  error?: string;
}

const describedBy = ({ id, hint, error }: Described) =>
  [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ") || undefined;

function Row(props: Described & { children: Child; class?: string }) {
  return (
    <div class={`form-row ${props.class ?? ""}`}>
      <label for={props.id} class="font-semibold">{props.label}</label>
      {props.hint && <p id={`${props.id}-hint`} class="text-sm text-ink-soft">{props.hint}</p>}
      {props.children}
      {props.error && <p id={`${props.id}-error`} class="field-error">{props.error}</p>}
    </div>
  );
}

export function Input(
  props: Described & {
    name: string;
    value?: string;
    type?: "text" | "search" | "date" | "email";
    required?: boolean;
    maxlength?: number;
    placeholder?: string;
    inputmode?: "numeric" | "decimal";
    class?: string;
  },
) {
  return (
    <Row {...props}>
      <input
        id={props.id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.value ?? ""}
        required={props.required}
        maxlength={props.maxlength}
        placeholder={props.placeholder}
        inputmode={props.inputmode}
        autocomplete="off"
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={describedBy(props)}
        class="field w-full"
      />
    </Row>
  );
}

export function Select(
  props: Described & {
    name: string;
    value?: string;
    options: [value: string, label: string][];
    class?: string;
  },
) {
  return (
    <Row {...props}>
      <select
        id={props.id}
        name={props.name}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={describedBy(props)}
        class="field w-full"
      >
        {props.options.map(([value, label]) => (
          <option value={value} selected={value === (props.value ?? "")}>{label}</option>
        ))}
      </select>
    </Row>
  );
}

export function TextArea(
  props: Described & { name: string; value?: string; maxlength?: number; required?: boolean },
) {
  return (
    <Row {...props}>
      <textarea
        id={props.id}
        name={props.name}
        maxlength={props.maxlength}
        required={props.required}
        rows={2}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={describedBy(props)}
        class="field w-full"
      >
        {props.value ?? ""}
      </textarea>
    </Row>
  );
}
