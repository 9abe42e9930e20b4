import type { Knex } from 'knex';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Tx } from '../db/transaction.js';
import { insertMail, leaseDueMail, markMailFailed, markMailSent, type OutgoingMail, type QueuedMail } from './outbox.repo.js';

export type { OutgoingMail } from './outbox.repo.js';

/**
 * Roster's mail goes through an outbox: `queueMail` writes the message in the
 * caller's transaction (so a rolled-back change sends nothing), and the
 * delivery loop sends it afterwards, retrying with backoff until it goes out.
 */
export async function queueMail(tx: Tx, mail: OutgoingMail): Promise<void> {
  await insertMail(tx, mail);
}

/** Where delivered mail goes: an SMTP server, or the log when none is configured. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

export function smtpTransport(smtpUrl: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      await transporter.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
    },
    close: () => transporter.close(),
  };
}

/**
 * Without SMTP_URL, a message is written to the log instead of sent, with the
 * secret part of every link (its query string) left out: logs never hold a
 * sign-in token. `roster login-link` lets an operator in without mail.
 */
export function logTransport(logger: Logger): MailTransport {
  return {
    async send(mail) {
      logger.info({ mail: { to: mail.to, subject: mail.subject, text: withoutLinkSecrets(mail.text) } }, 'mail not sent: SMTP_URL is not set');
    },
    close: () => {},
  };
}

export function withoutLinkSecrets(text: string): string {
  return text.replace(/(https?:\/\/[^\s?#]+)\?[^\s#]*/g, '$1?[redacted]');
}

const leaseSeconds = 120;

/** Seconds until the next attempt after `attempts` failed ones: 30 s doubling, at most an hour. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(3600, 30 * 2 ** Math.max(0, attempts - 1));
}

/** Sends what is due once; answers how many went out and how many failed. */
export async function deliverDueMail(db: Knex, transport: MailTransport, logger: Logger, limit = 20): Promise<{ sent: number; failed: number }> {
  const due: QueuedMail[] = await db.transaction((tx) => leaseDueMail(tx, limit, leaseSeconds));
  let sent = 0;
  let failed = 0;
  for (const mail of due) {
    try {
      await transport.send(mail);
      await db.transaction((tx) => markMailSent(tx, mail.id));
      sent++;
    } catch (error) {
      failed++;
      const reason = error instanceof Error ? error.message : String(error);
      await db.transaction((tx) => markMailFailed(tx, mail.id, reason, retryDelaySeconds(mail.attempts)));
      logger.warn({ mailId: mail.id, attempts: mail.attempts, err: reason }, 'mail delivery failed; will retry');
    }
  }
  return { sent, failed };
}

/** Runs delivery every `intervalMs` until stopped; `stop` waits for a round in progress. */
export function startMailDelivery(db: Knex, transport: MailTransport, logger: Logger, intervalMs = 2000): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    running = running.then(() =>
      stopped ? undefined : deliverDueMail(db, transport, logger).catch((error: unknown) => logger.error({ err: error }, 'mail delivery round failed')),
    );
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      transport.close();
    },
  };
}
