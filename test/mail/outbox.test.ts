import assert from 'node:assert/strict';
import { SMTPServer } from 'smtp-server';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import {
  deleteOldMail,
  deliverDueMail,
  latestMail,
  localOutboxTransport,
  mailRetentionDays,
  mailTransportFor,
  queueMail,
  retryDelaySeconds,
  smtpTransport,
  type MailTransport,
  type OutgoingMail,
} from '../../src/mail/outbox.js';
import { db } from '../support/database.js';
import { tx, unique } from '../support/factories.js';

const quiet = pino({ level: 'silent' });

/** A real SMTP server on loopback that keeps what it receives. */
async function startSmtpServer(): Promise<{ url: string; received: string[]; close(): Promise<void> }> {
  const received: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, done) {
      let data = '';
      stream.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
      stream.on('end', () => {
        received.push(data);
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function mailTo(to: string) {
  return db()('mail_outbox').where({ to_address: to }).first();
}

/** Makes the message due now, as if its retry time had come. */
async function makeDue(to: string): Promise<void> {
  await db()('mail_outbox')
    .where({ to_address: to })
    .update({ next_attempt_at: db().raw("now() - interval '1 second'") });
}

describe('mail outbox', () => {
  it('sends nothing for a change that rolled back', async () => {
    const to = `${unique('rollback')}@example.test`;
    await assert.rejects(
      tx(async (t) => {
        await queueMail(t, { to, subject: 'Hello', text: 'body' });
        throw new Error('the change failed');
      }),
    );
    assert.equal(await mailTo(to), undefined);
  });

  it('keeps a message whose delivery failed and retries it later with backoff, until it goes out over SMTP', async () => {
    const to = `${unique('retry')}@example.test`;
    await tx((t) => queueMail(t, { to, subject: 'Your Roster sign-in link', text: 'Sign in: https://roster.example.test/auth/email/verify?token=secret-1' }));
    const refusing: MailTransport = {
      send: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:1');
      },
      close: () => {},
    };
    // Other tests' mail may be due too; only this message is looked at.
    await deliverDueMail(db(), { ...refusing, send: async (mail: OutgoingMail) => (mail.to === to ? refusing.send(mail) : undefined) }, quiet, 1000);
    const failed = await mailTo(to);
    assert.equal(failed.sent_at, null);
    assert.equal(failed.attempts, 1);
    assert.match(failed.last_error, /ECONNREFUSED/);
    assert.ok(new Date(failed.next_attempt_at).getTime() > Date.now() + 20_000, 'the next attempt waits');

    const smtp = await startSmtpServer();
    try {
      await makeDue(to);
      const transport = smtpTransport(smtp.url, 'Roster <no-reply@roster.example.test>');
      await deliverDueMail(db(), { send: (mail) => (mail.to === to ? transport.send(mail) : Promise.resolve()), close: () => transport.close() }, quiet, 1000);
      transport.close();
      const sent = await mailTo(to);
      assert.ok(sent.sent_at, 'delivered');
      assert.equal(sent.attempts, 2);
      const message = smtp.received.find((data) => data.includes(to));
      assert.ok(message, 'the SMTP server received it');
      assert.match(message!, /Subject: Your Roster sign-in link/);
      assert.match(message!, /token=secret-1/);
    } finally {
      await smtp.close();
    }
  });

  it('waits 30 s after the first failure, doubling up to an hour', () => {
    assert.deepEqual([1, 2, 3, 8, 20].map(retryDelaySeconds), [30, 60, 120, 3600, 3600]);
  });

  it('keeps mail in the local outbox without SMTP: delivered there, readable with its links, never in the log', async () => {
    const to = `${unique('outbox')}@example.test`;
    const link = 'https://roster.example.test/auth/email/verify?token=roster_link_secret';
    await tx((t) => queueMail(t, { to, subject: 'Your Roster sign-in link', text: `Sign in: ${link}\nIt works once.` }));
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
    const local = localOutboxTransport(logger);
    await deliverDueMail(db(), { send: (mail) => (mail.to === to ? local.send(mail) : Promise.resolve()), close: () => {} }, logger, 1000);

    assert.ok((await mailTo(to)).sent_at, 'delivered to the outbox: configuring SMTP later does not send it again');
    const [message, ...others] = await tx((t) => latestMail(t, { to: to.toUpperCase(), limit: 10 }));
    assert.equal(others.length, 0);
    assert.equal(message!.subject, 'Your Roster sign-in link');
    assert.deepEqual(message!.links, [link]);
    const logged = lines.join('');
    assert.match(logged, /local outbox/);
    assert.ok(!logged.includes('roster_link_secret') && !logged.includes(to), 'neither the link nor the address is logged');
  });

  it('lists the newest messages first, as many as asked', async () => {
    const to = `${unique('newest')}@example.test`;
    for (const n of [1, 2, 3]) await tx((t) => queueMail(t, { to, subject: `Message ${n}`, text: `number ${n}` }));
    const latest = await tx((t) => latestMail(t, { to, limit: 2 }));
    assert.deepEqual(
      latest.map((mail) => [mail.subject, mail.links]),
      [
        ['Message 3', []],
        ['Message 2', []],
      ],
    );
  });

  it('forgets messages older than the retention, sent or not, and keeps newer ones', async () => {
    const [old, recent] = [`${unique('old')}@example.test`, `${unique('recent')}@example.test`];
    await tx((t) => queueMail(t, { to: old, subject: 'Old', text: 'old' }));
    await tx((t) => queueMail(t, { to: recent, subject: 'Recent', text: 'recent' }));
    await db()('mail_outbox')
      .where({ to_address: old })
      .update({ created_at: db().raw(`now() - make_interval(days => ${mailRetentionDays}, secs => 1)`) });
    await deleteOldMail(db());
    assert.equal(await mailTo(old), undefined);
    assert.ok(await mailTo(recent));
  });

  it('warns at start-up on PostgreSQL without SMTP_URL, and not on the embedded database', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
    mailTransportFor({ smtpUrl: undefined, mailFrom: 'Roster <no-reply@localhost>' }, 'embedded', logger);
    assert.equal(lines.length, 0);
    mailTransportFor({ smtpUrl: undefined, mailFrom: 'Roster <no-reply@localhost>' }, 'postgres', logger);
    assert.match(lines.join(''), /SMTP_URL is not set: mail is not sent/);
  });
});
