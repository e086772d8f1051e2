import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../../tests/harness.ts";
import {
  expectAdminOnly,
  htmxTarget,
  type SignedIn,
  signedIn,
  textOf,
} from "../../../tests/admin-people.ts";

/** Admins find accounts, change roles and disable people, effective on the next request. */

let t: TestContext;
let admin: SignedIn;

beforeAll(async () => {
  t = await createTestContext();
  admin = await signedIn(t, "admin", "Ada Admin");
});
afterAll(() => t?.close());

const roleOf = async (id: number) =>
  (await t.sql<{ role: string }[]>`select role from users where id = ${id}`)[0].role;

const auditOf = (action: string, userId: number) =>
  t.sql<{ actorId: number; details: Record<string, unknown> }[]>`
    select actor_id, details from audit_log
    where action = ${action} and entity_id = ${String(userId)} order by id`;

describe("access", () => {
  it("refuses customers and staff on every user route", async () => {
    const target = await signedIn(t, "customer");
    await expectAdminOnly(t, [
      ["GET", "/admin/users"],
      ["GET", `/admin/users/${target.id}`],
      ["POST", `/admin/users/${target.id}/role`],
      ["POST", `/admin/users/${target.id}/disabled`],
    ], [target, await signedIn(t, "staff")]);
    expect(await roleOf(target.id)).toBe("customer");
  });
});

describe("the list", () => {
  it("searches name and email, filters by role, pages, and shows created and last sign-in", async () => {
    for (let i = 0; i < 26; i++) {
      await signedIn(t, "staff", `Baker Number ${i}`, `baker${i}@bakehouse.example`);
    }
    const first = await admin.browser.get("/admin/users?q=bakehouse&role=staff");
    expect(first.res.status).toBe(200);
    expect(textOf(first.html)).toContain("26 users");
    expect(first.html.match(/href="\/admin\/users\/\d+"/g)).toHaveLength(25);
    expect(first.html).toContain('href="/admin/users?q=bakehouse&amp;role=staff&amp;page=2"');
    const second = await admin.browser.get("/admin/users?q=bakehouse&role=staff&page=2");
    expect(textOf(second.html)).toContain("Baker Number 0");
    expect(second.html.match(/href="\/admin\/users\/\d+"/g)).toHaveLength(1);

    const byName = await admin.browser.get("/admin/users?q=number+7");
    expect(textOf(byName.html)).toContain("baker7@bakehouse.example");
    expect(textOf(byName.html)).not.toContain("Never");

    const admins = await admin.browser.get("/admin/users?q=bakehouse&role=admin");
    expect(textOf(admins.html)).toContain("No users match these filters.");

    const fragment = await admin.browser.get(
      "/admin/users?q=bakehouse",
      htmxTarget("user-results", "section"),
    );
    expect(fragment.html).toMatch(/^<section id="user-results"/);
  });
});

describe("changing a role", () => {
  it("is audited and applies to the user's very next request", async () => {
    const cleo = await signedIn(t, "customer", "Cleo Customer");
    expect((await cleo.browser.get("/admin/orders")).res.status).toBe(403);

    const { res } = await admin.browser.post(`/admin/users/${cleo.id}/role`, { role: "admin" });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`/admin/users/${cleo.id}?done=role`);
    expect((await cleo.browser.get("/admin/orders")).res.status).toBe(200);
    expect(await auditOf("user.role_changed", cleo.id)).toEqual([
      { actorId: admin.id, details: { from: "customer", to: "admin" } },
    ]);

    await admin.browser.post(`/admin/users/${cleo.id}/role`, { role: "staff" });
    expect((await cleo.browser.get("/admin/orders")).res.status).toBe(403);
    expect(await roleOf(cleo.id)).toBe("staff");

    const page = await admin.browser.get(`/admin/users/${cleo.id}?done=role`);
    expect(textOf(page.html)).toContain("The role was changed.");
    expect(page.html).toMatch(/<option value="staff" selected/);
  });

  it("refuses an unknown role next to the field", async () => {
    const dan = await signedIn(t, "customer");
    const { res, html } = await admin.browser.post(`/admin/users/${dan.id}/role`, {
      role: "owner",
    });
    expect(res.status).toBe(422);
    expect(textOf(html)).toContain("Choose customer, staff or admin.");
    expect(await roleOf(dan.id)).toBe("customer");
  });

  it("refuses an admin removing their own admin role, clearly", async () => {
    const { res, html } = await admin.browser.post(`/admin/users/${admin.id}/role`, {
      role: "customer",
    });
    expect(res.status).toBe(409);
    expect(textOf(html)).toContain("You cannot remove your own admin role.");
    expect(await roleOf(admin.id)).toBe("admin");
    expect(await auditOf("user.role_changed", admin.id)).toEqual([]);

    const fragment = await admin.browser.request(`/admin/users/${admin.id}/role`, {
      form: { role: "staff" },
      headers: htmxTarget("user-detail"),
    });
    expect(fragment.res.status).toBe(409);
    expect(fragment.html).toMatch(/^<div id="user-detail"/);
    expect(textOf(fragment.html)).toContain("You cannot remove your own admin role.");
  });
});

describe("disabling", () => {
  it("ends the user's sessions at once, is audited, and can be undone", async () => {
    const erin = await signedIn(t, "customer", "Erin Early");
    expect((await erin.browser.get("/account")).res.status).toBe(200);

    const { res } = await admin.browser.request(`/admin/users/${erin.id}/disabled`, {
      form: { disabled: "true" },
      headers: htmxTarget("user-detail"),
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("HX-Redirect")).toBe(`/admin/users/${erin.id}?done=disabled`);

    const after = await erin.browser.get("/account");
    expect(after.res.status).toBe(303);
    expect(after.res.headers.get("Location")).toMatch(/^\/signin/);
    const open = await t.sql`
      select 1 from sessions where user_id = ${erin.id} and revoked_at is null`;
    expect(open).toHaveLength(0);
    expect(await auditOf("user.disabled", erin.id)).toHaveLength(1);
    const page = await admin.browser.get(`/admin/users/${erin.id}?done=disabled`);
    expect(textOf(page.html)).toContain("The account was disabled and signed out everywhere.");
    expect(textOf(page.html)).toContain("Re-enable account");

    const back = await admin.browser.post(`/admin/users/${erin.id}/disabled`, {
      disabled: "false",
    });
    expect(back.res.headers.get("Location")).toBe(`/admin/users/${erin.id}?done=enabled`);
    expect(await auditOf("user.enabled", erin.id)).toHaveLength(1);
    const [row] = await t.sql<{ disabled: boolean }[]>`
      select disabled from users where id = ${erin.id}`;
    expect(row.disabled).toBe(false);
  });

  it("refuses an admin disabling themselves", async () => {
    const { res, html } = await admin.browser.post(`/admin/users/${admin.id}/disabled`, {
      disabled: "true",
    });
    expect(res.status).toBe(409);
    expect(textOf(html)).toContain("You cannot disable your own account.");
    expect((await admin.browser.get("/admin/users")).res.status).toBe(200);
  });

  it("answers 404 for a user that does not exist", async () => {
    expect((await admin.browser.get("/admin/users/999999")).res.status).toBe(404);
    const { res } = await admin.browser.post("/admin/users/999999/disabled", {
      disabled: "true",
    });
    expect(res.status).toBe(404);
  });
});
