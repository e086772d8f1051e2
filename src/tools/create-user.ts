/**
 * `deno task user:create --email you@example.com --role admin [--name "Your Name"]`
 * Creates an account, e.g. the shop's first admin. The password is read from standard
 * input when it is piped, otherwise asked for without echoing it.
 */
import { parseArgs } from "node:util";
import { configFromEnvironment } from "../config.ts";
import { createLogger } from "../infra/log.ts";
import { openInfrastructure } from "../infra/infrastructure.ts";
import { emailField, nameField } from "../accounts/schema.ts";
import { passwordProblem } from "../accounts/passwords.ts";
import { type Role, roles } from "../accounts/roles.ts";
import { createServices } from "../app.ts";
import { createLiveHub } from "../live/hub.ts";
import { staticRoot } from "../assets.ts";
import { AppError } from "../http/errors.ts";

function fail(message: string): never {
  console.error(message);
  Deno.exit(1);
}

async function readPassword(): Promise<string> {
  if (!Deno.stdin.isTerminal()) {
    const text = new TextDecoder().decode(await new Response(Deno.stdin.readable).arrayBuffer());
    return text.replace(/\r?\n$/, "");
  }
  const encoder = new TextEncoder();
  const ask = async (question: string) => {
    await Deno.stdout.write(encoder.encode(question));
    Deno.stdin.setRaw(true);
    const typed: number[] = [];
    const buffer = new Uint8Array(1);
    try {
      while (await Deno.stdin.read(buffer)) {
        const byte = buffer[0];
        if (byte === 3) Deno.exit(130); // Ctrl-C
        if (byte === 13 || byte === 10) break;
        if (byte === 127 || byte === 8) typed.pop();
        else typed.push(byte);
      }
    } finally {
      Deno.stdin.setRaw(false);
      await Deno.stdout.write(encoder.encode("\n"));
    }
    return new TextDecoder().decode(new Uint8Array(typed));
  };
  const password = await ask("Password: ");
  if (await ask("Repeat it: ") !== password) fail("The two passwords differ. Nothing was created.");
  return password;
}

const { values } = parseArgs({
  args: Deno.args,
  options: {
    email: { type: "string" },
    role: { type: "string", default: "customer" },
    name: { type: "string" },
  },
});
const email = emailField.safeParse(values.email ?? "");
if (!email.success) fail("Give the account's email: --email you@example.com");
if (!roles.includes(values.role as Role)) fail(`--role must be one of ${roles.join(", ")}`);
const name = nameField.safeParse(values.name ?? email.data.split("@")[0]);
if (!name.success) fail(name.error.issues[0].message);

const password = await readPassword();
const problem = passwordProblem(password, { email: email.data, name: name.data });
if (problem) fail(`Password refused: ${problem}`);

const config = configFromEnvironment();
const log = createLogger("warn");
const infra = await openInfrastructure(config, log).catch((error) => fail(error.message));
try {
  const live = await createLiveHub(infra.store, log, 60_000);
  const { accounts } = createServices({
    config,
    log,
    live,
    ...infra,
    assetVersion: "cli",
    staticRoot,
  });
  const user = await accounts.manage.register(
    { email: email.data, name: name.data, password },
    { ip: "command line", userAgent: "deno task user:create" },
    values.role as Role,
    { emailVerified: true },
  );
  await live.close();
  console.log(`Created ${user.role} ${user.email} (id ${user.id}).`);
} catch (error) {
  if (error instanceof AppError) fail(`Not created: ${error.message}`);
  throw error;
} finally {
  await infra.close();
}
