import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newMessage } from "../../infra/queue.ts";
import {
  createTestContext,
  eventually,
  type TestContext,
  uniqueId,
} from "../../../tests/harness.ts";
import { CookieBrowser } from "../../../tests/cookie-browser.ts";
import { expectAdminOnly, type SignedIn, signedIn, textOf } from "../../../tests/admin-people.ts";
import { startConsumers, stopConsumers, workerDeps } from "../../../worker/handlers/index.ts";
import { usersHandler } from "../../../worker/handlers/users.ts";
import type { Consumer } from "../../infra/queue.ts";

/** Admins invite staff and admins by email; the link sets the password once, then expires. */

let t: TestContext;
let admin: SignedIn;
let consumers: Consumer[];

beforeAll(async () => {
  t = await createTestContext();
  admin = await signedIn(t, "admin", "Ada Admin");
  consumers = await startConsumers(
    workerDeps(t.deps.config, { sql: t.sql, queue: t.queue, log: t.deps.log }),
  );
});
afterAll(async () => {
  await stopConsumers(consumers ?? []);
  await t?.close();
});

const PASSWORD = "warm rye at dawn";
const newEmail = () => `invited-${uniqueId()}@example.com`;

async function invite(email: string, role = "staff", name = "Bea Baker") {
  const { res, html } = await admin.browser.post("/admin/users/invitations", { email, name, role });
  return { res, html };
}

/** The link of the invitation mail the worker recorded for this address. */
async function mailedLink(email: string, count = 1) {
  await t.services.relay.kick();
  const notes = await eventually(async () => {
    const rows = await t.sql<{ body: string; subject: string; status: string }[]>`
      select body, subject, status from notifications
      where recipient = ${email} and kind = 'invitation' order by id`;
    return rows.length === count ? [...rows] : undefined;
  });
  const last = notes![count - 1];
  expect(last.subject).toContain("invited");
  const url = last.body.match(/https?:\/\/\S+\/invitations\/[\w-]+/)?.[0];
  expect(url).toBeTruthy();
  return new URL(url!).pathname;
}

describe("inviting", () => {
  it("invites staff by email: the mailed link sets the password once and lands on the board", async () => {
    const email = newEmail();
    const { res } = await invite(email, "staff", "Bea Baker");
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/admin/users/invitations?done=invited");

    const list = textOf((await admin.browser.get("/admin/users/invitations")).html);
    expect(list).toContain("Bea Baker");
    expect(list).toContain(email);
    expect(list).toContain("Waiting");
    expect(list).toContain("by Ada Admin");

    const link = await mailedLink(email);
    const [note] = await t.sql<{ body: string }[]>`
      select body from notifications where recipient = ${email}`;
    expect(note.body).toContain("Ada Admin has invited you");
    expect(note.body).toContain("as staff");

    // Before the link is used the account cannot be signed into.
    const early = await new CookieBrowser(() => t.app).post("/signin", {
      email,
      password: PASSWORD,
    });
    expect(early.res.status).not.toBe(303);

    const bea = new CookieBrowser(() => t.app);
    const form = await bea.get(link);
    expect(form.res.status).toBe(200);
    expect(form.res.headers.get("Cache-Control")).toContain("no-store");
    expect(form.html).toContain('autocomplete="new-password"');
    expect(textOf(form.html)).toContain(email);

    const accepted = await bea.post(link, { name: "Bea Baker", password: PASSWORD });
    expect(accepted.res.status).toBe(303);
    expect(accepted.res.headers.get("Location")).toBe("/board");
    expect((await bea.get("/board")).res.status).toBe(200);

    // The link works once.
    const again = await new CookieBrowser(() => t.app).post(link, {
      name: "Someone",
      password: "another good password",
    });
    expect(again.res.status).toBe(410);
    expect(textOf(again.html)).toContain("already used");
    const signin = await new CookieBrowser(() => t.app).post("/signin", {
      email,
      password: PASSWORD,
    });
    expect(signin.res.headers.get("Location")).toBe("/board");

    const actions = await t.sql<{ action: string }[]>`
      select action from audit_log where entity_type = 'user'
        and (action like 'user.%' or action like 'account.invitation%')
        and entity_id = (select id::text from users where email = ${email}) order by id`;
    expect(actions.map((a) => a.action)).toEqual(["user.invited", "account.invitation_accepted"]);
    // Accepted: no longer listed as waiting.
    expect(textOf((await admin.browser.get("/admin/users/invitations")).html)).not.toContain(email);
  });

  it("invites an admin, who lands on the dashboard", async () => {
    const email = newEmail();
    await invite(email, "admin", "Cy Owner");
    const link = await mailedLink(email);
    const cy = new CookieBrowser(() => t.app);
    const { res } = await cy.post(link, { name: "Cy Owner", password: PASSWORD });
    expect(res.headers.get("Location")).toBe("/admin");
    expect((await cy.get("/admin")).res.status).toBe(200);
  });

  it("refuses an expired link; inviting again sends a new one and the old stops working", async () => {
    const email = newEmail();
    await invite(email);
    const first = await mailedLink(email);
    await t.sql`update invitations set expires_at = now() - interval '1 minute'
      where user_id = (select id from users where email = ${email})`;
    const expired = await new CookieBrowser(() => t.app).get(first);
    expect(expired.res.status).toBe(410);
    expect(textOf(expired.html)).toContain("expired");
    expect(textOf((await admin.browser.get("/admin/users/invitations")).html)).toContain("Expired");

    const [{ id }] = await t.sql<{ id: number }[]>`select id from users where email = ${email}`;
    const renewed = await admin.browser.post(`/admin/users/${id}/invitation/renew`, {});
    expect(renewed.res.status).toBe(303);
    const second = await mailedLink(email, 2);
    expect(second).not.toBe(first);
    expect((await new CookieBrowser(() => t.app).get(first)).res.status).toBe(410);
    const ok = await new CookieBrowser(() => t.app).post(second, {
      name: "Bea",
      password: PASSWORD,
    });
    expect(ok.res.status).toBe(303);
  });

  it("withdraws an invitation: its link stops working", async () => {
    const email = newEmail();
    await invite(email);
    const link = await mailedLink(email);
    const [{ id }] = await t.sql<{ id: number }[]>`select id from users where email = ${email}`;
    const { res } = await admin.browser.post(`/admin/users/${id}/invitation/withdraw`, {});
    expect(res.status).toBe(303);
    const closed = await new CookieBrowser(() => t.app).post(link, {
      name: "x",
      password: PASSWORD,
    });
    expect(closed.res.status).toBe(410);
    expect(textOf(closed.html)).toContain("withdrawn");
    const twice = await admin.browser.post(`/admin/users/${id}/invitation/withdraw`, {});
    expect(twice.res.status).toBe(409);
    expect(textOf(twice.html)).toContain("no open invitation");
  });

  it("says what is wrong with a bad invite and writes nothing", async () => {
    const before = await t.sql`select count(*)::int as n from invitations`;
    const bad = await invite("not an email", "customer", "");
    expect(bad.res.status).toBe(422);
    const words = textOf(bad.html);
    expect(words).toContain("Enter an email address like name@example.com.");
    expect(words).toContain("Choose staff or admin.");
    expect(words).toContain("Tell us your name.");

    const customer = await signedIn(t, "customer", "Cleo Customer");
    const taken = await invite(customer.email.toUpperCase(), "staff", "Cleo");
    expect(taken.res.status).toBe(409);
    expect(textOf(taken.html)).toContain("already exists");
    expect(taken.html).toContain(`href="/admin/users/${customer.id}"`);
    expect(await t.sql`select count(*)::int as n from invitations`).toEqual(before);
  });

  it("refuses a weak password on the invitation page and keeps the link open", async () => {
    const email = newEmail();
    await invite(email);
    const link = await mailedLink(email);
    const weak = await new CookieBrowser(() => t.app).post(link, {
      name: "Bea",
      password: "short",
    });
    expect(weak.res.status).toBe(422);
    expect(textOf(weak.html)).toContain("at least 10 characters");
    expect((await new CookieBrowser(() => t.app).get(link)).res.status).toBe(200);
  });

  it("answers an unknown link with 404", async () => {
    const { res } = await new CookieBrowser(() => t.app).get(`/invitations/${"x".repeat(43)}`);
    expect(res.status).toBe(404);
  });

  it("mails nothing for a message naming another account's invitation", async () => {
    const email = newEmail();
    await invite(email);
    await mailedLink(email);
    const [{ invitationId }] = await t.sql<{ invitationId: number }[]>`
      select i.id as invitation_id from invitations i join users u on u.id = i.user_id
      where u.email = ${email}`;
    const other = await signedIn(t, "customer");
    await usersHandler(workerDeps(t.deps.config, { sql: t.sql, queue: t.queue, log: t.deps.log }))(
      newMessage("user.invited", { userId: other.id, invitationId }),
      1,
    );
    expect(await t.sql`select 1 from notifications where user_id = ${other.id}`).toHaveLength(0);
  });

  it("is for admins only", async () => {
    const staff = await signedIn(t, "staff");
    await expectAdminOnly(t, [
      ["GET", "/admin/users/invitations"],
      ["POST", "/admin/users/invitations"],
      ["POST", `/admin/users/${staff.id}/invitation/renew`],
      ["POST", `/admin/users/${staff.id}/invitation/withdraw`],
    ], [staff, await signedIn(t, "customer")]);
  });
});
