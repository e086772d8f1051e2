/**
 * What a first visit to a page costs on the wire: the page and every stylesheet and script
 * it names, as a browser accepting brotli and gzip receives them (images are left out).
 * Shared by the tests and the bench.
 */
export interface FirstLoad {
  path: string;
  /** Compressed bytes of the HTML, the CSS and the JS. */
  html: number;
  css: number;
  js: number;
  total: number;
  /** Every file fetched, with its compressed size. */
  files: { url: string; bytes: number; encoding: string | null }[];
}

type Fetch = (url: string, init: RequestInit) => Response | Promise<Response>;

const headers = { "Accept-Encoding": "gzip, deflate, br, zstd" };

/** The URLs of the page's stylesheets and scripts, in document order. */
export function subresources(html: string): { css: string[]; js: string[] } {
  const css = [...html.matchAll(/<link\b[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) =>
    m[1].replaceAll("&amp;", "&")
  );
  const js = [...html.matchAll(/<script\b[^>]*src="([^"]+)"/g)].map((m) =>
    m[1].replaceAll("&amp;", "&")
  );
  return { css, js };
}

/**
 * `decodes`: the fetch decompresses bodies itself (a real HTTP client does; `app.request`
 * does not), so the bytes on the wire are read from Content-Length.
 */
export async function firstLoad(
  fetch: Fetch,
  path: string,
  { decodes = false } = {},
): Promise<FirstLoad> {
  const files: FirstLoad["files"] = [];
  const get = async (url: string) => {
    const res = await fetch(url, { headers });
    if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    const body = new Uint8Array(await res.arrayBuffer());
    const length = res.headers.get("Content-Length");
    if (decodes && length === null) throw new Error(`${url} came without a Content-Length`);
    const bytes = decodes ? Number(length) : body.length;
    files.push({ url, bytes, encoding: res.headers.get("Content-Encoding") });
    return { res, body, bytes };
  };
  const page = await get(path);
  const encoding = page.res.headers.get("Content-Encoding");
  // The HTML itself, decoded, to find what it loads.
  const text = encoding && !decodes
    ? await new Response(
      new Blob([page.body]).stream().pipeThrough(
        new DecompressionStream((encoding === "br" ? "brotli" : encoding) as CompressionFormat),
      ),
    ).text()
    : new TextDecoder().decode(page.body);
  const { css, js } = subresources(text);
  const sum = async (urls: string[]) =>
    (await Promise.all(urls.map(get))).reduce((n, f) => n + f.bytes, 0);
  const [cssBytes, jsBytes] = await Promise.all([sum(css), sum(js)]);
  return {
    path,
    html: page.bytes,
    css: cssBytes,
    js: jsBytes,
    total: page.bytes + cssBytes + jsBytes,
    files,
  };
}
