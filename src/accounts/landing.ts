import type { Role } from "./roles.ts";

/**
 * Where a person lands after signing in when no page asked for them: the counter's staff
 * at the order board, the owner at the dashboard, customers at their account.
 */
export const landingFor = (role: Role): string =>
  role === "admin" ? "/admin" : role === "staff" ? "/board" : "/account";
