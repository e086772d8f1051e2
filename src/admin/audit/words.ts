import { type OrderStatus, statuses, statusLabels, statusWord } from "../../orders/status.ts";
import type { AuditRow } from "./queries.ts";

/** Audit entries in words: "Ada Admin changed the role of Kim Kitchen from customer to staff". */

const statusName = (value: unknown) =>
  statuses.includes(value as OrderStatus) ? statusWord(value as OrderStatus) : String(value);

const text = (value: unknown) => typeof value === "string" && value !== "" ? value : undefined;

/** "product.price_changed" → "product price changed". */
export const actionWords = (action: string) => action.replace(/[._]+/g, " ").trim();

/** The thing acted on: "Kim Kitchen", "order A123", "product 12". */
export function entityName(row: Pick<AuditRow, "entityType" | "entityId" | "entityLabel">) {
  if (!row.entityType) return "";
  if (row.entityType === "user" && row.entityLabel) return row.entityLabel;
  if (row.entityLabel) return `${row.entityType} “${row.entityLabel}”`;
  return row.entityId ? `${row.entityType} ${row.entityId}` : row.entityType;
}

/** Who did it: their name, else the address a failed sign-in tried, else "Someone". */
export function actorName(row: Pick<AuditRow, "actorName" | "details">) {
  return row.actorName ?? text(row.details.email) ?? "Someone";
}

export function describeEntry(row: AuditRow): string {
  const who = actorName(row);
  const d = row.details;
  const self = row.entityType === "user" && row.actorId !== null &&
    row.entityId === String(row.actorId);
  const target = self ? "their own account" : entityName(row) || "an account";
  switch (row.action) {
    case "auth.signin":
      return `${who} signed in${
        d.kind === "kiosk" ? " as an order-board kiosk" : d.kind === "api" ? " to the API" : ""
      }`;
    case "auth.signin_failed":
      return `A sign-in as ${text(d.email) ?? row.actorEmail ?? "an unknown address"} failed`;
    case "auth.signin_refused":
      return `${who} was refused sign-in: the account is ${text(d.reason) ?? "refused"}`;
    case "auth.signout":
      return `${who} signed out`;
    case "auth.refresh_reuse":
      return `${who}'s session was ended because a used sign-in token came back`;
    case "session.ended":
      return `${who} signed out a kiosk`;
    case "account.registered":
      return self
        ? `${who} created an account (${text(d.role) ?? "customer"})`
        : `${who} created the account of ${target} (${text(d.role) ?? "customer"})`;
    case "account.name_changed":
      return self ? `${who} changed their name` : `${who} changed the name of ${target}`;
    case "account.password_changed":
      return self ? `${who} changed their password` : `${who} changed the password of ${target}`;
    case "user.role_changed":
      return `${who} changed the role of ${target} from ${d.from} to ${d.to}`;
    case "user.invited":
      return `${who} invited ${target} as ${text(d.role) ?? "staff"}`;
    case "user.reinvited":
      return `${who} sent ${target} a new invitation (${text(d.role) ?? "staff"})`;
    case "user.invitation_withdrawn":
      return `${who} withdrew the invitation of ${target}`;
    case "account.invitation_accepted":
      return `${who} accepted the invitation and chose a password`;
    case "notification.resent":
      return `${who} sent a notification again${text(d.subject) ? ` (“${d.subject}”)` : ""}${
        text(d.recipient) ? ` to ${d.recipient}` : ""
      }`;
    case "user.disabled":
      return `${who} disabled ${target}`;
    case "user.enabled":
      return `${who} enabled ${target}`;
    case "order.status_changed": {
      const order = entityName(row);
      if (d.to === "cancelled") {
        return `${who} cancelled ${order}${text(d.reason) ? `: ${d.reason}` : ""}`;
      }
      const back = statuses.indexOf(d.to as OrderStatus) < statuses.indexOf(d.from as OrderStatus);
      return `${who} moved ${order} ${back ? "back " : ""}from ${statusName(d.from)} to ${
        statusName(d.to)
      }${text(d.reason) ? `: ${d.reason}` : ""}`;
    }
    case "job.retried":
    case "job.discarded":
      return `${who} ${row.action === "job.retried" ? "retried" : "discarded"} a dead-lettered ${
        text(d.type) ?? "job"
      } job of the ${text(d.queue) ?? "unknown"} queue`;
    case "stock.changed": {
      if (typeof d.delta !== "number" || typeof d.stock_after !== "number") break;
      if (d.change === "sold_out") return `${who} marked ${entityName(row)} sold out`;
      const by = d.delta > 0 ? `+${d.delta}` : String(d.delta);
      return `${who} changed the stock of ${entityName(row)} by ${by} to ${d.stock_after}`;
    }
  }
  // Actions of other screens: "Ada Admin: coupon created — coupon “SPRING”".
  const thing = entityName(row);
  return `${who}: ${actionWords(row.action)}${thing ? ` — ${thing}` : ""}`;
}

/** "sessionId" → "Session id"; "total_cents" → "Total". */
const keyWords = (key: string) => {
  const words = key.replace(/_?cents$/i, "").replace(/Cents$/, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/_/g, " ").toLowerCase().trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** Amounts are kept in cents under keys ending so ("total_cents", "priceCents"). */
const isMoneyKey = (key: string) => /(^|_)cents$|[a-z]Cents$/.test(key);

/** Internal references that mean nothing to a person reading the log. */
const isInternalKey = (key: string) => /^(session_?id|jti|message_?id|token.*)$/i.test(key);

type Money = (cents: number) => string;

/** A detail's value in words; numbers under a money key (`asMoney`) as money. */
const valueText = (value: unknown, money: Money, asMoney = false): string => {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number" && asMoney) return money(value);
  if (typeof value === "string") {
    return statuses.includes(value as OrderStatus) ? statusLabels[value as OrderStatus] : value;
  }
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.map((v) => valueText(v, money, asMoney)).join(", ");
  if (typeof value === "object") {
    if ("from" in value && "to" in value) {
      const { from, to } = value as { from: unknown; to: unknown };
      return `${valueText(from, money, asMoney)} → ${valueText(to, money, asMoney)}`;
    }
    return Object.entries(value).map(([k, v]) =>
      `${keyWords(k)}: ${valueText(v, money, isMoneyKey(k))}`
    ).join("; ");
  }
  return String(value);
};

/** An entry's details as readable key: value pairs, money as money (the view escapes them). */
export function detailPairs(
  details: Record<string, unknown>,
  money: Money = (cents) => (cents / 100).toFixed(2),
): [string, string][] {
  return Object.entries(details ?? {}).filter(([key]) => !isInternalKey(key))
    .map(([key, value]) => [keyWords(key), valueText(value, money, isMoneyKey(key))]);
}
