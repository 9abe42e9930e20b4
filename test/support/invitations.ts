import { db } from './database.js';

function invitationMails(email: string) {
  return db()('mail_outbox').whereRaw('lower(to_address) = lower(?)', [email]).where('text_body', 'like', '%/join/roster_invite_%');
}

/** The join link in the newest invitation mail to `email`, as the invitee would open it. */
export async function invitationMailedTo(email: string): Promise<{ url: string; token: string; text: string }> {
  const mail = await invitationMails(email).orderBy('created_at', 'desc').orderBy('id', 'desc').first();
  if (!mail) throw new Error(`no mail to ${email}`);
  const text = mail.text_body as string;
  const url = /https?:\/\/\S+\/join\/\S+/.exec(text)?.[0];
  if (!url) throw new Error(`no join link in the mail to ${email}`);
  return { url, token: decodeURIComponent(new URL(url).pathname.slice('/join/'.length)), text };
}

/** How many invitation mails went to `email`. */
export async function mailsTo(email: string): Promise<number> {
  const row = (await invitationMails(email).count({ count: '*' }).first()) as { count: string | number };
  return Number(row.count);
}

/** Moves the invitation's expiry into the past, as if 7 days had gone by. */
export async function expireInvitation(id: string): Promise<void> {
  await db()('invitations')
    .where({ id })
    .update({ expires_at: db().raw("now() - interval '1 minute'") });
}
