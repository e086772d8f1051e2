import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "./harness.ts";

describe("smoke", () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext({ seed: true });
  });
  afterAll(() => t?.close());
  it("serves the catalog", async () => {
    const res = await t.app.request("/");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Butter Croissant");
  });
});
