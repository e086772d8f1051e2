/** Something that answers requests like `app.request()`. */
interface RequestApp {
  request(
    input: Request | string,
    init?: RequestInit,
    env?: { remoteAddr: { hostname: string; port: number; transport: "tcp" } },
  ): Response | Promise<Response>;
}

let browsers = 0;
/** Each browser its own address (in 198.18.0.0/15, kept for tests), as real visitors have. */
const nextAddress = () => {
  const n = browsers++;
  return `198.18.${Math.floor(n / 250) % 256}.${(n % 250) + 1}`;
};

export interface Sent {
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** Leave out Sec-Fetch-Site, as an old browser would (then only the CSRF token counts). */
  noFetchMetadata?: boolean;
}

/**
 * A cookie jar in front of `app.request()`: one browser (or device). Forms are posted as a
 * same-origin page would, unless told otherwise.
 */
export class CookieBrowser {
  cookies = new Map<string, string>();

  constructor(private readonly app: () => RequestApp, readonly ip = nextAddress()) {}

  /** The raw response (for streams); `signal` ends the request. */
  async open(
    path: string,
    { form, headers = {}, noFetchMetadata }: Sent = {},
    signal?: AbortSignal,
  ) {
    const sent = new Headers(headers);
    if (this.cookies.size > 0) {
      sent.set("Cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    }
    if (form && !noFetchMetadata && !sent.has("Sec-Fetch-Site")) {
      sent.set("Sec-Fetch-Site", "same-origin");
    }
    const res = await this.app().request(
      new Request(`http://localhost${path}`, {
        method: form ? "POST" : "GET",
        body: form ? new URLSearchParams(form) : undefined,
        headers: sent,
        signal,
      }),
      undefined,
      { remoteAddr: { hostname: this.ip, port: 1, transport: "tcp" } },
    );
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";").map((part) => part.trim());
      const at = pair.indexOf("=");
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      if (value === "" || attributes.some((a) => /^max-age=0$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  async request(path: string, sent: Sent = {}) {
    const res = await this.open(path, sent);
    return { res, html: await res.text() };
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request(path, { headers });
  }

  post(path: string, form: Record<string, string> = {}, headers?: Record<string, string>) {
    return this.request(path, { form, headers });
  }
}

/** A `Browser` class bound to an app that is made later (in `beforeAll`). */
export const browserOn = (app: () => RequestApp) =>
  class Browser extends CookieBrowser {
    constructor() {
      super(app);
    }
  };
