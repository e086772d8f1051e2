/** A refused form: its message, field messages and what was typed. */
export interface FormState {
  error?: string;
  fields?: Record<string, string>;
  typed?: Record<string, string>;
}
