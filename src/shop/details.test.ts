import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import type { Queryable } from "../infra/db.ts";
import { hoursOn, shopContact } from "./details.ts";

/** The shop's details with a day's hours: what footers and confirmation emails show. */

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ config: { OPENING_HOURS: "mon-sat 07:00-18:30" } });
});
afterAll(() => t?.close());

/** The database, counting the statements sent through it. */
function counted() {
  let statements = 0;
  const sql = ((...args: Parameters<typeof t.sql>) => {
    statements++;
    return t.sql(...args);
  }) as unknown as Queryable;
  return { sql, statements: () => statements };
}

describe("the shop's contact with a day's hours", () => {
  it("is read in one statement, with the day's closure or special hours", async () => {
    await t.sql`
      update shop_details set name = '', address = '1 Mill Lane', phone = '+44 20 1234 5678'`;
    const monday = "2031-03-03";
    const plain = counted();
    const contact = await shopContact(plain.sql, { date: monday, fallbackName: "Crumb" });
    expect(plain.statements()).toBe(1);
    expect(contact).toMatchObject({
      name: "Crumb",
      address: "1 Mill Lane",
      phone: "+44 20 1234 5678",
      hours: { date: monday, open: true, opens: "07:00", closes: "18:30" },
    });
    expect(contact.hours).toEqual(await hoursOn(t.sql, monday));

    await t.sql`insert into special_hours (date, opens, closes) values (${monday}, 480, 780)`;
    const special = await shopContact(t.sql, { date: monday, fallbackName: "Crumb" });
    expect(special.hours).toMatchObject({ open: true, opens: "08:00", closes: "13:00" });

    await t.sql`
      insert into closures (starts_on, ends_on, reason) values ('2031-03-01', ${monday}, 'Holiday')`;
    const closed = await shopContact(t.sql, { date: monday, fallbackName: "Crumb" });
    expect(closed.hours).toMatchObject({ open: false, reason: "Holiday" });
    expect(closed.hours).toEqual(await hoursOn(t.sql, monday));
    // A Sunday: closed every week.
    const sunday = await shopContact(t.sql, { date: "2031-03-09", fallbackName: "Crumb" });
    expect(sunday.hours.open).toBe(false);
  });
});
