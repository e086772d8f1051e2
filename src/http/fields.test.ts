import { describe, expect, it } from "vitest";
import {
  calendarDate,
  CONTROL_MESSAGE,
  INT4_MAX,
  jsonRecordId,
  multilineText,
  recordId,
  text,
  wholeNumber,
} from "./fields.ts";

/** The shared building blocks of the input schemas refuse what PostgreSQL would. */

const messageOf = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.success ? undefined : result.error!.issues[0].message;

describe("text", () => {
  it.each([
    ["a NUL", "rye\u0000"],
    ["a bell", "\u0007"],
    ["an escape sequence", "\u001b[31mred"],
    ["DEL", "a\u007f"],
    ["a C1 control", "a\u0085"],
    ["a line break in one line", "a\nb"],
  ])("refuses %s with a field message", (_, value) => {
    expect(messageOf(text().safeParse(value))).toBe(CONTROL_MESSAGE);
  });

  it("keeps letters of every script, emoji and punctuation", () => {
    for (const value of ["Crème brûlée", "Żytni chleb", "パン", "🥐 & co.", "O'Brien"]) {
      expect(text().safeParse(value).success, value).toBe(true);
    }
  });

  it("still chains trim, min and max", () => {
    const name = text("Tell us your name.").trim().min(1, "Tell us your name.").max(3, "Too long");
    expect(name.parse("  Ada ")).toBe("Ada");
    expect(messageOf(name.safeParse("   "))).toBe("Tell us your name.");
    expect(messageOf(name.safeParse("Adelaide"))).toBe("Too long");
    expect(messageOf(name.safeParse(42))).toBe("Tell us your name.");
  });
});

describe("multilineText", () => {
  it("keeps line breaks and tabs, refuses the other controls", () => {
    expect(multilineText().parse("two loaves\r\n\tsliced")).toBe("two loaves\r\n\tsliced");
    expect(messageOf(multilineText().safeParse("note\u0000"))).toBe(CONTROL_MESSAGE);
  });
});

describe("ids and whole numbers", () => {
  it("stay within PostgreSQL's integer", () => {
    const id = recordId("Choose a product.");
    expect(id.parse("2147483647")).toBe(INT4_MAX);
    for (const value of ["2147483648", "99999999999", "0", "-1", "1.5", "abc", "", "1e400"]) {
      expect(messageOf(id.safeParse(value)), value).toBe("Choose a product.");
    }
  });

  it("in JSON are numbers, not text", () => {
    const id = jsonRecordId("productId must be a product id");
    expect(id.parse(7)).toBe(7);
    for (const value of ["7", 2 ** 31, 2 ** 60, -3, 1.5, null]) {
      expect(id.safeParse(value).success, String(value)).toBe(false);
    }
  });

  it("never exceed the integer, whatever range is asked for", () => {
    const n = wholeNumber(0, Number.MAX_SAFE_INTEGER, "Enter a quantity.");
    expect(n.parse("2147483647")).toBe(INT4_MAX);
    expect(messageOf(n.safeParse("2147483648"))).toBe("Enter a quantity.");
  });
});

describe("calendarDate", () => {
  const date = calendarDate("Enter a date like 2026-03-01.");

  it("takes days that exist between 2000 and 2100", () => {
    for (const value of ["2000-01-01", "2024-02-29", "2100-12-31"]) {
      expect(date.parse(value)).toBe(value);
    }
  });

  it("refuses impossible days, far years and other shapes", () => {
    for (
      const value of [
        "2026-02-30",
        "2023-02-29",
        "9999-12-31",
        "0000-01-01",
        "1999-12-31",
        "26-1-1",
      ]
    ) {
      expect(messageOf(date.safeParse(value)), value).toBe("Enter a date like 2026-03-01.");
    }
  });
});
