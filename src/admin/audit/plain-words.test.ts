import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "../../audit/record.ts";
import { browserWords } from "../../audit/browser-words.ts";
import { createTestContext, type TestContext } from "../../../tests/harness.ts";
import { type SignedIn, signedIn, textOf } from "../../../tests/admin-people.ts";

/** The audit log in words: who did what to which order, money as money, browsers by name. */

const ANDROID_CHROME = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 " +
  "(KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36";
const IPHONE_SAFARI = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) " +
  "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";

let t: TestContext;
let admin: SignedIn;
beforeAll(async () => {
  t = await createTestContext();
  admin = await signedIn(t, "admin", "Ada Admin");
});
afterAll(() => t?.close());

describe("browsers in words", () => {
  it("names the browser and its system, and a program by its first word", () => {
    expect(browserWords(ANDROID_CHROME)).toBe("Chrome on Android");
    expect(browserWords(IPHONE_SAFARI)).toBe("Mobile Safari on iOS");
    expect(browserWords("curl/8.5.0")).toBe("curl");
    expect(browserWords("")).toBeUndefined();
  });
});

describe("the audit page", () => {
  it("says who cancelled which order and why, with money as money and no internals", async () => {
    await recordAudit(t.sql, {
      actorId: admin.id,
      action: "order.status_changed",
      entityType: "order",
      entityId: 1,
      details: {
        from: "ready",
        to: "cancelled",
        reason: "customer called",
        code: "A014",
        total_cents: 8640,
        sessionId: "5f1c0d3e-aaaa-bbbb-cccc-0123456789ab",
      },
      ip: "192.0.2.8",
      userAgent: ANDROID_CHROME,
    });
    const { html } = await admin.browser.get("/admin/audit?action=order.status_changed");
    const words = textOf(html);
    expect(words).toContain("Ada Admin cancelled order");
    expect(words).toContain(": customer called");
    expect(words).toContain(`Total: ${t.services.format.money(8640)}`);
    expect(words).not.toContain("8640");
    expect(words).not.toContain("5f1c0d3e");
    expect(words).not.toContain("Session");
    expect(words).toContain("Chrome on Android");
    expect(words).not.toContain("AppleWebKit/537.36 (KHTML");
  });

  it("shows price changes as money from → to", async () => {
    await recordAudit(t.sql, {
      actorId: admin.id,
      action: "product.updated",
      entityType: "product",
      entityId: 7,
      details: { changes: { price_cents: { from: 650, to: 710 } } },
    });
    const words = textOf((await admin.browser.get("/admin/audit?action=product.updated")).html);
    const { money } = t.services.format;
    expect(words).toContain(`Changes: Price: ${money(650)} → ${money(710)}`);
  });

  it("words invitations", async () => {
    const { res } = await admin.browser.post("/admin/users/invitations", {
      email: "dora.dough@example.com",
      name: "Dora Dough",
      role: "staff",
    });
    expect(res.status).toBe(303);
    const words = textOf((await admin.browser.get("/admin/audit")).html);
    expect(words).toContain("Ada Admin invited Dora Dough as staff");
  });
});
