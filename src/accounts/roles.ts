export const roles = ["customer", "staff", "admin"] as const;
export type Role = typeof roles[number];

/** Who is signed in, as every route sees it (role and state read fresh, never from the token). */
export interface AuthUser {
  id: number;
  email: string;
  name: string;
  role: Role;
  sessionId: string;
  /** The access token's id and expiry (seconds), for sign-out. */
  jti: string;
  tokenExpiresAt: number;
}

export const roleLabels: Record<Role, string> = {
  customer: "Customer",
  staff: "Staff",
  admin: "Admin",
};
