import nodemailer from "nodemailer";

export interface Mail {
  to: string;
  subject: string;
  text: string;
  /**
   * The same for every attempt at one notification: a mail sent again after a crash carries
   * the Message-ID of the first, so the receiving side can tell it is the same message.
   */
  messageId?: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
}

/**
 * How long one mail may wait on the SMTP server. nodemailer's own defaults (2 minutes to
 * connect, 10 minutes of silence) would hold a job, unacked, far longer than a mail is
 * worth. The URL's query string can still set `connectionTimeout`, `greetingTimeout` and
 * `socketTimeout` itself.
 */
export const SMTP_TIMEOUT_MS = 15_000;

/** Email through SMTP (nodemailer) when SMTP_URL is set; without it notifications are only recorded. */
export function createMailer(
  smtpUrl: string | undefined,
  from: string,
  { timeoutMs = SMTP_TIMEOUT_MS }: { timeoutMs?: number } = {},
): Mailer | null {
  if (!smtpUrl) return null;
  // nodemailer ignores other options next to a URL: the defaults go into its query string.
  const url = new URL(smtpUrl);
  for (const option of ["connectionTimeout", "greetingTimeout", "socketTimeout"]) {
    if (!url.searchParams.has(option)) url.searchParams.set(option, String(timeoutMs));
  }
  const transport = nodemailer.createTransport(url.toString());
  return {
    async send(mail) {
      await transport.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: mail.messageId,
      });
    },
    close: () => transport.close(),
  };
}

/**
 * A transport that keeps what it is given instead of mailing it (tests, and checks of the
 * notification path). Like a mail store, it keeps one copy per Message-ID.
 */
export function createRecordingMailer() {
  const sent: (Mail & { from: string })[] = [];
  const mailer: Mailer & { sent: typeof sent } = {
    sent,
    send(mail) {
      if (!mail.messageId || !sent.some((m) => m.messageId === mail.messageId)) {
        sent.push({ ...mail, from: "recorded" });
      }
      return Promise.resolve();
    },
    close: () => {},
  };
  return mailer;
}
