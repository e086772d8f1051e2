import nodemailer from "nodemailer";

export interface Mail {
  to: string;
  subject: string;
  text: string;
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
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
    },
    close: () => transport.close(),
  };
}
