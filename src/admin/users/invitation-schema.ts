import { z } from "zod";
import { emailField, nameField } from "../../accounts/schema.ts";

/** The invite form: who, and as what (customers sign up themselves). */
export const inviteSchema = z.object({
  email: emailField,
  name: nameField,
  role: z.enum(["staff", "admin"], { message: "Choose staff or admin." }),
});
