import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { clientIp } from "./client-ip.ts";
import type { AppEnv } from "./env.ts";
import { requestMeta } from "./request-meta.ts";

/** Which address a request counts as coming from (rate limits, sign-in lockout, audit log). */

const ipOf = async (
  trusted: string[],
  { peer, forwardedFor }: { peer?: string; forwardedFor?: string | string[] } = {},
) => {
  const app = new Hono().get("/", (c) => c.text(clientIp(c, trusted)));
  const headers = new Headers();
  for (const value of [forwardedFor ?? []].flat()) headers.append("X-Forwarded-For", value);
  const env = peer === undefined
    ? undefined
    : { remoteAddr: { hostname: peer, port: 4711, transport: "tcp" } };
  return await (await app.request("/", { headers }, env)).text();
};

describe("clientIp", () => {
  it("is the connection's peer address", async () => {
    expect(await ipOf([], { peer: "203.0.113.7" })).toBe("203.0.113.7");
    expect(await ipOf([], { peer: "2001:db8::1" })).toBe("2001:db8::1");
  });

  it("is 'unknown' without a connection (app.request with no env)", async () => {
    expect(await ipOf([])).toBe("unknown");
    expect(await ipOf([], { forwardedFor: "1.2.3.4" })).toBe("unknown");
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", async () => {
    expect(await ipOf([], { peer: "203.0.113.7", forwardedFor: "1.2.3.4" })).toBe(
      "203.0.113.7",
    );
    expect(await ipOf(["10.0.0.1"], { peer: "203.0.113.7", forwardedFor: "1.2.3.4" })).toBe(
      "203.0.113.7",
    );
  });

  it("behind a trusted proxy: the hop the proxy appended", async () => {
    expect(await ipOf(["10.0.0.1"], { peer: "10.0.0.1", forwardedFor: "203.0.113.9" })).toBe(
      "203.0.113.9",
    );
  });

  it("spoofed left-most entries are ignored: the right-most untrusted hop wins", async () => {
    const trusted = ["10.0.0.1", "10.0.0.2"];
    expect(
      await ipOf(trusted, { peer: "10.0.0.1", forwardedFor: "6.6.6.6, 203.0.113.9" }),
    ).toBe("203.0.113.9");
    expect(
      await ipOf(trusted, {
        peer: "10.0.0.1",
        forwardedFor: "10.0.0.2, 6.6.6.6, 203.0.113.9, 10.0.0.2",
      }),
    ).toBe("203.0.113.9");
  });

  it("reads every X-Forwarded-For header, in order", async () => {
    expect(
      await ipOf(["10.0.0.1"], { peer: "10.0.0.1", forwardedFor: ["6.6.6.6", "203.0.113.9"] }),
    ).toBe("203.0.113.9");
  });

  it("skips empty entries and spaces", async () => {
    expect(
      await ipOf(["10.0.0.1"], { peer: "10.0.0.1", forwardedFor: " , 203.0.113.9 ,, " }),
    ).toBe("203.0.113.9");
  });

  it("a trusted proxy with no (or only trusted) hops is itself the client", async () => {
    expect(await ipOf(["10.0.0.1"], { peer: "10.0.0.1" })).toBe("10.0.0.1");
    expect(await ipOf(["10.0.0.1"], { peer: "10.0.0.1", forwardedFor: "10.0.0.1" })).toBe(
      "10.0.0.1",
    );
  });

  it("an IPv4 peer seen on a dual-stack socket still matches its trusted address", async () => {
    expect(
      await ipOf(["10.0.0.1"], { peer: "::ffff:10.0.0.1", forwardedFor: "203.0.113.9" }),
    ).toBe("203.0.113.9");
    expect(await ipOf([], { peer: "::FFFF:198.51.100.4" })).toBe("198.51.100.4");
    expect(
      await ipOf(["10.0.0.1"], { peer: "10.0.0.1", forwardedFor: "::ffff:203.0.113.9" }),
    ).toBe("203.0.113.9");
  });

  it("IPv6 proxies and clients", async () => {
    expect(
      await ipOf(["fd00::1"], { peer: "fd00::1", forwardedFor: "1.2.3.4, 2001:db8::7" }),
    ).toBe("2001:db8::7");
  });
});

describe("requestMeta", () => {
  it("puts the address and a bounded user agent on the context", async () => {
    const app = new Hono<AppEnv>()
      .use(requestMeta(["10.0.0.1"]))
      .get("/", (c) => c.json(c.get("meta")));
    const res = await app.request("/", {
      headers: { "X-Forwarded-For": "6.6.6.6, 203.0.113.5", "User-Agent": "u".repeat(500) },
    }, { remoteAddr: { hostname: "10.0.0.1", port: 1, transport: "tcp" } });
    const meta = (await res.json()) as { ip: string; userAgent: string };
    expect(meta.ip).toBe("203.0.113.5");
    expect(meta.userAgent).toBe("u".repeat(300));
  });

  it("no User-Agent header: empty", async () => {
    const app = new Hono<AppEnv>().use(requestMeta([])).get("/", (c) => c.json(c.get("meta")));
    expect(await (await app.request("/")).json()).toEqual({ ip: "unknown", userAgent: "" });
  });
});
