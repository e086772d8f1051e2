/** What a hostile client sends in place of honest values. */

/** In a path segment, a query string or a form field. */
export const hostileTexts: Record<string, string> = {
  nul: "bread\u0000",
  control: "bell\u0007\u001b[31m",
  "past int4": "2147483648",
  "eleven digits": "99999999999",
  "twenty digits": "99999999999999999999",
  negative: "-1",
  "negative past int4": "-2147483649",
  zero: "0",
  fraction: "1.5",
  exponent: "1e400",
  "not a number": "NaN",
  "year 9999": "9999-12-31",
  "year 9999 time": "9999-12-31T23:59",
  "year 0": "0000-01-01",
  "no such day": "2026-02-30",
  overlong: "x".repeat(20_000),
  "lone surrogate": "\ud800",
  empty: "",
};

/** In place of a JSON value. */
export const hostileJson: Record<string, unknown> = {
  nul: "bread\u0000",
  control: "bell\u0007",
  "past int4": 2147483648,
  "past int4 as text": "2147483648",
  "past safe integers": 2 ** 60,
  negative: -1,
  fraction: 1.5,
  huge: 1e308,
  "year 9999": "9999-12-31T23:59:00Z",
  overlong: "x".repeat(20_000),
  array: ["a", 1],
  object: { nested: { deeper: true } },
  null: null,
  boolean: true,
  "empty string": "",
};

/** Whole bodies no honest form or client sends. */
export const hostileFormBodies: { label: string; type?: string; body: string }[] = [
  { label: "multipart without a boundary", type: "multipart/form-data", body: "a=1" },
  {
    label: "multipart that never ends",
    type: "multipart/form-data; boundary=xyz",
    body: '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nbread',
  },
  {
    label: "multipart with a broken header",
    type: "multipart/form-data; boundary=xyz",
    body: "--xyz\r\nContent-Disposition\r\n\r\n\u0000\r\n--xyz--\r\n",
  },
  {
    label: "urlencoded with broken escapes",
    type: "application/x-www-form-urlencoded",
    body: "a=%E0%A4%A&b=%&c=%zz&%00=%00",
  },
  { label: "JSON where a form belongs", type: "application/json", body: '{"a":' },
  { label: "plain text", type: "text/plain", body: "\u0000\u0001" },
  { label: "no content type", body: "a=1" },
];

export const hostileJsonBodies: { label: string; type?: string; body: string }[] = [
  { label: "unfinished JSON", type: "application/json", body: '{"a":' },
  { label: "a JSON array", type: "application/json", body: "[1,2]" },
  { label: "JSON null", type: "application/json", body: "null" },
  { label: "a JSON string", type: "application/json", body: '"bread"' },
  { label: "unfinished nesting", type: "application/json", body: "[".repeat(50_000) },
  {
    label: "deeply nested JSON",
    type: "application/json",
    body: "[".repeat(50_000) + "]".repeat(50_000),
  },
  { label: "a prototype key", type: "application/json", body: '{"__proto__":{"admin":true}}' },
  { label: "a form where JSON belongs", type: "application/x-www-form-urlencoded", body: "a=1" },
  { label: "no content type", body: "{}" },
  { label: "empty", type: "application/json", body: "" },
];

/** Headers every route reads in passing: cookies, event ids, htmx targets, referers. */
export const hostileHeaders: { label: string; headers: Record<string, string> }[] = [
  {
    label: "garbage cookies",
    headers: {
      Cookie:
        "crumb_cart=%00%ff; crumb_access=a.b.c; crumb_refresh=%E0%A4; crumb_csrf=%00; crumb_cart_id=x",
    },
  },
  { label: "a malformed bearer token", headers: { Authorization: "Bearer a.b.c" } },
  { label: "an endless event id", headers: { "Last-Event-ID": "9".repeat(400) } },
  {
    label: "htmx from nowhere",
    headers: { "HX-Request": "true", "HX-Target": "x".repeat(2000), "HX-Boosted": "maybe" },
  },
  { label: "a broken referer", headers: { Referer: "http://[::1" } },
  { label: "a forwarded chain", headers: { "X-Forwarded-For": "999.1.1.1, , ::ffff:zz" } },
  { label: "a long idempotency key", headers: { "Idempotency-Key": "k".repeat(5000) } },
];
