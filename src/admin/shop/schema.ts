import { z } from "zod";
import { multilineText, text } from "../../http/fields.ts";

/** The shop settings form: how customers find and reach the shop. */

const PHONE = "Enter a phone number with digits, spaces and + ( ) - only, like +33 1 23 45 67 89.";
const EMAIL = "Enter an email address like hello@bakery.example, or leave it empty.";
const MAP = "Enter a web address starting with https://, or leave it empty.";

export const shopDetailsSchema = z.object({
  name: text("Enter the shop's name.").trim().min(1, "Enter the shop's name.").max(
    80,
    "The name can be at most 80 characters.",
  ),
  address: multilineText().trim().max(300, "The address can be at most 300 characters.")
    .transform((address) =>
      address.split(/\r?\n/).map((line) => line.trim()).filter(Boolean).join("\n")
    ),
  phone: text(PHONE).trim().max(30, "The phone number can be at most 30 characters.").refine(
    (phone) =>
      phone === "" || (/^\+?[\d\s().-]+$/.test(phone) && /\d{3}/.test(phone.replace(/\D/g, ""))),
    PHONE,
  ),
  email: text(EMAIL).trim().max(254, EMAIL).refine(
    (email) => email === "" || z.email().safeParse(email).success,
    EMAIL,
  ),
  mapUrl: text(MAP).trim().max(500, "The map link can be at most 500 characters.").refine(
    (url) => url === "" || (URL.canParse(url) && new URL(url).protocol === "https:"),
    MAP,
  ),
});

export type ShopDetailsInput = z.output<typeof shopDetailsSchema>;
