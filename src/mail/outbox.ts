import type { Knex } from 'knex';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Tx } from '../db/transaction.js';
import { inTransaction } from '../db/transaction.js';
import {
  deleteMailOlderThan,
  insertMail,
  leaseDueMail,
  markMailFailed,
  markMailSent,
  selectLatestMail,
  type OutgoingMail,
  type QueuedMail,
  type StoredMail,
} from './outbox.repo.js';

export type { OutgoingMail, StoredMail } from './outbox.repo.js';

/**
 * Roster's mail goes through an outbox: `queueMail` writes the message in the
 * caller's transaction (so a rolled-back change sends nothing), and the
 * delivery loop sends it afterwards, retrying with backoff until it goes out.
 */
export async function queueMail(tx: Tx, mail: OutgoingMail): Promise<void> {
  await insertMail(tx, mail);
}

/** Where delivered mail goes: an SMTP server, or the local outbox when none is configured. */
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
 * Without SMTP_URL, a message is delivered to the local outbox: it stays in
 * `mail_outbox`, marked as delivered (so configuring SMTP later does not send
 * old links), and `roster outbox` prints it. Nothing of it is logged but the
 * subject: logs never hold a sign-in token.
 */
export function localOutboxTransport(logger: Logger): MailTransport {
  return {
    async send(mail) {
      logger.info({ mail: { subject: mail.subject } }, 'mail kept in the local outbox (SMTP_URL is not set): read it with `roster outbox`');
    },
    close: () => {},
  };
}

/**
 * SMTP when configured, else the local outbox. On PostgreSQL (a deployment,
 * not a trial) a missing SMTP_URL is worth a warning: nobody gets Roster's mail.
 */
export function mailTransportFor(
  config: { smtpUrl: string | undefined; mailFrom: string },
  databaseKind: 'postgres' | 'embedded',
  logger: Logger,
): MailTransport {
  if (config.smtpUrl) return smtpTransport(config.smtpUrl, config.mailFrom);
  if (databaseKind === 'postgres') logger.warn('SMTP_URL is not set: mail is not sent, only kept in the local outbox (`roster outbox`)');
  return localOutboxTransport(logger);
}

/** How long messages are kept, sent or not: as long as the longest-lived link they carry (an invitation's 7 days). */
export const mailRetentionDays = 7;

/** The newest messages first, each with the links in its text (what a person would click). */
export async function latestMail(tx: Tx, filter: { to?: string | undefined; limit: number }): Promise<Array<StoredMail & { links: string[] }>> {
  const messages = await selectLatestMail(tx, filter);
  return messages.map((mail) => ({ ...mail, links: mail.text.match(/https?:\/\/[^\s<>"]+/g) ?? [] }));
}

/** Housekeeping: drops messages past `mailRetentionDays`, so the outbox stays bounded. */
export async function deleteOldMail(db: Knex): Promise<number> {
  return inTransaction(db, (tx) => deleteMailOlderThan(tx, mailRetentionDays));
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
