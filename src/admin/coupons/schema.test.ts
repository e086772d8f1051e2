import { describe, expect, it } from "vitest";
import { parseMoney, parseShopMoment, shopMomentText } from "./schema.ts";

/** Money and moments as admins type them into the coupon form. */

describe("money", () => {
  it("reads euros and cents with a dot or a comma, never more than two decimals", () => {
    expect(parseMoney("2.50")).toBe(250);
    expect(parseMoney("2,5")).toBe(250);
    expect(parseMoney(" 10 ")).toBe(1000);
    expect(parseMoney("0.05")).toBe(5);
    expect(parseMoney("2.505")).toBeNull();
    expect(parseMoney("-1")).toBeNull();
    expect(parseMoney("1e3")).toBeNull();
  });
});

describe("shop moments", () => {
  it("read dates and times on the shop's clock, across a DST change", () => {
    const zone = "Europe/Paris";
    expect(parseShopMoment("2031-03-30 03:30", zone, "from")).toEqual(
      new Date("2031-03-30T01:30:00Z"),
    );
    expect(parseShopMoment("2031-01-15", zone, "from")).toEqual(new Date("2031-01-14T23:00:00Z"));
    expect(parseShopMoment("2031-01-15T08:05", zone, "until")).toEqual(
      new Date("2031-01-15T07:05:00Z"),
    );
    expect(parseShopMoment("2031-02-29", zone, "from")).toBeNull();
    expect(parseShopMoment("2031-01-15 24:00", zone, "from")).toBeNull();
  });

  it("show a stored moment as it was typed: a date alone when it was one", () => {
    const zone = "Europe/Paris";
    const from = parseShopMoment("2031-01-15", zone, "from")!;
    const until = parseShopMoment("2031-01-15", zone, "until")!;
    expect(shopMomentText(from, zone, "from")).toBe("2031-01-15");
    expect(shopMomentText(until, zone, "until")).toBe("2031-01-15");
    expect(shopMomentText(parseShopMoment("2031-01-15 09:30", zone, "until"), zone, "until"))
      .toBe("2031-01-15 09:30");
    expect(shopMomentText(null, zone, "from")).toBe("");
  });
});
