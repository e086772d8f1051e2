/** A refused change, shown beside the form it came from. */
export interface UserActionProblems {
  form: "role" | "disabled" | "delete";
  error?: string;
  fields?: Record<string, string>;
}
