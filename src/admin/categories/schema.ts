import { z } from "zod";
import { slugField, withSlug } from "../shared/schema.ts";
import { multilineText, text } from "../../http/fields.ts";

/** The category form. */

export const categoryFormSchema = z.object({
  name: text().trim().min(1, "Enter a name.").max(80, "A name can be at most 80 characters."),
  slug: slugField.pipe(z.string().max(60, "A slug can be at most 60 characters.")),
  description: multilineText().trim().max(500, "A description can be at most 500 characters."),
}).transform(withSlug);

export type CategoryInput = z.output<typeof categoryFormSchema>;
