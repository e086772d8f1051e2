import type { Sql } from "../infra/db.ts";
import { hashPassword } from "./passwords.ts";
import type { Role } from "./roles.ts";

/** The demo shop's three accounts, one per role. Never created in production. */
export const demoAccounts: { email: string; name: string; role: Role }[] = [
  { email: "admin@demo.crumb", name: "Ada Admin", role: "admin" },
  { email: "staff@demo.crumb", name: "Sam Staff", role: "staff" },
  { email: "customer@demo.crumb", name: "Cleo Customer", role: "customer" },
];

/** A password that is easy to type from a terminal and far from any common-password list. */
export function generateDemoPassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  const chars = Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
  return `crumb-${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
}

/**
 * Creates the demo accounts, or resets them to the given password and their role, so the
 * password printed at start always works.
 */
export async function seedDemoAccounts(sql: Sql, password: string) {
  const passwordHash = await hashPassword(password);
  await sql.begin(async (tx) => {
    for (const account of demoAccounts) {
      await tx`
        insert into users (email, name, password_hash, role, email_verified_at)
        values (${account.email}, ${account.name}, ${passwordHash}, ${account.role}, now())
        on conflict (lower(email)) do update
          set password_hash = excluded.password_hash, role = excluded.role, disabled = false,
              email_verified_at = coalesce(users.email_verified_at, now()),
              sessions_valid_after = now(), updated_at = now()`;
    }
  });
}
