/**
 * What a page asks of its visitors: the forms it renders (where they post, their fields and the
 * values they would send) and the query strings its links carry. Read from the HTML the views
 * render, so a new field on a form is fuzzed without anyone listing it.
 */

export interface Field {
  name: string;
  /** What the form would send as it stands (checked boxes, selected options, hidden values). */
  value?: string;
  file?: boolean;
}

export interface Form {
  method: "GET" | "POST";
  action: string;
  multipart: boolean;
  fields: Field[];
}

const unescape = (text: string) =>
  text.replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">").replaceAll("&amp;", "&");

function attributes(tag: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [, name, value] of tag.matchAll(/([\w:.-]+)(?:="([^"]*)")?/g)) {
    found[name.toLowerCase()] = unescape(value ?? "");
  }
  return found;
}

function fieldsOf(html: string): Field[] {
  const fields: Field[] = [];
  for (const [, tag] of html.matchAll(/<input\b([^>]*)>/g)) {
    const a = attributes(tag);
    if (!a.name) continue;
    const type = (a.type ?? "text").toLowerCase();
    if (type === "file") fields.push({ name: a.name, file: true });
    else if (type === "checkbox" || type === "radio") {
      fields.push({ name: a.name, value: "checked" in a ? a.value ?? "on" : undefined });
    } else if (type !== "submit" && type !== "image") {
      fields.push({ name: a.name, value: a.value ?? "" });
    }
  }
  for (const [, tag, inner] of html.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const a = attributes(tag);
    if (!a.name) continue;
    const options: Record<string, string>[] = [
      ...inner.matchAll(/<option\b([^>]*)>([^<]*)<\/option>/g),
    ].map((
      [, optionTag, text],
    ) => ({ ...attributes(optionTag), text: unescape(text) }));
    const chosen = options.find((o) => "selected" in o) ??
      options.find((o) => (o.value ?? o.text) !== "") ?? options[0];
    fields.push({ name: a.name, value: chosen ? chosen.value ?? chosen.text : "" });
  }
  for (const [, tag, text] of html.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
    const a = attributes(tag);
    if (a.name) fields.push({ name: a.name, value: unescape(text) });
  }
  for (const [, tag] of html.matchAll(/<button\b([^>]*)>/g)) {
    const a = attributes(tag);
    if (a.name) fields.push({ name: a.name, value: a.value ?? "" });
  }
  return fields;
}

/** The forms of a page; `base` is the page's own path (a form without action posts there). */
export function formsOf(html: string, base: string): Form[] {
  const forms: Form[] = [];
  for (const [, tag, inner] of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const a = attributes(tag);
    const method = (a.method ?? "get").toUpperCase() === "POST" ? "POST" : "GET";
    const fields = fieldsOf(inner);
    const multipart = (a.enctype ?? "").includes("multipart");
    const actions = [a.action || a["hx-post"] || base];
    // A button may send the same form elsewhere.
    for (const [, tag] of inner.matchAll(/<button\b([^>]*)>/g)) {
      const formaction = attributes(tag).formaction;
      if (formaction) actions.push(formaction);
    }
    for (const action of actions) {
      forms.push({
        method,
        action: new URL(action, "http://shop.test").pathname,
        multipart,
        fields,
      });
    }
  }
  return forms;
}

/** Query keys (and a value each) of the same-site addresses a page links to, by path. */
export function linkQueriesOf(html: string): Map<string, Map<string, string>> {
  const found = new Map<string, Map<string, string>>();
  for (const [, href] of html.matchAll(/="(\/[^"]*\?[^"]*)"/g)) {
    const url = new URL(unescape(href), "http://shop.test");
    if (url.origin !== "http://shop.test") continue;
    const keys = found.get(url.pathname) ?? new Map<string, string>();
    for (const [key, value] of url.searchParams) if (!keys.has(key)) keys.set(key, value);
    found.set(url.pathname, keys);
  }
  return found;
}
