import { Buffer } from "node:buffer";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertUser } from "../accounts/queries.ts";
import { type JobHandler, newMessage } from "../infra/queue.ts";
import { ORDERS_QUEUE } from "../outbox/outbox.ts";
import { createTestContext, eventually, type TestContext, uniqueId } from "../../tests/harness.ts";
import { startConsumers, stopConsumers, workerDeps } from "../../worker/handlers/index.ts";
import { ordersHandler } from "../../worker/handlers/orders.ts";
import { createMailer } from "./mailer.ts";

/** Notifications mailed through SMTP: to a local sink that accepts, refuses or stays silent. */

interface Received {
  /** user and password of AUTH PLAIN, when the client signed in. */
  auth?: [string, string];
  from: string;
  to: string[];
  headers: Record<string, string>;
  text: string;
}

interface Sink {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

/** Undoes the transfer encoding nodemailer chose for the text part. */
function decodeBody(body: string, encoding = "7bit") {
  if (encoding.toLowerCase() === "base64") {
    return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  }
  if (encoding.toLowerCase() === "quoted-printable") {
    const bytes = body.replace(/=\r\n/g, "").replace(
      /=([0-9A-F]{2})/gi,
      (_, hex: string) => String.fromCharCode(parseInt(hex, 16)),
    );
    return Buffer.from(bytes, "latin1").toString("utf8");
  }
  return body;
}

function parseMessage(data: string): Pick<Received, "headers" | "text"> {
  const unstuffed = data.replace(/^\.\./gm, ".");
  const split = unstuffed.indexOf("\r\n\r\n");
  const headers: Record<string, string> = {};
  for (const line of unstuffed.slice(0, split).replace(/\r\n[ \t]+/g, " ").split("\r\n")) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const text = decodeBody(unstuffed.slice(split + 4), headers["content-transfer-encoding"]);
  return { headers, text };
}

/**
 * A minimal SMTP server: greets, takes the envelope and the data, keeps what it got.
 * `silent` accepts connections and never says a word.
 */
async function startSmtpSink(mode: "accept" | "silent" = "accept"): Promise<Sink> {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    if (mode === "silent") return;
    socket.setEncoding("utf8");
    const reply = (line: string) => socket.write(`${line}\r\n`);
    let buffer = "";
    let inData = false;
    let auth: [string, string] | undefined;
    let envelope = { from: "", to: [] as string[] };
    reply("220 sink.test ESMTP");
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      while (true) {
        if (inData) {
          const end = buffer.indexOf("\r\n.\r\n");
          if (end < 0) return;
          received.push({ auth, ...envelope, ...parseMessage(buffer.slice(0, end)) });
          buffer = buffer.slice(end + 5);
          inData = false;
          envelope = { from: "", to: [] };
          reply("250 2.0.0 queued");
          continue;
        }
        const newline = buffer.indexOf("\r\n");
        if (newline < 0) return;
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        const address = /<([^>]*)>/.exec(line)?.[1] ?? "";
        switch (line.slice(0, 4).toUpperCase()) {
          case "EHLO":
            reply("250-sink.test");
            reply("250-AUTH PLAIN");
            reply("250 8BITMIME");
            break;
          case "AUTH": {
            const [, user, password] = Buffer.from(line.split(" ")[2] ?? "", "base64")
              .toString("utf8").split("\0");
            auth = [user, password];
            reply("235 2.7.0 accepted");
            break;
          }
          case "HELO":
            reply("250 sink.test");
            break;
          case "MAIL":
            envelope.from = address;
            reply("250 2.1.0 OK");
            break;
          case "RCPT":
            envelope.to.push(address);
            reply("250 2.1.5 OK");
            break;
          case "DATA":
            inData = true;
            reply("354 go ahead");
            break;
          case "QUIT":
            reply("221 2.0.0 bye");
            socket.end();
            return;
          case "RSET":
          case "NOOP":
            reply("250 OK");
            break;
          default:
            reply("502 5.5.2 not implemented");
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A port nothing listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const FROM = "Crumb Test <orders@crumb.test>";

describe("mailer", () => {
  let sink: Sink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink?.close();
  });

  it("is off without SMTP_URL", () => {
    expect(createMailer(undefined, FROM)).toBeNull();
  });

  it("sends a mail through SMTP", async () => {
    const mailer = createMailer(sink.url, FROM)!;
    const before = sink.received.length;
    await mailer.send({
      to: "eve@example.test",
      subject: "Hello",
      text: "Two × croissant, 4,20 €",
    });
    mailer.close();
    const [mail] = sink.received.slice(before);
    expect(mail.from).toBe("orders@crumb.test");
    expect(mail.to).toEqual(["eve@example.test"]);
    expect(mail.headers.subject).toBe("Hello");
    expect(mail.headers.from).toBe(FROM);
    expect(mail.text.trim()).toBe("Two × croissant, 4,20 €");
    expect(mail.auth).toBeUndefined();
  });

  it("signs in with the URL's credentials", async () => {
    const url = new URL(sink.url);
    url.username = "shop";
    url.password = encodeURIComponent("p@ss:word/1");
    const mailer = createMailer(url.toString(), FROM)!;
    const before = sink.received.length;
    await mailer.send({ to: "eve@example.test", subject: "Signed in", text: "." });
    mailer.close();
    expect(sink.received.slice(before).map((m) => m.auth)).toEqual([["shop", "p@ss:word/1"]]);
  });

  it("gives up on an SMTP server that never answers", async () => {
    const silent = await startSmtpSink("silent");
    try {
      const mailer = createMailer(silent.url, FROM, { timeoutMs: 200 })!;
      const started = Date.now();
      await expect(mailer.send({ to: "eve@example.test", subject: "Hi", text: "." })).rejects
        .toThrow(/timeout/i);
      expect(Date.now() - started).toBeLessThan(3000);
      // A timeout in the URL wins over the default.
      const configured = createMailer(`${silent.url}?greetingTimeout=200`, FROM)!;
      const again = Date.now();
      await expect(configured.send({ to: "eve@example.test", subject: "Hi", text: "." })).rejects
        .toThrow(/greeting never received/i);
      expect(Date.now() - again).toBeLessThan(3000);
    } finally {
      await silent.close();
    }
  });
});

describe("notifications by mail", () => {
  let sink: Sink;
  let t: TestContext;
  let customer: { id: number; email: string };
  let productId: number;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await createTestContext({ seed: true, config: { SMTP_URL: sink.url } });
    const email = `mail-${uniqueId()}@example.test`;
    const user = await insertUser(t.sql, { email, name: "Mo Mail", passwordHash: "not-a-hash" });
    customer = { id: user!.id, email };
    [{ id: productId }] = await t.sql<{ id: number }[]>`
      select id from products where active and stock >= 20 order by id limit 1`;
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  const place = async () =>
    (await t.services.orders.place({
      userId: customer.id,
      items: [{ productId, quantity: 1 }],
    })).order;

  const noteOf = (orderId: number) =>
    t.sql<{ messageId: string; status: string; error: string | null; sentAt: Date | null }[]>`
      select message_id, status, error, sent_at from notifications where order_id = ${orderId}`;

  /** The orders consumer, noting each delivery's attempt per message id. */
  const counted =
    (handler: JobHandler, attempts: Map<string, number[]>): JobHandler =>
    async (message, attempt) => {
      attempts.set(message.id, [...attempts.get(message.id) ?? [], attempt]);
      await handler(message, attempt);
    };

  it("mails the confirmation to the customer and marks it sent", async () => {
    const consumers = await startConsumers(
      workerDeps(t.deps.config, { sql: t.sql, queue: t.queue, log: t.deps.log }),
    );
    try {
      const before = sink.received.length;
      const order = await place();
      const [note] = (await eventually(async () => {
        const rows = await noteOf(order.id);
        return rows[0]?.status === "sent" ? rows : null;
      }))!;
      expect(note.error).toBeNull();
      expect(note.sentAt).toBeInstanceOf(Date);
      const mails = sink.received.slice(before);
      expect(mails).toHaveLength(1);
      expect(mails[0].to).toEqual([customer.email]);
      expect(mails[0].headers.to).toBe(customer.email);
      expect(mails[0].headers.subject).toBe(`Your order ${order.code} is confirmed`);
      expect(mails[0].text).toContain(`Total: ${t.services.format.money(order.totalCents)}`);
    } finally {
      await stopConsumers(consumers);
    }
  });

  it("marks the notification failed when SMTP refuses, and still acks the job", async () => {
    const refused = workerDeps(
      { ...t.deps.config, smtpUrl: `smtp://127.0.0.1:${await closedPort()}` },
      { sql: t.sql, queue: t.queue, log: t.deps.log },
    );
    const attempts = new Map<string, number[]>();
    const consumer = await t.queue.consume(ORDERS_QUEUE, counted(ordersHandler(refused), attempts));
    try {
      const first = await place();
      const [note] = (await eventually(async () => {
        const rows = await noteOf(first.id);
        return rows[0]?.status === "failed" ? rows : null;
      }))!;
      expect(note.error).toMatch(/ECONNREFUSED/);
      expect(note.sentAt).toBeNull();
      // The next order goes through the same consumer: the first was not sent round again.
      const second = await place();
      const [next] = (await eventually(async () => {
        const rows = await noteOf(second.id);
        return rows[0]?.status === "failed" ? rows : null;
      }))!;
      expect(attempts.get(note.messageId)).toEqual([1]);
      expect(attempts.get(next.messageId)).toEqual([1]);

      // Called directly, the handler resolves: that is what acks the message. (A change
      // whose own event has not been published: this message is the one announcing it.)
      await t.sql`update orders set status = 'ready' where id = ${first.id}`;
      await t.sql`
        insert into order_status_history (order_id, from_status, to_status)
        values (${first.id}, 'placed', 'ready')`;
      const ready = newMessage("order.status_changed", { orderId: first.id });
      await expect(ordersHandler(refused)(ready, 1)).resolves.toBeUndefined();
      const [failed] = await t.sql<{ status: string; error: string }[]>`
        select status, error from notifications where message_id = ${ready.id}`;
      expect(failed.status).toBe("failed");
      expect(failed.error).toMatch(/ECONNREFUSED/);
    } finally {
      await consumer.stop();
    }
    expect(await t.queue.takeDeadLetters(ORDERS_QUEUE, 10)).toEqual([]);
  });

  it("marks the notification failed when the SMTP server hangs, without holding the job", async () => {
    const silent = await startSmtpSink("silent");
    try {
      const deps = {
        ...workerDeps(t.deps.config, { sql: t.sql, queue: t.queue, log: t.deps.log }),
        mailer: createMailer(silent.url, FROM, { timeoutMs: 200 }),
      };
      const order = await place();
      const message = newMessage("order.placed", { orderId: order.id });
      await ordersHandler(deps)(message, 1);
      const [note] = await t.sql<{ status: string; error: string }[]>`
        select status, error from notifications where message_id = ${message.id}`;
      expect(note.status).toBe("failed");
      expect(note.error).toMatch(/timeout/i);
    } finally {
      await silent.close();
    }
  });
});
