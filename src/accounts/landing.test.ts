import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserOn } from "../../tests/cookie-browser.ts";
import { createTestContext, type TestContext, uniqueId } from "../../tests/harness.ts";
import type { Role } from "./roles.ts";

/** Where each role lands after signing in, and whose header carries the cart. */

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ seed: true });
});
afterAll(() => t?.close());

const PASSWORD = "flour on the counter";
const Browser = browserOn(() => t.app);

async function person(role: Role) {
  const email = `${role}-${uniqueId()}@example.com`;
  await t.services.accounts.manage.register(
    { email, password: PASSWORD, name: `Landing ${role}` },
    { ip: "203.0.113.20", userAgent: "landing.test" },
    role,
  );
  return email;
}

const signIn = (email: string, extra: Record<string, string> = {}) =>
  new Browser().post("/signin", { email, password: PASSWORD, ...extra });

describe("landing by role", () => {
  it("sends staff to the board, admins to the dashboard and customers to their account", async () => {
    const expected: Record<Role, string> = {
      staff: "/board",
      admin: "/admin",
      customer: "/account",
    };
    for (const role of ["staff", "admin", "customer"] as const) {
      const { res } = await signIn(await person(role));
      expect({ role, status: res.status, to: res.headers.get("Location") })
        .toEqual({ role, status: 303, to: expected[role] });
    }
  });

  it("lets an explicit return path win over the role's landing", async () => {
    for (const role of ["staff", "admin"] as const) {
      const { res } = await signIn(await person(role), { next: "/products/seeded-rye" });
      expect(res.headers.get("Location")).toBe("/products/seeded-rye");
    }
  });

  it("tells an htmx sign-in form to load the role's landing", async () => {
    const email = await person("admin");
    const browser = new Browser();
    const answer = await browser.post("/signin", { email, password: PASSWORD }, {
      "HX-Request": "true",
      "HX-Target": "form#signin-form",
    });
    expect(answer.res.status).toBe(204);
    expect(answer.res.headers.get("HX-Redirect")).toBe("/admin");
  });

  it("sends a signed-in person who opens /signin again to their landing", async () => {
    const browser = new Browser();
    await browser.post("/signin", { email: await person("staff"), password: PASSWORD });
    const { res } = await browser.get("/signin");
    expect(res.headers.get("Location")).toBe("/board");
  });

  it("shows the cart in customers' and visitors' headers only", async () => {
    const visitor = await new Browser().get("/");
    expect(visitor.html).toContain('id="cart-count"');
    for (const role of ["customer", "staff", "admin"] as const) {
      const browser = new Browser();
      await browser.post("/signin", { email: await person(role), password: PASSWORD });
      const page = role === "admin" ? "/admin" : "/";
      const { res, html } = await browser.get(page);
      expect(res.status).toBe(200);
      expect({ role, cart: html.includes('id="cart-count"') })
        .toEqual({ role, cart: role === "customer" });
    }
  });
});
