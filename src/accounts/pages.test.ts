import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserOn, type CookieBrowser } from "../../tests/cookie-browser.ts";
import { createTestContext, type TestContext, uniqueId } from "../../tests/harness.ts";
import { ACCESS_COOKIE, REFRESH_COOKIE } from "./middleware.ts";
import { passwordProblem } from "./passwords.ts";
import type { Role } from "./roles.ts";

/** Sign-up, sign-in, sign-out, the account page and the role-guarded shells, as a browser. */

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ seed: true });
});
afterAll(() => t?.close());

const PASSWORD = "crumbs on the counter";
const meta = { ip: "203.0.113.9", userAgent: "pages.test" };

const Browser = browserOn(() => t.app);
type Browser = CookieBrowser;

const newEmail = (label = "user") => `${label}-${uniqueId()}@example.com`;

async function signedUp(name = "Ada Lovelace", email = newEmail()) {
  const browser = new Browser();
  const { res } = await browser.post("/signup", { name, email, password: PASSWORD });
  expect(res.status).toBe(303);
  return { browser, email, name };
}

async function signedIn(email: string, password = PASSWORD) {
  const browser = new Browser();
  const { res } = await browser.post("/signin", { email, password });
  expect(res.status).toBe(303);
  return browser;
}

async function withRole(role: Role, name: string) {
  const email = newEmail(role);
  await t.services.accounts.manage.register({ email, password: PASSWORD, name }, meta, role);
  return await signedIn(email);
}

const userCount = async () =>
  (await t.sql<{ n: number }[]>`select count(*)::int as n from users`)[0].n;

/** The opening tag of the element with this id. */
const tagWithId = (html: string, id: string) =>
  html.match(new RegExp(`<[a-z]+ [^>]*id="${id}"[^>]*>`))?.[0] ?? "";

/** The text of the element with this id (no nested elements of the same tag expected). */
const textOf = (html: string, id: string) =>
  html.match(new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</`))?.[1]?.trim();

const setCookie = (res: Response, name: string) =>
  res.headers.getSetCookie().find((line) => line.startsWith(`${name}=`)) ?? "";

describe("sign-up", () => {
  it("shows a labelled form with autocomplete hints and the CSRF field", async () => {
    const { res, html } = await new Browser().get("/signup?next=/products/seeded-rye");
    expect(res.status).toBe(200);
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toMatch(/<form id="signup-form" method="post" action="\/signup"/);
    expect(html).toMatch(/hx-post="\/signup" hx-target="this" hx-swap="outerHTML"/);
    expect(html).toContain('<label for="signup-name"');
    expect(html).toContain('<label for="signup-email"');
    expect(html).toContain('<label for="signup-password"');
    expect(tagWithId(html, "signup-email")).toContain('autocomplete="email"');
    expect(tagWithId(html, "signup-password")).toContain('autocomplete="new-password"');
    expect(html).toMatch(/<input type="hidden" name="_csrf" value="[\w-]{20,}"/);
    expect(html).toContain('<input type="hidden" name="next" value="/products/seeded-rye"');
    expect(setCookie(res, "crumb_csrf")).toMatch(/HttpOnly/i);
  });

  it("creates the account, signs in with HttpOnly SameSite=Lax cookies and redirects", async () => {
    const browser = new Browser();
    const email = newEmail();
    const { res } = await browser.post("/signup", {
      name: "  Ada Lovelace ",
      email: ` ${email} `,
      password: PASSWORD,
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/account?done=signup");
    for (const name of [ACCESS_COOKIE, REFRESH_COOKIE]) {
      const cookie = setCookie(res, name);
      expect(cookie, name).toMatch(/; HttpOnly/i);
      expect(cookie, name).toMatch(/; SameSite=Lax/i);
      expect(cookie, name).toMatch(/; Path=\//);
    }
    const [row] = await t.sql<{ name: string; role: string }[]>`
      select name, role from users where email = ${email}`;
    expect(row).toEqual({ name: "Ada Lovelace", role: "customer" });

    const { res: page, html } = await browser.get("/account?done=signup");
    expect(page.status).toBe(200);
    expect(html).toContain("Welcome! Your account is ready.");
    expect(html).toMatch(/<dd[^>]*>Ada Lovelace<\/dd>/);
    expect(html).toContain(email);
    expect(html).toMatch(/<dd>Customer<\/dd>/);
  });

  it("returns to a same-origin `next` afterwards", async () => {
    const browser = new Browser();
    const { res } = await browser.post("/signup", {
      name: "Next Person",
      email: newEmail(),
      password: PASSWORD,
      next: "/products/seeded-rye",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/products/seeded-rye");
  });

  it("answers bad input with 422, the message at the field, the input kept and nothing saved", async () => {
    const taken = newEmail("Taken");
    await t.services.accounts.manage.register(
      { email: taken, password: PASSWORD, name: "T" },
      meta,
    );
    const common = "qwertyuiop";
    expect(passwordProblem(common)).toMatch(/common passwords/);
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ password: "short" }, "password", /Use at least 10 characters\./],
      [{ password: common }, "password", /list of common passwords/],
      [{ email: taken.toUpperCase() }, "email", /An account with this email already exists/],
      [{ email: "not-an-email" }, "email", /Enter an email address like name@example\.com\./],
      [{ name: "   " }, "name", /Tell us your name\./],
    ];
    for (const [change, field, message] of cases) {
      const before = await userCount();
      const form = { name: "Grace Hopper", email: newEmail(), password: PASSWORD, ...change };
      const { res, html } = await new Browser().post("/signup", form);
      const label = JSON.stringify(change);
      expect(res.status, label).toBe(422);
      expect(html.startsWith("<!doctype html>"), label).toBe(true);
      expect(html, label).toMatch(/<div id="signup-error" class="error-banner" role="alert">/);
      expect(textOf(html, `signup-${field}-error`), label).toMatch(message);
      const input = tagWithId(html, `signup-${field}`);
      expect(input, label).toContain('aria-invalid="true"');
      expect(input, label).toMatch(new RegExp(`aria-describedby="[^"]*signup-${field}-error`));
      expect(input, label).toContain("autofocus");
      expect(tagWithId(html, "signup-email"), label).toContain(`value="${form.email}"`);
      expect(tagWithId(html, "signup-name"), label).toContain(`value="${form.name}"`);
      expect(tagWithId(html, "signup-password"), label).not.toContain("value=");
      expect(html, label).not.toContain(
        form.password === "short" ? 'value="short"' : form.password,
      );
      expect(await userCount(), label).toBe(before);
    }
  });

  it("sends only the form, with its errors, when htmx submits it", async () => {
    const { res, html } = await new Browser().post(
      "/signup",
      { name: "Grace", email: newEmail(), password: "short" },
      { "HX-Request": "true", "HX-Target": "form#signup-form" },
    );
    expect(res.status).toBe(422);
    expect(html.startsWith('<form id="signup-form"')).toBe(true);
    expect(html).not.toContain("<html");
    expect(textOf(html, "signup-password-error")).toBe("Use at least 10 characters.");
  });

  it("tells htmx where to go on success instead of redirecting the swapped form", async () => {
    const browser = new Browser();
    const { res, html } = await browser.post(
      "/signup",
      { name: "Htmx Person", email: newEmail(), password: PASSWORD },
      { "HX-Request": "true", "HX-Target": "form#signup-form" },
    );
    expect(res.status).toBe(204);
    expect(html).toBe("");
    expect(res.headers.get("HX-Redirect")).toBe("/account?done=signup");
    expect(browser.cookies.has(ACCESS_COOKIE)).toBe(true);
  });
});

describe("sign-in", () => {
  let email: string;
  beforeAll(async () => {
    ({ email } = await signedUp("Sign In Person"));
  });

  it("signs in and goes to the account page", async () => {
    const browser = new Browser();
    const { res } = await browser.post("/signin", {
      email: email.toUpperCase(),
      password: PASSWORD,
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/account");
    expect(setCookie(res, ACCESS_COOKIE)).toMatch(/HttpOnly.*SameSite=Lax|SameSite=Lax.*HttpOnly/i);
    const { res: page, html } = await browser.get("/account");
    expect(page.status).toBe(200);
    expect(html).toContain("Sign In Person");
  });

  it("gives the same answer to a wrong password and an unknown email", async () => {
    const unknown = newEmail("nobody");
    // One CSRF cookie for both, so the token in the re-rendered form is the same.
    const csrf = { Cookie: `crumb_csrf=${"c".repeat(32)}`, "Sec-Fetch-Site": "same-origin" };
    const wrong = await t.app.request("/signin", {
      method: "POST",
      body: new URLSearchParams({ email, password: "not the password" }),
      headers: csrf,
    });
    const missing = await t.app.request("/signin", {
      method: "POST",
      body: new URLSearchParams({ email: unknown, password: "not the password" }),
      headers: csrf,
    });
    expect(wrong.status).toBe(401);
    expect(missing.status).toBe(401);
    const wrongHtml = (await wrong.text()).replaceAll(email, "EMAIL");
    const missingHtml = (await missing.text()).replaceAll(unknown, "EMAIL");
    expect(wrongHtml).toBe(missingHtml);
    expect(textOf(wrongHtml, "signin-error")).toBe("That email and password don&#39;t match.");
    expect(tagWithId(wrongHtml, "signin-email")).toContain('value="EMAIL"');
    expect(tagWithId(wrongHtml, "signin-password")).not.toContain("value=");
    expect(wrongHtml).not.toContain("not the password");
    expect(wrong.headers.getSetCookie().some((c) => c.startsWith(ACCESS_COOKIE))).toBe(false);
  });

  it("answers missing fields with 422 and the messages at the fields", async () => {
    const { res, html } = await new Browser().post("/signin", { email: "", password: "" });
    expect(res.status).toBe(422);
    expect(textOf(html, "signin-email-error")).toBe("Enter your email address.");
    expect(textOf(html, "signin-password-error")).toBe("Enter your password.");
  });

  it("locks sign-in after five failures, with Retry-After", async () => {
    const { email: victim } = await signedUp("Locked Person");
    const browser = new Browser();
    for (let i = 0; i < 5; i++) {
      const { res } = await browser.post("/signin", { email: victim, password: `wrong ${i}` });
      expect(res.status).toBe(401);
    }
    const { res, html } = await browser.post("/signin", { email: victim, password: PASSWORD });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(textOf(html, "signin-error")).toMatch(/^Too many failed sign-in attempts\./);
    expect(browser.cookies.has(ACCESS_COOKIE)).toBe(false);
  });

  it("keeps a same-origin `next` and turns open redirects into local paths", async () => {
    const { res: page, html } = await new Browser().get(
      `/signin?next=${encodeURIComponent("/products/seeded-rye?x=1")}`,
    );
    expect(page.status).toBe(200);
    expect(html).toContain('name="next" value="/products/seeded-rye?x=1"');
    expect(html).toContain('href="/signup?next=%2Fproducts%2Fseeded-rye%3Fx%3D1"');

    const base = "http://crumb.test";
    for (
      const next of [
        "//evil.com",
        "https://evil.com",
        "/\\evil.com",
        "javascript:alert(1)",
        "/\t/evil.com",
        "\\\\evil.com",
      ]
    ) {
      const { html: form } = await new Browser().get(`/signin?next=${encodeURIComponent(next)}`);
      const kept = form.match(/name="next" value="([^"]*)"/)?.[1];
      expect(kept, next).toBe("/");
      const { res } = await new Browser().post("/signin", { email, password: PASSWORD, next });
      expect(res.status, next).toBe(303);
      const location = res.headers.get("Location")!;
      expect(location.startsWith("/") && !location.startsWith("//"), next).toBe(true);
      expect(new URL(location, base).origin, next).toBe(base);
    }
  });

  it("answers htmx with the form fragment on failure and HX-Redirect on success", async () => {
    const headers = { "HX-Request": "true", "HX-Target": "form#signin-form" };
    const failed = await new Browser().post("/signin", { email, password: "nope nope" }, headers);
    expect(failed.res.status).toBe(401);
    expect(failed.html.startsWith('<form id="signin-form"')).toBe(true);
    expect(failed.html).toContain('role="alert"');

    const browser = new Browser();
    const ok = await browser.post(
      "/signin",
      { email, password: PASSWORD, next: "/board" },
      headers,
    );
    expect(ok.res.status).toBe(204);
    expect(ok.res.headers.get("HX-Redirect")).toBe("/board");
    expect(browser.cookies.has(ACCESS_COOKIE)).toBe(true);
  });

  it("accepts the form's CSRF token from a browser that sends no fetch metadata", async () => {
    const browser = new Browser();
    const { html } = await browser.get("/signin");
    const token = html.match(/name="_csrf" value="([^"]+)"/)![1];
    const refused = await browser.request("/signin", {
      form: { email, password: "wrong password" },
      noFetchMetadata: true,
    });
    expect(refused.res.status).toBe(403);
    const { res } = await browser.request("/signin", {
      form: { _csrf: token, email, password: PASSWORD },
      noFetchMetadata: true,
    });
    expect(res.status).toBe(303);
  });

  it("sends signed-in users from /signin and /signup to their account", async () => {
    const browser = await signedIn(email);
    for (const path of ["/signin", "/signup", "/signin?next=/admin"]) {
      const { res } = await browser.get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get("Location"), path).toBe("/account");
    }
  });
});

describe("sign-out", () => {
  it("ends the session: cookies cleared, the old cookies no longer sign anyone in", async () => {
    const { browser } = await signedUp("Leaving Person");
    const access = browser.cookies.get(ACCESS_COOKIE)!;
    const refresh = browser.cookies.get(REFRESH_COOKIE)!;
    expect((await browser.get("/account")).res.status).toBe(200);

    const { res } = await browser.post("/signout", {});
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/");
    for (const name of [ACCESS_COOKIE, REFRESH_COOKIE]) {
      expect(setCookie(res, name), name).toMatch(/Max-Age=0/i);
    }
    expect(browser.cookies.has(ACCESS_COOKIE)).toBe(false);

    for (const cookie of [`${ACCESS_COOKIE}=${access}`, `${REFRESH_COOKIE}=${refresh}`]) {
      const old = await t.app.request("/account", { headers: { Cookie: cookie } });
      expect(old.status, cookie.slice(0, 12)).toBe(303);
      expect(old.headers.get("Location")).toBe("/signin?next=%2Faccount");
    }
  });

  it("just goes home when nobody is signed in", async () => {
    const { res } = await new Browser().post("/signout", {});
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/");
  });
});

describe("account page", () => {
  it("sends anonymous visitors to sign in first", async () => {
    const { res } = await new Browser().get("/account");
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/signin?next=%2Faccount");
  });

  it("changes the name, shown on the page and in the header", async () => {
    const { browser } = await signedUp("Ada Lovelace");
    const { res } = await browser.post("/account/name", { name: "  Grace Hopper  " });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/account?done=name");
    const { html } = await browser.get("/account?done=name");
    expect(html).toContain("Your name was saved.");
    expect(html).toMatch(/<dd[^>]*>Grace Hopper<\/dd>/);
    expect(html).toMatch(/class="nav-user"[^>]*>.*Grace</);
    expect(tagWithId(html, "account-name")).toContain('value="Grace Hopper"');
  });

  it("refuses an empty name with 422 at the field", async () => {
    const { browser } = await signedUp("Kept Name");
    const { res, html } = await browser.post("/account/name", { name: "  " });
    expect(res.status).toBe(422);
    expect(textOf(html, "account-name-error")).toBe("Tell us your name.");
    expect(tagWithId(html, "account-name")).toContain('aria-invalid="true"');
    const fragment = await browser.post("/account/name", { name: "" }, {
      "HX-Request": "true",
      "HX-Target": "form#name-form",
    });
    expect(fragment.res.status).toBe(422);
    expect(fragment.html.startsWith('<form id="name-form"')).toBe(true);
    expect((await browser.get("/account")).html).toMatch(/<dd[^>]*>Kept Name<\/dd>/);
  });

  it("changes the password: this browser stays signed in, other devices are signed out", async () => {
    const { browser, email } = await signedUp("Two Devices");
    const phone = await signedIn(email);
    expect((await phone.get("/account")).res.status).toBe(200);

    const wrong = await browser.post("/account/password", {
      currentPassword: "not my password",
      newPassword: "a brand new secret",
    });
    expect(wrong.res.status).toBe(422);
    expect(textOf(wrong.html, "account-current-password-error")).toBe(
      "That is not your current password.",
    );
    const weak = await browser.post("/account/password", {
      currentPassword: PASSWORD,
      newPassword: "short",
    });
    expect(weak.res.status).toBe(422);
    expect(textOf(weak.html, "account-new-password-error")).toBe("Use at least 10 characters.");

    const newPassword = "a brand new secret";
    const { res } = await browser.post("/account/password", {
      currentPassword: PASSWORD,
      newPassword,
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/account?done=password");

    const mine = await browser.get("/account?done=password");
    expect(mine.res.status).toBe(200);
    expect(mine.html).toContain("Password changed. Other devices were signed out.");

    const other = await phone.get("/account");
    expect(other.res.status).toBe(303);
    expect(other.res.headers.get("Location")).toBe("/signin?next=%2Faccount");

    expect((await new Browser().post("/signin", { email, password: PASSWORD })).res.status)
      .toBe(401);
    expect((await new Browser().post("/signin", { email, password: newPassword })).res.status)
      .toBe(303);
  });

  it("escapes HTML and script in the name everywhere it is shown", async () => {
    const name = `<script>alert("x")</script><img src=x onerror=alert(1)>`;
    const { browser } = await signedUp(name);
    for (const path of ["/account", "/"]) {
      const { html } = await browser.get(path);
      expect(html, path).not.toContain("<script>alert");
      expect(html, path).not.toContain("<img src=x");
      expect(html, path).toContain("&lt;script&gt;");
    }
    const { html } = await new Browser().post("/signup", {
      name,
      email: `"><script>alert(1)</script>`,
      password: PASSWORD,
    });
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x");
  });
});

describe("staff and admin shells", () => {
  let customer: Browser;
  let staff: Browser;
  let admin: Browser;
  beforeAll(async () => {
    customer = (await signedUp("Carla Customer")).browser;
    staff = await withRole("staff", "Sam Staff");
    admin = await withRole("admin", "Alex Admin");
  });

  it("sends anonymous visitors to sign in, with the way back", async () => {
    for (const path of ["/board", "/admin"]) {
      const { res } = await new Browser().get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get("Location"), path).toBe(`/signin?next=${encodeURIComponent(path)}`);
    }
  });

  it("lets each role see only its screens", async () => {
    const expected: [Browser, string, number][] = [
      [customer, "/board", 403],
      [customer, "/admin", 403],
      [staff, "/board", 200],
      [staff, "/admin", 403],
      [admin, "/board", 200],
      [admin, "/admin", 200],
    ];
    for (const [browser, path, status] of expected) {
      const { res, html } = await browser.get(path);
      expect(res.status, `${path} ${status}`).toBe(status);
      expect(html.startsWith("<!doctype html>")).toBe(true);
      if (status === 403) expect(html).toContain("That&#39;s not for you");
    }
  });

  it("gives staff the live board and admins the live dashboard", async () => {
    const board = (await staff.get("/board")).html;
    expect(board).toContain("<title>Order board · Crumb Bakery</title>");
    expect(board).toMatch(/hx-sse:connect="\/board\/events\?after=\d+"/);
    for (const column of ["New", "Baking", "Ready"]) expect(board).toContain(`>${column} <`);

    const adminPage = (await admin.get("/admin")).html;
    expect(adminPage).toMatch(/<h1[^>]*>Dashboard<\/h1>/);
    expect(adminPage).toContain('hx-sse:connect="/admin/dashboard/events"');
    const nav = adminPage.slice(adminPage.indexOf('<nav aria-label="Admin"'));
    for (const area of ["kiosks", "audit", "notifications"]) {
      expect(nav).toContain(`href="/admin/${area}"`);
    }
  });

  it("shows the right header links to each role", async () => {
    const header = async (browser: Browser) => {
      const html = (await browser.get("/")).html;
      return html.slice(html.indexOf("<header"), html.indexOf("</header>"));
    };
    const anonymous = await header(new Browser());
    expect(anonymous).toContain('<a href="/signin" class="nav-link">Sign in</a>');
    expect(anonymous).not.toContain("Sign out");
    expect(anonymous).not.toContain('href="/account"');
    expect(anonymous).not.toContain('href="/board"');

    const links = (html: string) => ({
      signIn: html.includes('href="/signin"'),
      account: html.includes('href="/account"'),
      signOut: /<form method="post" action="\/signout"[\s\S]*name="_csrf"[\s\S]*Sign out/.test(
        html,
      ),
      board: html.includes('href="/board"'),
      admin: html.includes('href="/admin"'),
    });
    const signedIn = { signIn: false, account: true, signOut: true };
    const customerHeader = await header(customer);
    expect(links(customerHeader)).toEqual({ ...signedIn, board: false, admin: false });
    expect(customerHeader).toMatch(/class="nav-user"[^>]*>.*Carla<\/span>/);
    expect(customerHeader).not.toContain("Customer</span>");
    const staffHeader = await header(staff);
    expect(links(staffHeader)).toEqual({ ...signedIn, board: true, admin: false });
    expect(staffHeader).toContain(">Sam</span>");
    const adminHeader = await header(admin);
    expect(links(adminHeader)).toEqual({ ...signedIn, board: true, admin: true });
    expect(adminHeader).toContain(">Alex</span>");
  });

  it("keeps the header on product pages and the catalog fragment without one", async () => {
    const product = (await staff.get("/products/seeded-rye")).html;
    expect(product).toContain('href="/board"');
    const fragment = await staff.get("/?category=breads", {
      "HX-Request": "true",
      "HX-Target": "section#catalog-results",
    });
    expect(fragment.html.startsWith('<section id="catalog-results"')).toBe(true);
    expect(fragment.html).not.toContain("<header");
  });
});
