import { expect } from "vitest";
import { hashPassword } from "../src/accounts/passwords.ts";
import { insertUser } from "../src/accounts/queries.ts";
import type { Role } from "../src/accounts/roles.ts";
import type { TestContext } from "./harness.ts";

/** Helpers for the ordering tests: many signed-in people fast, and the JSON API. */

export interface Person {
  id: number;
  token: string;
  role: Role;
}

export interface ApiOrder {
  id: number;
  code: string;
  status: string;
  pickupAt: string;
  pickupAsap: boolean;
  subtotalCents: number;
  discountCents: number;
  totalCents: number;
  couponCode: string | null;
  items?: { productId: number; name: string; unitPriceCents: number; quantity: number }[];
  history?: { from: string | null; to: string; reason: string | null; at: string }[];
}

export interface ApiError {
  error: {
    code: string;
    message: string;
    fields?: Record<string, string>;
    items?: { productId: number; name: string; requested: number; available: number }[];
  };
}

const meta = { ip: "192.0.2.50", userAgent: "orders-test" };
let hash: Promise<string> | undefined;
let serial = 0;

/** `count` accounts with one shared password hash, each with an API access token. */
export async function people(t: TestContext, count: number, role: Role = "customer") {
  hash ??= hashPassword("crumbs-on-the-counter");
  const passwordHash = await hash;
  const made: Person[] = [];
  for (let i = 0; i < count; i++) {
    const n = ++serial;
    const row = await insertUser(t.sql, {
      email: `${role}.${n}.${crypto.randomUUID().slice(0, 8)}@example.com`,
      name: `${role} ${n}`,
      passwordHash,
      role,
    });
    const issued = await t.services.accounts.sessions.startSession(row!, meta, "api");
    made.push({ id: row!.id, token: issued.accessToken, role });
  }
  return made;
}

export const person = async (t: TestContext, role: Role = "customer") =>
  (await people(t, 1, role))[0];

const peer = (ip: string) => ({ remoteAddr: { hostname: ip, port: 1, transport: "tcp" } });

/** A JSON request to /api/v1 as `who`. */
export function api(
  t: TestContext,
  who: Person,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return Promise.resolve(t.app.request(`/api/v1${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${who.token}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  }, peer(`198.51.100.${(who.id % 250) + 1}`)));
}

/** POST /api/v1/orders; `key` becomes the Idempotency-Key. */
export const order = (t: TestContext, who: Person, body: Record<string, unknown>, key?: string) =>
  api(t, who, "POST", "/orders", body, key ? { "Idempotency-Key": key } : {});

export async function expectError(res: Response, status: number, code: string) {
  const body = (await res.json()) as ApiError;
  expect({ status: res.status, code: body.error?.code }).toEqual({ status, code });
  return body.error;
}

export async function expectOrder(res: Response, status = 201): Promise<ApiOrder> {
  const body = await res.json();
  expect({ status: res.status, body }).toMatchObject({ status });
  return body as ApiOrder;
}

/** Active demo products, never ordered ones first, with the stock set as given. */
export async function productsWithStock(t: TestContext, stocks: number[]) {
  const rows = await t.sql<{ id: number; name: string; priceCents: number }[]>`
    select id, name, price_cents from products p where active
    order by exists (select 1 from order_items i where i.product_id = p.id), id
    limit ${stocks.length}`;
  expect(rows).toHaveLength(stocks.length);
  for (const [i, row] of rows.entries()) {
    await t.sql`update products set stock = ${stocks[i]} where id = ${row.id}`;
  }
  return rows;
}

export async function stockOf(t: TestContext, productId: number): Promise<number> {
  const [row] = await t.sql<
    { stock: number }[]
  >`select stock from products where id = ${productId}`;
  return row.stock;
}
