import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../../tests/harness.ts";
import { get, post } from "../../../tests/admin-support.ts";
import { api, expectOrder, order, people, type Person } from "../../../tests/orders-support.ts";
import {
  at,
  bakeryAt,
  bakeryConfig,
  FRIDAY,
  MONDAY,
  SATURDAY,
  shelfProduct,
  THURSDAY,
} from "../../../tests/bakery-support.ts";
import { textOf } from "../../../tests/admin-people.ts";
import { ACCESS_COOKIE } from "../../accounts/middleware.ts";

/** The calendar and pickup settings screens: what the admin changes, the shop follows. */

let base: TestContext;
let t: TestContext;
let admin: string;
let staff: string;
let shopper: Person;

const cookieOf = async (role: "admin" | "staff") =>
  `${ACCESS_COOKIE}=${(await people(t, 1, role))[0].token}`;

beforeAll(async () => {
  base = await createTestContext({ seed: true, config: bakeryConfig });
  t = bakeryAt(base).ctx;
  [admin, staff] = await Promise.all([cookieOf("admin"), cookieOf("staff")]);
  [shopper] = await people(t, 1);
});
afterAll(() => base?.close());

const dayOf = async (date: string) => {
  const days = (await (await api(t, shopper, "GET", "/pickup/days")).json()).days;
  return days.find((d: { date: string }) => d.date === date);
};

const auditCount = async (action: string) =>
  (await t.sql<{ n: number }[]>`
    select count(*)::int as n from audit_log where action = ${action}`)[0].n;

describe("closures", () => {
  it("closes a date with the reason customers see, and opens it again", async () => {
    const res = await post(t, "/admin/calendar/closures", admin, {
      from: THURSDAY,
      to: "",
      reason: "Closed for the staff outing",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toMatch(/^\/admin\/calendar\?done=closed#closure-\d+$/);
    expect(await dayOf(THURSDAY)).toMatchObject({
      open: false,
      reason: "Closed for the staff outing",
    });
    expect(await auditCount("closure.added")).toBe(1);
    const page = await (await get(t, "/admin/calendar?done=closed", admin)).text();
    expect(textOf(page)).toContain("Thu 17 Apr “Closed for the staff outing”");
    const id = /data-closure="(\d+)"/.exec(page)![1];
    const reopened = await post(t, `/admin/calendar/closures/${id}/remove`, admin, {});
    expect(reopened.status).toBe(303);
    expect(await dayOf(THURSDAY)).toMatchObject({ open: true, reason: null });
  });

  it("lists the orders a closure strands, to contact or cancel, and cancels none", async () => {
    const jam = await shelfProduct(t, 20);
    const placed = await expectOrder(
      await order(t, shopper, {
        items: [{ productId: jam.id, quantity: 1 }],
        pickupAt: at(SATURDAY, "09:00"),
      }),
    );
    const res = await post(t, "/admin/calendar/closures", admin, {
      from: FRIDAY,
      to: MONDAY,
      reason: "Closed for Easter",
    });
    expect(res.headers.get("Location")).toMatch(/done=stranded/);
    const html = await (await get(t, "/admin/calendar?done=stranded", admin)).text();
    const text = textOf(html);
    expect(text).toContain("Orders were already placed for them");
    expect(text).toContain("1 order was placed for these dates before they closed");
    expect(html).toContain(`data-stranded="${placed.code}"`);
    expect(html).toContain(`href="/admin/orders/${placed.id}"`);
    const [{ email }] = await t.sql<{ email: string }[]>`
      select email from users where id = ${shopper.id}`;
    expect(html).toContain(`href="mailto:${email}"`);
    expect(html).toContain(`action="/admin/orders/${placed.id}/cancel"`);
    const [row] = await t.sql<{ status: string }[]>`
      select status from orders where id = ${placed.id}`;
    expect(row.status).toBe("placed");
    // The cancel form goes through the order's own lifecycle, with the closure's reason.
    const cancelled = await post(t, `/admin/orders/${placed.id}/cancel`, admin, {
      expectedFrom: "placed",
      reason: "The shop is closed that day: Closed for Easter",
    });
    expect(cancelled.status).toBe(303);
    const after = await (await get(t, "/admin/calendar", admin)).text();
    expect(after).not.toContain(`data-stranded="${placed.code}"`);
  });

  it("refuses a past date, a range the wrong way round and a missing reason, saving nothing", async () => {
    const before = await auditCount("closure.added");
    const cases: [Record<string, string>, string][] = [
      [{ from: "2031-04-01", to: "", reason: "Late" }, "That date is in the past."],
      [{ from: MONDAY, to: FRIDAY, reason: "Back to front" }, "cannot come before the first"],
      [{ from: MONDAY, to: "", reason: " " }, "Give the reason customers will see"],
      [{ from: "2031-02-30", to: "", reason: "No such day" }, "Choose a date."],
    ];
    for (const [form, words] of cases) {
      const res = await post(t, "/admin/calendar/closures", admin, form);
      expect(res.status, JSON.stringify(form)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(textOf(await res.text())).toContain(words);
    }
    expect(await auditCount("closure.added")).toBe(before);
  });
});

describe("special hours and the usual week", () => {
  it("sets other hours for a date, and removes them", async () => {
    const res = await post(t, "/admin/calendar/special", admin, {
      date: THURSDAY,
      opens: "09:00",
      closes: "12:30",
      note: "Short day",
    });
    expect(res.status).toBe(303);
    expect(await dayOf(THURSDAY)).toMatchObject({ open: true, opens: "09:00", closes: "12:30" });
    const page = textOf(await (await get(t, "/admin/calendar", admin)).text());
    expect(page).toContain("Thu 17 Apr 09:00–12:30 “Short day”");
    const bad = await post(t, "/admin/calendar/special", admin, {
      date: THURSDAY,
      opens: "14:00",
      closes: "9am",
      note: "",
    });
    expect(bad.status).toBe(422);
    expect(textOf(await bad.text())).toContain("Give the closing time like 07:30");
    const removed = await post(t, `/admin/calendar/special/${THURSDAY}/remove`, admin, {});
    expect(removed.status).toBe(303);
    expect(await dayOf(THURSDAY)).toMatchObject({ opens: "07:00", closes: "18:00" });
  });

  it("saves the usual week, and refuses hours that close before they open", async () => {
    const week: Record<string, string> = {};
    for (const d of ["mon", "tue", "wed", "thu", "fri"]) {
      Object.assign(week, {
        [`${d}.open`]: "1",
        [`${d}.opens`]: "07:00",
        [`${d}.closes`]: "18:00",
      });
    }
    Object.assign(week, { "sat.open": "1", "sat.opens": "08:00", "sat.closes": "13:00" });
    const res = await post(t, "/admin/calendar/week", admin, week);
    expect(res.status).toBe(303);
    expect(await t.services.calendar.week()).toMatchObject({
      sat: { opens: "08:00", closes: "13:00" },
      sun: null,
    });
    const bad = await post(t, "/admin/calendar/week", admin, {
      ...week,
      "sat.closes": "07:00",
    });
    expect(bad.status).toBe(400);
    expect(textOf(await bad.text())).toContain("Closing time must come after opening time.");
    expect((await t.services.calendar.week()).sat).toEqual({ opens: "08:00", closes: "13:00" });
  });
});

describe("pickup settings", () => {
  it("saves slot length, capacity, horizon and cut-off; blank means none", async () => {
    const page = await (await get(t, "/admin/pickup-settings", admin)).text();
    expect(page).toMatch(/id="slot-minutes"[^>]*value="15"/);
    const res = await post(t, "/admin/pickup-settings", admin, {
      slotMinutes: "30",
      ordersPerSlot: "4",
      horizonDays: "10",
      nextDayCutoff: "18:00",
    });
    expect(res.status).toBe(303);
    expect(await t.services.calendar.settings()).toEqual({
      slotMinutes: 30,
      ordersPerSlot: 4,
      horizonDays: 10,
      nextDayCutoff: "18:00",
    });
    expect(await auditCount("pickup_settings.changed")).toBeGreaterThan(0);
    await post(t, "/admin/pickup-settings", admin, {
      slotMinutes: "15",
      ordersPerSlot: "",
      horizonDays: "14",
      nextDayCutoff: "",
    });
    expect(await t.services.calendar.settings()).toEqual({
      slotMinutes: 15,
      ordersPerSlot: null,
      horizonDays: 14,
      nextDayCutoff: null,
    });
  });

  it("refuses values out of range inline, saving nothing", async () => {
    const res = await post(t, "/admin/pickup-settings", admin, {
      slotMinutes: "7",
      ordersPerSlot: "0",
      horizonDays: "400",
      nextDayCutoff: "25:00",
    });
    expect(res.status).toBe(422);
    const text = textOf(await res.text());
    expect(text).toContain("Use a multiple of 5 minutes");
    expect(text).toContain("Enter a whole number from 1 to 10000, or leave it blank.");
    expect(text).toContain("Enter whole days from 1 to 90.");
    expect(text).toContain("Give a time like 18:00");
    expect((await t.services.calendar.settings()).slotMinutes).toBe(15);
  });
});

describe("who may change the calendar", () => {
  it("is for admins only; staff get the bake list instead", async () => {
    for (const path of ["/admin/calendar", "/admin/pickup-settings"]) {
      expect((await get(t, path, staff)).status).toBe(403);
    }
    for (
      const path of [
        "/admin/calendar/closures",
        "/admin/calendar/special",
        "/admin/calendar/week",
        "/admin/pickup-settings",
      ]
    ) {
      expect((await post(t, path, staff, {})).status).toBe(403);
    }
    expect((await get(t, "/board/bake-list", staff)).status).toBe(200);
    const tuesday = "2031-04-22";
    const forged = await post(t, "/admin/calendar/closures", admin, {
      from: tuesday,
      to: "",
      reason: "Forged",
    }, { "Sec-Fetch-Site": "cross-site" });
    expect(forged.status).toBe(403);
    expect((await dayOf(tuesday)).open).toBe(true);
  });
});
