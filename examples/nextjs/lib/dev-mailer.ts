import fs from "node:fs";
import path from "node:path";

// The example's dev mailer: no mail provider is configured, so every mail the auth server sends
// (the magic links) is appended to an outbox file, one JSON object a line, and printed on the
// console; /dev/mail (app/dev/mail/page.tsx) lists it. Replace sendMail with your provider
// (Resend, SES, nodemailer...) in a real app.
//
// The outbox is on in development (`next dev`: .dev-mail/outbox.jsonl) and, for tests and
// demos of a production build, when DEV_MAILBOX=/path/to/outbox.jsonl is set. Otherwise (a
// production server without a provider) sendMail throws, so no link is ever silently lost.
// (`turbopackIgnore`: the outbox path is only known at run time; Next must not trace the project
// for it.)

export type Mail = { to: string; subject: string; text: string; url?: string; sentAt: string };

/** The outbox file, or null when the dev mailer is off (production without DEV_MAILBOX). */
export function outboxFile(): string | null {
  if (process.env.DEV_MAILBOX) return process.env.DEV_MAILBOX;
  if (process.env.NODE_ENV === "development") return path.join(process.cwd(), ".dev-mail", "outbox.jsonl");
  return null;
}

export async function sendMail(mail: Omit<Mail, "sentAt">): Promise<void> {
  const file = outboxFile();
  if (!file) throw new Error("No mail provider configured: plug yours into lib/dev-mailer.ts (or set DEV_MAILBOX)");
  await fs.promises.mkdir(/* turbopackIgnore: true */ path.dirname(file), { recursive: true });
  await fs.promises.appendFile(/* turbopackIgnore: true */ file, JSON.stringify({ ...mail, sentAt: new Date().toISOString() }) + "\n");
  console.log(`[dev mailer] to ${mail.to}: ${mail.subject}${mail.url ? ` ${mail.url}` : ""}`);
}

/** The captured mails, newest first (empty when the outbox is off or has none yet). */
export async function readOutbox(): Promise<Mail[]> {
  const file = outboxFile();
  if (!file) return [];
  let text: string;
  try {
    text = await fs.promises.readFile(/* turbopackIgnore: true */ file, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Mail)
    .reverse();
}
