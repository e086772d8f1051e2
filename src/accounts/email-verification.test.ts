import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext, uniqueId } from "../../tests/harness.ts";
import {
  auditOf,
  type ClockedShop,
  clockedShop,
  mailCount,
  mailedLink,
} from "../../tests/account-support.ts";
import { seedDemoAccounts } from "./demo.ts";

/** Proving an email address: before the first order, and before a new address replaces one. */

let t: TestContext;
let shop: ClockedShop;
let productId: number;
beforeAll(async () => {
  t = await createTestContext({ seed: true });
  shop = clockedShop(t);
  await shop.startMail();
  [{ id: productId }] = await t.sql<{ id: number }[]>`
    select id from products where active and stock >= 20 order by id limit 1`;
});
afterAll(async () => {
  await shop?.stop();
  await t?.close();
});

const PASSWORD = "crumbs on the counter";

async function signedUp() {
  const email = `verify-${uniqueId()}@example.com`;
  const browser = shop.browser();
  const { res } = await browser.post("/signup", { name: "Nia New", email, password: PASSWORD });
  expect(res.status).toBe(303);
  const [{ id }] = await t.sql<{ id: number }[]>`select id from users where email = ${email}`;
  return { email, browser, id };
}

const json = async (res: Response) => (await res.json()) as { error: { code: string } };

describe("a new account", () => {
  it("browses and fills a cart, but orders only once its address is confirmed", async () => {
    const { email, browser, id } = await signedUp();
    const account = await browser.get("/account");
    expect(account.html).toContain("not confirmed yet");
    expect(account.html).toContain('action="/account/verification"');
    expect((await browser.get("/")).res.status).toBe(200);
    const added = await browser.post("/cart/items", {
      productId: String(productId),
      quantity: "2",
    });
    expect(added.res.status).toBe(303);
    const checkout = await browser.get("/checkout");
    expect(checkout.res.status).toBe(200);
    expect(checkout.html).toContain("Confirm your email address to order.");
    const token = checkout.html.match(/name="token" value="([^"]+)"/)![1];
    const refused = await browser.post("/checkout", { token, pickup: "asap" });
    expect(refused.res.status).toBe(403);
    expect(refused.html).toContain(
      "Confirm your email address before you order: open the link we mailed you",
    );
    const [{ orders }] = await t.sql<{ orders: number }[]>`
      select count(*)::int as orders from orders where user_id = ${id}`;
    expect(orders).toBe(0);

    // The link from the mail: a page with one button (a mail scanner's visit changes nothing).
    const mail = await mailedLink(t, email, "email_verification");
    expect(mail.subject).toBe("Confirm your email address for Crumb Bakery");
    const page = await browser.get(mail.path);
    expect(page.res.status).toBe(200);
    expect(page.html).toContain(email);
    expect((await browser.get("/account")).html).toContain("not confirmed yet");
    const confirmed = await browser.post("/verify-email", { token: mail.token });
    expect(confirmed.res.status).toBe(303);
    expect(confirmed.res.headers.get("Location")).toBe("/account?done=verified");
    expect((await browser.get("/account?done=verified")).html).toContain(
      "your email address is confirmed",
    );
    expect(await auditOf(t, "account.email_verified", id)).toHaveLength(1);

    const next = (await browser.get("/checkout")).html;
    expect(next).not.toContain("Confirm your email address to order.");
    const retry = next.match(/name="token" value="([^"]+)"/)![1];
    const placed = await browser.post("/checkout", { token: retry, pickup: "asap" });
    expect(placed.res.status).toBe(303);
    expect(placed.res.headers.get("Location")).toMatch(/^\/orders\/\d+\?placed=1$/);
    // Used once.
    const again = await browser.post("/verify-email", { token: mail.token });
    expect(again.res.status).toBe(400);
    expect(again.html).toContain("This link was already used.");
  });

  it("is refused an order by the API with email_unverified, and can ask for the link again", async () => {
    const email = `api-${uniqueId()}@example.com`;
    const registered = await shop.app.request("/api/v1/auth/register", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email, password: PASSWORD, name: "Abe Api" }),
    }, { remoteAddr: { hostname: "198.18.210.1", port: 1, transport: "tcp" } });
    expect(registered.status).toBe(201);
    const { accessToken } = (await registered.json()) as { accessToken: string };
    const call = (method: string, path: string, body?: unknown) =>
      shop.app.request(`/api/v1${path}`, {
        method,
        headers: { Authorization: `Bearer ${accessToken}`, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const order = await call("POST", "/orders", { items: [{ productId, quantity: 1 }] });
    expect(order.status).toBe(403);
    expect((await json(order)).error.code).toBe("email_unverified");

    const first = await mailedLink(t, email, "email_verification", 1);
    expect((await call("POST", "/me/verification")).status).toBe(202);
    const second = await mailedLink(t, email, "email_verification", 2);
    // The older link stopped working when the newer one was sent.
    const old = await call("POST", "/auth/verify-email", { token: first.token });
    expect(old.status).toBe(400);
    expect((await json(old)).error.code).toBe("token_expired");
    const ok = await call("POST", "/auth/verify-email", { token: second.token });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ email });
    expect((await call("POST", "/me/verification")).status).toBe(409);
    const placed = await call("POST", "/orders", { items: [{ productId, quantity: 1 }] });
    expect(placed.status).toBe(201);
  });

  it("refuses another account's link and an expired one", async () => {
    const owner = await signedUp();
    const other = await signedUp();
    const mail = await mailedLink(t, owner.email, "email_verification");
    const foreign = await other.browser.post("/verify-email", { token: mail.token });
    expect(foreign.res.status).toBe(403);
    expect(foreign.html).toContain("This link belongs to another account.");
    shop.advance(49 * 60 * 60_000);
    const late = await owner.browser.get(mail.path);
    expect(late.res.status).toBe(400);
    expect(late.html).toContain("This link has expired");
  });
});

describe("changing the email address", () => {
  it("keeps the old address until the new one is confirmed", async () => {
    const { email, browser, id } = await signedUp();
    const newEmail = `moved-${uniqueId()}@example.com`;
    const wrong = await browser.post("/account/email", { email: newEmail, password: "nope nope" });
    expect(wrong.res.status).toBe(422);
    expect(wrong.html).toContain("That is not your current password.");
    expect(await mailCount(t, newEmail, "email_verification")).toBe(0);
    const asked = await browser.post("/account/email", { email: newEmail, password: PASSWORD });
    expect(asked.res.status).toBe(303);
    expect(asked.res.headers.get("Location")).toBe("/account?done=email_change");
    const mail = await mailedLink(t, newEmail, "email_verification");
    // Until the link is opened, the account and its sign-in keep the old address.
    const page = await browser.get("/account");
    expect(page.html).toContain(`Waiting for confirmation: <strong class="break-all">${newEmail}`);
    const [before] = await t.sql<{ email: string }[]>`select email from users where id = ${id}`;
    expect(before.email).toBe(email);
    const confirmed = await browser.post("/verify-email", { token: mail.token });
    expect(confirmed.res.status).toBe(303);
    const [after] = await t.sql<{ email: string; verified: boolean }[]>`
      select email, email_verified_at is not null as verified from users where id = ${id}`;
    expect(after).toEqual({ email: newEmail, verified: true });
    expect(
      (await shop.browser().post("/signin", { email: newEmail, password: PASSWORD })).res
        .status,
    ).toBe(303);
    expect((await shop.browser().post("/signin", { email, password: PASSWORD })).res.status)
      .toBe(401);
    const [changed] = await auditOf(t, "account.email_changed", id);
    expect(changed.details).toEqual({ from: email, to: newEmail });
  });

  it("refuses an address another account uses", async () => {
    const one = await signedUp();
    const two = await signedUp();
    const res = await two.browser.post("/account/email", { email: one.email, password: PASSWORD });
    expect(res.res.status).toBe(422);
    expect(res.html).toContain("Another account uses this email address.");
  });
});

describe("accounts the shop makes", () => {
  it("counts the demo accounts as confirmed", async () => {
    await seedDemoAccounts(t.sql, "a demo password here");
    const rows = await t.sql<{ verified: boolean }[]>`
      select email_verified_at is not null as verified from users where email like '%@demo.crumb'`;
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.verified)).toBe(true);
  });
});
