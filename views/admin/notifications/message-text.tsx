/**
 * A message's text with the shop's own account links made followable (a reset or a
 * confirmation link), so a shop without SMTP can still act on them from this screen. Only
 * those links, and only as paths on this site: text a customer wrote (a name) never becomes
 * a link to somewhere else.
 */
const ACCOUNT_LINK = /https?:\/\/[^\s/]+(\/(?:reset-password|verify-email)\?token=[\w-]{20,100})/g;

export function MessageText({ text }: { text: string }) {
  const parts: (string | { href: string; shown: string })[] = [];
  let last = 0;
  for (const match of text.matchAll(ACCOUNT_LINK)) {
    parts.push(text.slice(last, match.index));
    parts.push({ href: match[1], shown: match[0] });
    last = match.index! + match[0].length;
  }
  parts.push(text.slice(last));
  return (
    <pre>
      {parts.map((part) =>
        typeof part === "string"
          ? part
          : <a class="underline break-all" href={part.href}>{part.shown}</a>
      )}
    </pre>
  );
}
