import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext, uniqueId } from "../../tests/harness.ts";
import { signedIn } from "../../tests/admin-people.ts";
import {
  auditOf,
  type ClockedShop,
  clockedShop,
  mailCount,
  mailedLink,
} from "../../tests/account-support.ts";

/** Forgotten passwords: the link by mail, its one use, its refusals and its limits. */

let t: TestContext;
let shop: ClockedShop;
beforeAll(async () => {
  t = await createTestContext({ seed: true });
  shop = clockedShop(t);
  await shop.startMail();
});
afterAll(async () => {
  await shop?.stop();
  await t?.close();
});

const PASSWORD = "crumbs on the counter";
const NEW_PASSWORD = "proofing baskets at dawn";
const SAME_ANSWER = /If an account uses .+, we have sent it a link to choose a new password/;

/** A customer with a confirmed address, signed in in a browser of their own. */
async function customer() {
  const email = `reset-${uniqueId()}@example.com`;
  const user = await t.services.accounts.manage.register(
    { email, password: PASSWORD, name: "Rita Reset" },
    { ip: "192.0.2.7", userAgent: "reset.test" },
    "customer",
    { emailVerified: true },
  );
  const browser = shop.browser();
  expect((await browser.post("/signin", { email, password: PASSWORD })).res.status).toBe(303);
  return { email, id: user.id, browser };
}

const askForLink = (email: string, browser = shop.browser()) =>
  browser.post("/forgot-password", { email });

const apiPost = (path: string, body: unknown, ip = "198.18.200.1") =>
  shop.app.request(`/api/v1${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  }, { remoteAddr: { hostname: ip, port: 1, transport: "tcp" } });

const signInStatus = async (email: string, password: string) =>
  (await shop.browser().post("/signin", { email, password })).res.status;

describe("asking for a reset link", () => {
  it("is offered on the sign-in page and answers alike for known and unknown addresses", async () => {
    const { html: signin } = await shop.browser().get("/signin");
    expect(signin).toContain('href="/forgot-password"');
    const { email, id } = await customer();
    const known = await askForLink(email);
    const unknownEmail = `nobody-${uniqueId()}@example.com`;
    const unknown = await askForLink(unknownEmail);
    expect(known.res.status).toBe(200);
    expect(unknown.res.status).toBe(200);
    expect(known.html).toMatch(SAME_ANSWER);
    // The same page, but for the address typed and the form's own CSRF token.
    const same = (html: string, typed: string) =>
      html.replace(typed, "X").replace(/name="_csrf" value="[^"]+"/, "");
    expect(same(known.html, email)).toBe(same(unknown.html, unknownEmail));
    const mail = await mailedLink(t, email, "password_reset");
    expect(mail.subject).toBe("Reset your Crumb Bakery password");
    expect(mail.path).toMatch(/^\/reset-password\?token=[\w-]{40,}$/);
    expect(await mailCount(t, unknownEmail, "password_reset")).toBe(0);
    // Stored only hashed: the token itself is nowhere in the table.
    const stored = await t.sql`select 1 from account_tokens where token_hash = ${mail.token}`;
    expect(stored).toHaveLength(0);
    expect(await auditOf(t, "account.reset_requested", id)).toHaveLength(1);
    // The API answers 202 either way.
    expect((await apiPost("/auth/password-reset", { email })).status).toBe(202);
    expect((await apiPost("/auth/password-reset", { email: unknownEmail })).status).toBe(202);
  });

  it("refuses a malformed address with a field message", async () => {
    const { res, html } = await askForLink("not an address");
    expect(res.status).toBe(422);
    expect(html).toContain("Enter an email address like name@example.com.");
  });

  it("limits requests per address and per network, whether or not the address exists", async () => {
    const unknownEmail = `limit-${uniqueId()}@example.com`;
    for (let i = 0; i < 3; i++) expect((await askForLink(unknownEmail)).res.status).toBe(200);
    const { res, html } = await askForLink(unknownEmail);
    expect(res.status).toBe(429);
    expect(res.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect(html).toContain("Too many reset requests.");
    // One network asking for many addresses.
    const ip = "198.18.201.9";
    for (let i = 0; i < 10; i++) {
      expect(
        (await apiPost("/auth/password-reset", { email: `n${i}-${uniqueId()}@x.test` }, ip))
          .status,
      ).toBe(202);
    }
    const limited = await apiPost("/auth/password-reset", { email: "last@x.test" }, ip);
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe(
      "too_many_attempts",
    );
  });
});

describe("following the link", () => {
  it("sets the new password once, signs out every session and proves the address", async () => {
    const { email, id, browser } = await customer();
    await t.sql`update users set email_verified_at = null where id = ${id}`;
    const api = await shop.app.request("/api/v1/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    const { accessToken } = (await api.json()) as { accessToken: string };
    await askForLink(email);
    const mail = await mailedLink(t, email, "password_reset");
    const stranger = shop.browser();
    const form = await stranger.get(mail.path);
    expect(form.res.status).toBe(200);
    expect(form.html).toContain('autocomplete="new-password"');
    const done = await stranger.post("/reset-password", {
      token: mail.token,
      password: NEW_PASSWORD,
    });
    expect(done.res.status).toBe(303);
    expect(done.res.headers.get("Location")).toBe("/signin?done=reset");
    // Every session ended: the browser's and the API client's.
    expect((await browser.get("/account")).res.status).toBe(303);
    const me = await shop.app.request("/api/v1/me", {
      headers: { Authorization: `Bearer ${accessToken}` },
    });
    expect(me.status).toBe(401);
    expect(await signInStatus(email, PASSWORD)).toBe(401);
    expect(await signInStatus(email, NEW_PASSWORD)).toBe(303);
    const [user] = await t.sql<{ verified: boolean }[]>`
      select email_verified_at is not null as verified from users where id = ${id}`;
    expect(user.verified).toBe(true);
    expect(await auditOf(t, "account.password_reset", id)).toHaveLength(1);
    // Reused: refused in words, and the password stays the new one.
    const again = await stranger.post("/reset-password", {
      token: mail.token,
      password: "another fresh password",
    });
    expect(again.res.status).toBe(400);
    expect(again.html).toContain("This link was already used.");
    expect(again.html).toContain('href="/forgot-password"');
    const reused = await apiPost("/auth/password-reset/confirm", {
      token: mail.token,
      password: "another fresh password",
    });
    expect(reused.status).toBe(400);
    expect(((await reused.json()) as { error: { code: string } }).error.code).toBe("token_used");
    expect(await signInStatus(email, NEW_PASSWORD)).toBe(303);
  });

  it("refuses an expired link, and one replaced by a newer one or by a password change", async () => {
    const { email, browser } = await customer();
    await askForLink(email);
    const first = await mailedLink(t, email, "password_reset", 1);
    await askForLink(email);
    const second = await mailedLink(t, email, "password_reset", 2);
    const replaced = await apiPost("/auth/password-reset/confirm", {
      token: first.token,
      password: NEW_PASSWORD,
    });
    expect(replaced.status).toBe(400);
    expect(((await replaced.json()) as { error: { code: string; message: string } }).error)
      .toEqual({
        code: "token_expired",
        message: "This link has expired or a newer one was sent. Ask for a new link.",
        fields: { token: "This link has expired or a newer one was sent. Ask for a new link." },
      });
    // A password change (on the account page) ends the newest link too.
    const changed = await browser.post("/account/password", {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(changed.res.status).toBe(303);
    const page = await shop.browser().get(second.path);
    expect(page.res.status).toBe(400);
    expect(page.html).toContain("This link has expired or a newer one was sent.");
    expect(page.html).not.toContain('name="password"');
    // And one past its hour.
    await askForLink(email);
    const third = await mailedLink(t, email, "password_reset", 3);
    shop.advance(61 * 60_000);
    const late = await shop.browser().post("/reset-password", {
      token: third.token,
      password: "yet another password",
    });
    expect(late.res.status).toBe(400);
    expect(late.html).toContain("This link has expired");
    expect(await signInStatus(email, NEW_PASSWORD)).toBe(303);
  });

  it("refuses a made-up token and a verification link used as a reset link", async () => {
    const made = await apiPost("/auth/password-reset/confirm", {
      token: "x".repeat(43),
      password: NEW_PASSWORD,
    });
    expect(made.status).toBe(400);
    expect(((await made.json()) as { error: { code: string } }).error.code).toBe("token_invalid");
    const email = `foreign-${uniqueId()}@example.com`;
    const signup = await shop.browser().post("/signup", {
      name: "Vera Verify",
      email,
      password: PASSWORD,
    });
    expect(signup.res.status).toBe(303);
    const verification = await mailedLink(t, email, "email_verification");
    const foreign = await shop.browser().post("/reset-password", {
      token: verification.token,
      password: NEW_PASSWORD,
    });
    expect(foreign.res.status).toBe(400);
    expect(foreign.html).toContain("This link is not valid.");
    expect(await signInStatus(email, PASSWORD)).toBe(303);
  });

  it("keeps the link usable when the new password is refused", async () => {
    const { email } = await customer();
    await askForLink(email);
    const mail = await mailedLink(t, email, "password_reset");
    const weak = await shop.browser().post("/reset-password", {
      token: mail.token,
      password: "short",
    });
    expect(weak.res.status).toBe(422);
    expect(weak.html).toContain("reset-password-error");
    const ok = await shop.browser().post("/reset-password", {
      token: mail.token,
      password: NEW_PASSWORD,
    });
    expect(ok.res.status).toBe(303);
  });
});

describe("a shop without SMTP", () => {
  it("shows the link on the admin's notifications screen, followable there", async () => {
    const { email } = await customer();
    await askForLink(email);
    const mail = await mailedLink(t, email, "password_reset");
    const admin = await signedIn(t, "admin");
    const { html } = await admin.browser.get("/admin/notifications?kind=password_reset");
    expect(html).toContain(`<a class="underline break-all" href="${mail.path}">${mail.url}</a>`);
  });
});
