/** Pages of an admin list: the page size, `?page=`, the page count, filters kept in URLs. */

export const PAGE_SIZE = 25;

/** `?page=` as a whole number from 1 on; anything else is page 1. */
export function pageOf(value: string | undefined): number {
  const page = /^\d{1,5}$/.test(value ?? "") ? Number(value) : 1;
  return Math.max(1, page);
}

export const pageCount = (total: number, size = PAGE_SIZE) => Math.max(1, Math.ceil(total / size));

/** A URL with only the query parameters that have a value. */
export function withQuery(path: string, params: Record<string, string | number | undefined>) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== "") query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/** A LIKE pattern that finds `text` anywhere, its own % and _ taken literally. */
export const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
