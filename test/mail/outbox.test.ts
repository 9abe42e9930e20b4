import assert from 'node:assert/strict';
import { SMTPServer } from 'smtp-server';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { deliverDueMail, logTransport, queueMail, retryDelaySeconds, smtpTransport, type MailTransport, type OutgoingMail } from '../../src/mail/outbox.js';
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
  await db()('mail_outbox').where({ to_address: to }).update({ next_attempt_at: db().raw("now() - interval '1 second'") });
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

  it('writes mail to the log without SMTP, leaving out the secret part of links', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
    await logTransport(logger).send({ to: 'ada@example.test', subject: 'Sign in', text: 'Use https://roster.example.test/auth/email/verify?token=roster_link_secret now' });
    const text = lines.join('');
    assert.match(text, /ada@example\.test/);
    assert.match(text, /verify\?\[redacted\]/);
    assert.ok(!text.includes('roster_link_secret'));
  });
});
