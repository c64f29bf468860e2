import { notFound } from "next/navigation";
import { outboxFile, readOutbox } from "@/lib/dev-mailer";

// The dev mailer's outbox (lib/dev-mailer.ts): the mails the auth server sent, newest first,
// with their links. Only when the dev mailer is on (`next dev`, or DEV_MAILBOX set); a 404
// otherwise.

export const dynamic = "force-dynamic";

export default async function DevMailPage() {
  if (!outboxFile()) notFound();
  const mails = await readOutbox();
  return (
    <div className="outbox">
      <h1>Dev outbox</h1>
      <p className="muted">Mails captured by the dev mailer (lib/dev-mailer.ts), newest first. Reload for new ones.</p>
      {mails.length === 0 && <p>No mail yet.</p>}
      {mails.map((m, i) => (
        <article key={i} data-to={m.to} className="mail">
          <p>
            <strong>{m.subject}</strong> → {m.to} <span className="muted">{m.sentAt}</span>
          </p>
          <p className="body">{m.text}</p>
          {m.url && <a href={m.url}>Open the link</a>}
        </article>
      ))}
    </div>
  );
}
