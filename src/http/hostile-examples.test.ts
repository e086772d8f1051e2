import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { hashPassword } from "../accounts/passwords.ts";
import { insertUser } from "../accounts/queries.ts";
import { CONTROL_MESSAGE } from "./fields.ts";

/**
 * The hostile inputs that used to answer 500, each now a 4xx that says what is wrong: inline
 * on the page's form, in `fields` on the API.
 */

let t: TestContext;
let cookie: string;
let admin: string;
let bearer: string;
let productId: number;
const same = { "Sec-Fetch-Site": "same-origin" };
const formType = { "Content-Type": "application/x-www-form-urlencoded" };

beforeAll(async () => {
  t = await createTestContext({ seed: true, config: { OPENING_HOURS: "mon-sun 00:00-23:45" } });
  const user = (await insertUser(t.sql, {
    email: "hostile@example.com",
    name: "Hal Hostile",
    passwordHash: await hashPassword("crumbs-on-the-counter"),
  }))!;
  const meta = { ip: "192.0.2.91", userAgent: "hostile-test" };
  const web = await t.services.accounts.sessions.startSession(user, meta, "web");
  cookie = `crumb_access=${web.accessToken}; crumb_refresh=${web.refreshToken}`;
  bearer = (await t.services.accounts.sessions.startSession(user, meta, "api")).accessToken;
  const boss = (await insertUser(t.sql, {
    email: "hostile.admin@example.com",
    name: "Ada Admin",
    passwordHash: "not-a-hash",
    role: "admin",
  }))!;
  const adminSession = await t.services.accounts.sessions.startSession(boss, meta, "web");
  admin = `crumb_access=${adminSession.accessToken}; crumb_refresh=${adminSession.refreshToken}`;
  [{ id: productId }] = await t.sql<{ id: number }[]>`
    select id from products where active and stock > 0 order by id limit 1`;
});
afterAll(() => t?.close());

const form = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  t.app.request(path, {
    method: "POST",
    headers: { ...same, ...formType, ...headers },
    body: new URLSearchParams(fields).toString(),
  });
const api = (method: string, path: string, body?: unknown) =>
  t.app.request(`/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe("text with a NUL or a control character", () => {
  it("in the catalog search is a 400 page, not a failed query", async () => {
    const res = await t.app.request("/?q=%00");
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("Remove the invisible control characters");
  });

  it("in the sign-in email is shown at the field", async () => {
    const res = await form("/signin", { email: "a\u0000@example.com", password: "whatever-it-is" });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain(CONTROL_MESSAGE);
    expect(html).toMatch(/aria-invalid="true"/);
  });

  it("in the sign-up name is shown at the field", async () => {
    const res = await form("/signup", {
      name: "Eve\u0007",
      email: "eve.bell@example.com",
      password: "crumbs-on-the-counter",
    });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain(CONTROL_MESSAGE);
  });

  it("in an API order's note is named in `fields`", async () => {
    const res = await api("POST", "/orders", {
      items: [{ productId, quantity: 1 }],
      note: "ring twice\u0000",
    });
    expect(res.status).toBe(400);
    const body = await res.json() as { error: { code: string; fields: Record<string, string> } };
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.fields).toEqual({ note: CONTROL_MESSAGE });
  });
});

describe("ids past PostgreSQL's integer", () => {
  it("in an API path is a 400 naming the id", async () => {
    const res = await api("GET", "/orders/99999999999");
    expect(res.status).toBe(400);
    const body = await res.json() as { error: { fields: Record<string, string> } };
    expect(body.error.fields).toEqual({ id: "Give an order id" });
  });

  it("as an API order's productId is named in `fields`", async () => {
    const res = await api("POST", "/orders", { items: [{ productId: 2147483648, quantity: 1 }] });
    expect(res.status).toBe(400);
    const body = await res.json() as { error: { fields: Record<string, string> } };
    expect(Object.keys(body.error.fields)).toEqual(["items.0.productId"]);
  });

  it("added to the cart is refused with a message on the cart page", async () => {
    const res = await form("/cart/items", { productId: "2147483648", quantity: "1" }, {
      Cookie: cookie,
    });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Choose a product.");
  });
});

describe("bodies that are not the form they claim to be", () => {
  it("multipart without a boundary is a 400", async () => {
    const res = await t.app.request("/signin", {
      method: "POST",
      headers: { ...same, "Content-Type": "multipart/form-data" },
      body: "email=a",
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("The form could not be read");
  });

  it("a coupon sent as a file is a 400 naming the field", async () => {
    const body = new FormData();
    body.set("coupon", new File(["WELCOME10"], "coupon.txt"));
    const res = await t.app.request("/checkout/preview", {
      method: "POST",
      headers: { ...same, Cookie: cookie },
      body,
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("This form takes no files.");
  });
});

describe("the admin screens", () => {
  const page = (path: string) => t.app.request(path, { headers: { Cookie: admin } });

  it("say at the filter that a year-9999 date is no date, and list nothing wrong", async () => {
    const orders = await page("/admin/orders?date=9999-12-31");
    expect(orders.status).toBe(200);
    expect(await orders.text()).toContain("Give a date as YYYY-MM-DD.");
    const audit = await page("/admin/audit?from=9999-12-31&until=9999-12-31");
    expect(audit.status).toBe(200);
    const html = await audit.text();
    expect(html).toContain("Some filters were not understood and are left out.");
    expect(html).toMatch(/id="audit-from-error"[^>]*>Give a date such as 2026-11-21\./);
  });

  it("say at the audit filter that unprintable text matches nothing", async () => {
    const res = await page("/admin/audit?actor=%00");
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(new RegExp(`id="audit-actor-error"[^>]*>${CONTROL_MESSAGE}`));
  });

  it("refuse an image whose file name holds a NUL with a 400, saving nothing", async () => {
    const boundary = "hostile";
    const body = [
      `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nRye\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="a\u0000.jpg"\r\n`,
      `Content-Type: image/jpeg\r\n\r\n\u00ff\u00d8\u00ff\r\n--${boundary}--\r\n`,
    ].join("");
    const [{ count }] = await t.sql<{ count: number }[]>`select count(*)::int from products`;
    const res = await t.app.request("/admin/products", {
      method: "POST",
      headers: {
        ...same,
        Cookie: admin,
        "Content-Type": `multipart/form-data; boundary=${boundary}`,
      },
      body: new TextEncoder().encode(body),
    });
    expect(res.status).toBe(400);
    const [after] = await t.sql<{ count: number }[]>`select count(*)::int from products`;
    expect(after.count).toBe(count);
  });
});
