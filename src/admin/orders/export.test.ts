import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../../tests/harness.ts";
import {
  type ApiOrder,
  order,
  type Person,
  person,
  productsWithStock,
} from "../../../tests/orders-support.ts";
import { type SignedIn, signedIn, textOf } from "../../../tests/admin-people.ts";
import { ensureCoupon } from "../../coupons/queries.ts";
import { csvCell, csvRow } from "../shared/csv.ts";
import { exportHeader, exportOrders } from "./export.ts";

/** The orders export: RFC 4180 quoting, no formulas, the shop's days, page by page. */

describe("CSV cells", () => {
  it("quotes commas, quotes and line breaks, and doubles quotes inside", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("Smith, Jo")).toBe('"Smith, Jo"');
    expect(csvCell('The "Best" Bun')).toBe('"The ""Best"" Bun"');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("cr\r")).toBe('"cr\r"');
    expect(csvCell(null)).toBe("");
    expect(csvCell(12)).toBe("12");
  });

  it("neutralises cells a spreadsheet would run as a formula", () => {
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("+33 6 12")).toBe("'+33 6 12");
    expect(csvCell("-2")).toBe("'-2");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\t=cmd")).toBe("'\t=cmd");
    expect(csvCell('=HYPERLINK("http://x", "y")')).toBe(`"'=HYPERLINK(""http://x"", ""y"")"`);
    expect(csvCell("a=b")).toBe("a=b");
  });

  it("ends every record with CRLF", () => {
    expect(csvRow(["a", "b,c", null])).toBe('a,"b,c",\r\n');
  });
});

describe("GET /admin/orders.csv", () => {
  let t: TestContext;
  let admin: SignedIn;
  let eve: Person;
  let productId: number;
  const placed: Record<string, ApiOrder> = {};

  /** Parses our own CSV (quoted cells may hold commas, quotes and line breaks). */
  function parse(text: string): string[][] {
    const rows: string[][] = [];
    let row: string[] = [];
    let cell = "";
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (quoted) {
        if (ch === '"' && text[i + 1] === '"') (cell += '"', i++);
        else if (ch === '"') quoted = false;
        else cell += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ",") (row.push(cell), cell = "");
      else if (ch === "\r" && text[i + 1] === "\n") {
        row.push(cell), rows.push(row), row = [], cell = "", i++;
      } else cell += ch;
    }
    return rows;
  }

  beforeAll(async () => {
    t = await createTestContext({ seed: true, config: { API_RATE_LIMIT_PER_MINUTE: "100000" } });
    admin = await signedIn(t, "admin");
    const [product] = await productsWithStock(t, [500]);
    productId = product.id;
    await t.sql`update products set name = 'Butter Croissant' where id = ${productId}`;
    await ensureCoupon(t.sql, { code: "CSV10", kind: "percent", amount: 10 });
    eve = await person(t);
    const evil = '=HYPERLINK("http://evil.example"), "Eve"';
    await t.sql`update users set name = ${evil} where id = ${eve.id}`;
    // Pickup times around the shop's midnights (Paris is UTC+2 in June).
    const pickups: Record<string, string> = {
      before: "2031-06-09T21:59:00Z", // 9 June 23:59 in Paris: outside
      first: "2031-06-09T22:00:00Z", // 10 June 00:00: inside
      middle: "2031-06-10T09:15:00Z", // 10 June 11:15
      last: "2031-06-11T21:59:00Z", // 11 June 23:59: inside
      after: "2031-06-11T22:00:00Z", // 12 June 00:00: outside
    };
    for (const [name, at] of Object.entries(pickups)) {
      const res = await order(t, eve, {
        items: [{ productId, quantity: name === "middle" ? 2 : 1 }],
        couponCode: name === "middle" ? "CSV10" : undefined,
      });
      expect(res.status).toBe(201);
      placed[name] = (await res.json()) as ApiOrder;
      await t.sql`update orders set pickup_at = ${at} where id = ${placed[name].id}`;
    }
  });
  afterAll(() => t?.close());

  it("sends one row per order picked up in the range, days on the shop's clock", async () => {
    const { res, html: body } = await admin.browser.get(
      "/admin/orders.csv?from=2031-06-10&to=2031-06-11",
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toBe(
      'attachment; filename="orders-2031-06-10-to-2031-06-11.csv"',
    );
    const rows = parse(body);
    expect(rows[0]).toEqual(exportHeader);
    expect(rows.slice(1).map((r) => r[2])).toEqual([
      "2031-06-10 00:00",
      "2031-06-10 11:15",
      "2031-06-11 23:59",
    ]);
    const middle = rows[2];
    const m = placed.middle;
    expect(middle[0]).toBe(m.code);
    expect(middle[3]).toBe("New");
    expect(middle[4]).toBe(`'=HYPERLINK("http://evil.example"), "Eve"`);
    expect(middle[6]).toBe("2× Butter Croissant");
    expect(middle.slice(7)).toEqual([
      (m.subtotalCents / 100).toFixed(2),
      (m.discountCents / 100).toFixed(2),
      (m.totalCents / 100).toFixed(2),
      "CSV10",
    ]);
    expect(m.discountCents).toBeGreaterThan(0);
    // The name cell went out quoted, with its quotes doubled and the formula defused.
    expect(body).toContain(`"'=HYPERLINK(""http://evil.example""), ""Eve"""`);
  });

  it("starts with a byte order mark so spreadsheets read UTF-8", async () => {
    const res = await admin.browser.open("/admin/orders.csv?from=2031-06-10&to=2031-06-10");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it("lists every item of an order in one cell", async () => {
    const [second] = await productsWithStock(t, [50]);
    await t.sql`update products set name = 'Rye, "Dark"' where id = ${second.id}`;
    const res = await order(t, eve, {
      items: [{ productId, quantity: 2 }, { productId: second.id, quantity: 1 }],
    });
    const both = (await res.json()) as ApiOrder;
    await t.sql`update orders set pickup_at = '2031-07-01T10:00:00Z' where id = ${both.id}`;
    const { html } = await admin.browser.get("/admin/orders.csv?from=2031-07-01&to=2031-07-01");
    const rows = parse(html);
    expect(rows).toHaveLength(2);
    expect(rows[1][6]).toBe('2× Butter Croissant; 1× Rye, "Dark"');
  });

  it("writes a long range in pages, none lost or repeated at the seams", async () => {
    const stream = exportOrders(t.sql, { from: "2031-06-01", to: "2031-06-30" }, "Europe/Paris", 2);
    const rows = parse(await new Response(stream).text());
    expect(rows.slice(1).map((r) => r[0])).toEqual(
      ["before", "first", "middle", "last", "after"].map((n) => placed[n].code),
    );
  });

  it("refuses a missing, impossible, reversed or too long range, next to the fields", async () => {
    const cases: [string, string][] = [
      ["from=&to=2031-06-10", "Give a date as YYYY-MM-DD."],
      ["from=2031-02-30&to=2031-03-01", "Give a date as YYYY-MM-DD."],
      ["from=2031-06-10&to=2031-06-09", "The end date is before the start."],
      ["from=2030-01-01&to=2031-06-09", "Export at most 366 days at once."],
    ];
    for (const [query, message] of cases) {
      const { res, html } = await admin.browser.get(`/admin/orders.csv?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 422 });
      expect(res.headers.get("Content-Disposition")).toBeNull();
      expect(textOf(html)).toContain(message);
      expect(textOf(html)).toContain("The export needs a valid date range.");
    }
  });

  it("records who exported which days", async () => {
    const rows = await t.sql<{ details: { from: string; to: string } }[]>`
      select details from audit_log where action = 'orders.exported' and actor_id = ${admin.id}`;
    expect(rows.map((r) => r.details)).toContainEqual({ from: "2031-06-10", to: "2031-06-11" });
  });
});
