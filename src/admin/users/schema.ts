import { z } from "zod";
import { roles } from "../../accounts/roles.ts";
import { blankIsAbsent } from "../shared/schema.ts";
import { text } from "../../http/fields.ts";

/** What the user screens accept: list filters, a new role, disabling. */

export const userFiltersSchema = z.object({
  q: z.preprocess(blankIsAbsent, text().trim().max(100).optional()).catch(undefined),
  role: z.preprocess(blankIsAbsent, z.enum(roles).optional()).catch(undefined),
});

export const roleChangeSchema = z.object({
  role: z.enum(roles, { message: "Choose customer, staff or admin." }),
});

export const disabledSchema = z.object({
  disabled: z.enum(["true", "false"], { message: "Choose to disable or re-enable." })
    .transform((v) => v === "true"),
});
