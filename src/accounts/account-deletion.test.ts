import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { expectAdminOnly, type SignedIn, signedIn } from "../../tests/admin-people.ts";
import { auditOf } from "../../tests/account-support.ts";

/** Taking one's data away and deleting the account: by its owner, and by an admin on request. */

let t: TestContext;
let productId: number;
let admin: SignedIn;
beforeAll(async () => {
  t = await createTestContext({ seed: true });
  [{ id: productId }] = await t.sql<{ id: number }[]>`
    select id from products where active and stock >= 40 order by id limit 1`;
  admin = await signedIn(t, "admin");
});
afterAll(() => t?.close());

const PASSWORD = "crumbs-on-the-counter";

/** A customer with one order (picked up unless told otherwise) and a message about it. */
async function customerWithOrder(status = "picked_up") {
  const person = await signedIn(t, "customer", "Dora Data");
  const { order } = await t.services.orders.place({
    userId: person.id,
    items: [{ productId, quantity: 2 }],
    note: "Please ring 0612 345 678",
  });
  await t.sql`update orders set status = ${status} where id = ${order.id}`;
  await t.sql`
    insert into notifications (message_id, user_id, order_id, kind, recipient, subject, body)
    values (${crypto.randomUUID()}, ${person.id}, ${order.id}, 'order_confirmation',
            ${person.email}, 'Your order', 'Hello Dora')`;
  await t.sql`insert into carts (user_id) values (${person.id})`;
  return { ...person, order };
}

describe("the data export", () => {
  it("downloads the profile, orders with lines and history, and messages as JSON", async () => {
    const dora = await customerWithOrder();
    const res = await dora.browser.open("/account/export");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Disposition")).toMatch(
      /^attachment; filename="account-data-\d{4}-\d{2}-\d{2}\.json"$/,
    );
    expect(res.headers.get("Cache-Control")).toContain("no-store");
    const data = await res.json();
    expect(data.profile).toMatchObject({ id: dora.id, email: dora.email, name: "Dora Data" });
    expect(data.orders).toHaveLength(1);
    expect(data.orders[0]).toMatchObject({
      code: dora.order.code,
      note: "Please ring 0612 345 678",
      items: [expect.objectContaining({ quantity: 2 })],
      history: [expect.objectContaining({ from: null, to: "placed" })],
    });
    expect(data.notifications).toEqual([
      expect.objectContaining({ kind: "order_confirmation", subject: "Your order" }),
    ]);
    expect(await auditOf(t, "account.exported", dora.id)).toHaveLength(1);
    // The account page links to it.
    expect((await dora.browser.get("/account")).html).toContain('href="/account/export"');
  });
});

describe("deleting one's own account", () => {
  it("needs the password, and refuses while an order waits for pickup", async () => {
    const dora = await customerWithOrder("ready");
    const wrong = await dora.browser.post("/account/delete", { password: "not it at all" });
    expect(wrong.res.status).toBe(422);
    expect(wrong.html).toContain("That is not your current password.");
    const open = await dora.browser.post("/account/delete", { password: PASSWORD });
    expect(open.res.status).toBe(409);
    expect(open.html).toContain("You have orders waiting to be baked or picked up.");
    const [user] = await t.sql`select deleted_at from users where id = ${dora.id}`;
    expect(user.deletedAt).toBeNull();
    expect((await dora.browser.get("/account")).res.status).toBe(200);
  });

  it("ends every session at once and keeps the orders without the person", async () => {
    const dora = await customerWithOrder();
    const api = await t.app.request("/api/v1/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: dora.email, password: PASSWORD }),
    });
    const { accessToken } = (await api.json()) as { accessToken: string };
    const { res } = await dora.browser.post("/account/delete", { password: PASSWORD });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/account/deleted");
    expect((await dora.browser.get("/account/deleted")).html).toContain("Account deleted");
    expect((await dora.browser.get("/account")).res.status).toBe(303);
    const me = await t.app.request("/api/v1/me", {
      headers: { Authorization: `Bearer ${accessToken}` },
    });
    expect(me.status).toBe(401);
    const signin = await t.app.request("/api/v1/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: dora.email, password: PASSWORD }),
    });
    expect(signin.status).toBe(401);

    const [user] = await t.sql<{ email: string; name: string; disabled: boolean }[]>`
      select email, name, disabled from users where id = ${dora.id}`;
    expect(user).toEqual({
      email: `deleted-${dora.id}@deleted.invalid`,
      name: "Deleted customer",
      disabled: true,
    });
    const [order] = await t.sql<{ note: string; totalCents: number; lines: number }[]>`
      select note, total_cents, (select count(*)::int from order_items where order_id = o.id)
        as lines
      from orders o where id = ${dora.order.id}`;
    expect(order).toEqual({ note: "", totalCents: dora.order.totalCents, lines: 1 });
    for (const table of ["notifications", "sessions", "carts", "account_tokens"]) {
      const rows = await t.sql`select 1 from ${t.sql(table)} where user_id = ${dora.id}`;
      expect({ table, rows: rows.length }).toEqual({ table, rows: 0 });
    }
    const [deleted] = await auditOf(t, "account.deleted", dora.id);
    expect(deleted).toEqual({ actorId: null, details: { by: "owner" }, ip: null });
    // The address is free for a new account.
    const again = await t.services.accounts.manage.register(
      { email: dora.email, password: PASSWORD, name: "Dora Again" },
      { ip: "192.0.2.9", userAgent: "test" },
    );
    expect(again.id).not.toBe(dora.id);
  });

  it("works through the API, with the same refusals", async () => {
    const dora = await customerWithOrder();
    const login = await t.app.request("/api/v1/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: dora.email, password: PASSWORD }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const call = (method: string, path: string, body?: unknown) =>
      t.app.request(`/api/v1${path}`, {
        method,
        headers: { Authorization: `Bearer ${accessToken}`, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const exported = await call("GET", "/me/export");
    expect(exported.status).toBe(200);
    expect((await exported.json()).orders).toHaveLength(1);
    const wrong = await call("POST", "/me/deletion", { password: "wrong wrong" });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: { fields: object } }).error.fields).toEqual({
      password: "That is not your current password.",
    });
    expect((await call("POST", "/me/deletion", { password: PASSWORD })).status).toBe(204);
    expect((await call("GET", "/me/export")).status).toBe(401);
  });
});

describe("an admin, on the person's request", () => {
  it("is admin-only", async () => {
    const dora = await customerWithOrder();
    const staff = await signedIn(t, "staff");
    await expectAdminOnly(t, [
      ["GET", `/admin/users/${dora.id}/export`],
      ["POST", `/admin/users/${dora.id}/delete`],
    ], [dora, staff]);
  });

  it("downloads a customer's data and deletes the account once its address is typed", async () => {
    const dora = await customerWithOrder();
    const page = await admin.browser.get(`/admin/users/${dora.id}`);
    expect(page.html).toContain(`href="/admin/users/${dora.id}/export"`);
    const res = await admin.browser.open(`/admin/users/${dora.id}/export`);
    expect(res.status).toBe(200);
    expect((await res.json()).profile.email).toBe(dora.email);
    const [exported] = await auditOf(t, "account.exported", dora.id);
    expect(exported).toMatchObject({ actorId: admin.id, details: { by: "admin" } });

    const unconfirmed = await admin.browser.post(`/admin/users/${dora.id}/delete`, {
      confirm: "someone@else.test",
    });
    expect(unconfirmed.res.status).toBe(422);
    expect(unconfirmed.html).toContain("Type the email address of this account to confirm.");
    const done = await admin.browser.post(`/admin/users/${dora.id}/delete`, {
      confirm: dora.email.toUpperCase(),
    });
    expect(done.res.status).toBe(303);
    expect(done.res.headers.get("Location")).toBe(`/admin/users/${dora.id}?done=deleted`);
    const after = await admin.browser.get(`/admin/users/${dora.id}?done=deleted`);
    expect(after.html).toContain("The account was deleted");
    expect(after.html).toContain("Deleted on");
    expect((await dora.browser.get("/account")).res.status).toBe(303);
    const [deleted] = await auditOf(t, "account.deleted", dora.id);
    expect(deleted).toMatchObject({ actorId: admin.id, details: { by: "admin" } });
    // Gone for the export too.
    expect((await admin.browser.open(`/admin/users/${dora.id}/export`)).status).toBe(404);
  });

  it("refuses their own account and a customer with an open order", async () => {
    const own = await admin.browser.post(`/admin/users/${admin.id}/delete`, {
      confirm: admin.email,
    });
    expect(own.res.status).toBe(409);
    expect(own.html).toContain("Delete your own account from your account page.");
    const dora = await customerWithOrder("baking");
    const open = await admin.browser.post(`/admin/users/${dora.id}/delete`, {
      confirm: dora.email,
    });
    expect(open.res.status).toBe(409);
    expect(open.html).toContain("This customer has orders waiting");
  });
});
