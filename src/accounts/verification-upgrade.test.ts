import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../tests/harness.ts";
import type { Database } from "../infra/db.ts";
import { loadMigrations, migrate } from "../infra/migrations.ts";

/** Upgrading a shop that had accounts before addresses were confirmed. */

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
  await db.sql.unsafe("drop schema public cascade; create schema public");
});
afterAll(() => db?.close());

describe("the account lifecycle migration", () => {
  it("counts every account that existed before it as confirmed", async () => {
    const all = await loadMigrations();
    const at = all.findIndex((m) => m.name.endsWith("_account_lifecycle.sql"));
    expect(at).toBeGreaterThan(0);
    await migrate(db.sql, all.slice(0, at));
    await db.sql`
      insert into users (email, name, password_hash, created_at)
      values ('old@example.com', 'Olga Old', 'x', '2025-05-01T08:00:00Z')`;
    await migrate(db.sql, all);
    const [user] = await db.sql<{ emailVerifiedAt: Date; deletedAt: Date | null }[]>`
      select email_verified_at, deleted_at from users where email = 'old@example.com'`;
    expect(user.emailVerifiedAt).toEqual(new Date("2025-05-01T08:00:00Z"));
    expect(user.deletedAt).toBeNull();
    // An account made after it starts unconfirmed unless the shop says otherwise.
    await db
      .sql`insert into users (email, name, password_hash) values ('new@example.com', 'N', 'x')`;
    const [fresh] = await db.sql<{ emailVerifiedAt: Date | null }[]>`
      select email_verified_at from users where email = 'new@example.com'`;
    expect(fresh.emailVerifiedAt).toBeNull();
  });
});
