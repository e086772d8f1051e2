import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertUser } from "../../accounts/queries.ts";
import { hashPassword } from "../../accounts/passwords.ts";
import { createTestContext, eventually, type TestContext } from "../../../tests/harness.ts";

/** Admins see the board devices signed in for a shift and can sign one out. */
describe("admin kiosks", () => {
  let t: TestContext;
  const meta = { ip: "192.0.2.9", userAgent: "Kitchen tablet" };
  let adminCookie: string;
  let kioskSession: string;

  const cookieOf = (tokens: { accessToken: string; refreshToken: string }) =>
    `crumb_access=${tokens.accessToken}; crumb_refresh=${tokens.refreshToken}`;

  beforeAll(async () => {
    t = await createTestContext({ config: { KIOSK_SESSION_HOURS: "10" } });
    const passwordHash = await hashPassword("flour everywhere today");
    const admin = await insertUser(t.sql, {
      email: "ada@example.com",
      name: "Ada Admin",
      passwordHash,
      role: "admin",
    });
    await insertUser(t.sql, {
      email: "kim@example.com",
      name: "Kim Kitchen",
      passwordHash,
      role: "staff",
    });
    adminCookie = cookieOf(await t.services.accounts.sessions.startSession(admin!, meta, "web"));
    await t.services.accounts.sessions.signIn(
      { email: "kim@example.com", password: "flour everywhere today" },
      meta,
      "kiosk",
      10,
    );
    const [row] = await t.sql<{ id: string; hours: number }[]>`
      select id, extract(epoch from expires_at - created_at)::int / 3600 as hours
      from sessions where kind = 'kiosk'`;
    expect(row.hours).toBe(10);
    kioskSession = row.id;
  });
  afterAll(() => t?.close());

  it("lists the kiosk sessions with who signed them in and until when", async () => {
    const res = await t.app.request("/admin/kiosks", { headers: { Cookie: adminCookie } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Kim Kitchen");
    expect(html).toContain("Kitchen tablet");
    expect(html).toContain(`action="/admin/kiosks/${kioskSession}/end"`);
  });

  it("signs a kiosk out at once: its board stream ends and the session is revoked", async () => {
    const kiosk = await t.sql<
      { userId: number }[]
    >`select user_id from sessions where id = ${kioskSession}`;
    expect(kiosk).toHaveLength(1);
    const stream = t.live.open("board", { sessionId: kioskSession });
    const reader = stream.getReader();
    await reader.read(); // retry: frame
    const res = await t.app.request(`/admin/kiosks/${kioskSession}/end`, {
      method: "POST",
      headers: { Cookie: adminCookie, "Sec-Fetch-Site": "same-origin" },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/admin/kiosks?done=ended");
    let text = "";
    const decoder = new TextDecoder();
    await eventually(async () => {
      const { value, done } = await reader.read();
      if (value) text += decoder.decode(value);
      return done;
    });
    expect(text).toContain("event: session-ended");
    const [row] = await t.sql<{ revokedAt: Date | null }[]>`
      select revoked_at from sessions where id = ${kioskSession}`;
    expect(row.revokedAt).not.toBeNull();
    const [audit] = await t.sql<{ action: string }[]>`
      select action from audit_log where entity_id = ${kioskSession}`;
    expect(audit.action).toBe("session.ended");
    const page = await (await t.app.request("/admin/kiosks?done=ended", {
      headers: { Cookie: adminCookie },
    })).text();
    expect(page).toContain("The kiosk was signed out.");
    expect(page).toContain("No kiosk is signed in.");
  });

  it("is for admins only", async () => {
    const res = await t.app.request(`/admin/kiosks/${kioskSession}/end`, {
      method: "POST",
      headers: { "Sec-Fetch-Site": "same-origin" },
    });
    expect(res.status).toBe(401);
    expect((await t.app.request("/admin/kiosks")).status).toBe(303);
  });
});
