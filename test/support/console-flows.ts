import type { Page } from 'playwright-core';
import { inTransaction } from '../../src/db/transaction.js';
import { latestMail } from '../../src/mail/outbox.js';
import { createOperatorSignInLink } from '../../src/sso/sign-in.service.js';
import type { ConsolePage, RosterInBrowser } from './browser.js';
import { db } from './database.js';

/** The newest link in the local outbox's mail to `email` that contains `part`, as `roster outbox` shows it. */
export async function linkFromOutbox(email: string, part: string): Promise<string> {
  const [mail] = await inTransaction(db(), (tx) => latestMail(tx, { to: email, limit: 1 }));
  const link = mail?.links.find((candidate) => candidate.includes(part));
  if (!link) throw new Error(`no ${part} link in the newest mail to ${email}`);
  return link;
}

/** What a person does in the browser with the sign-in mail: opens the link, presses the button. */
export async function followMailedSignIn(page: Page, email: string): Promise<void> {
  await page.goto(await linkFromOutbox(email, '/auth/email/verify'));
  await page.getByRole('button', { name: 'Sign in to Roster' }).click();
}

/** Signs a browser in as `email` through the sign-in page and the mailed link. */
export async function signInInBrowser(page: Page, email: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Check your mail' }).waitFor();
  await followMailedSignIn(page, email);
}

/** An API session token for an existing member (the operator's link, as `roster login-link` makes it), from Roster at `url`. */
export async function apiSession(
  url: string,
  organizationId: string,
  email: string,
): Promise<(path: string, init?: { method?: string; body?: unknown }) => Promise<{ status: number; body: any }>> {
  const link = await inTransaction(db(), (tx) => createOperatorSignInLink(tx, { organizationId, email, publicUrl: url }));
  const signedIn = (await (await fetch(link.url, { headers: { Accept: 'application/json' } })).json()) as { token: string };
  return async (path, init = {}) => {
    const response = await fetch(`${url}/api/v1${path}`, {
      method: init.method ?? 'GET',
      headers: { Authorization: `Bearer ${signedIn.token}`, 'Content-Type': 'application/json' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return { status: response.status, body: response.status === 204 ? null : await response.json() };
  };
}

/**
 * A fresh browser signed in as `email` in the Organization by its session cookie (from an
 * operator's sign-in link of that Roster, whose tokens name its own PUBLIC_URL), at `path`.
 */
export async function signedInWithCookie(
  roster: Pick<RosterInBrowser, 'url' | 'newPage'>,
  organizationId: string,
  email: string,
  path: string,
): Promise<ConsolePage> {
  const visit = await roster.newPage();
  const link = await inTransaction(db(), (tx) => createOperatorSignInLink(tx, { organizationId, email, publicUrl: roster.url }));
  const signIn = await fetch(link.url, { headers: { Accept: 'application/json' } });
  if (signIn.status !== 200) throw new Error(`the operator's sign-in link answered ${signIn.status}`);
  const { token } = (await signIn.json()) as { token: string };
  await visit.context.addCookies([{ name: 'roster_session', value: token, url: roster.url }]);
  await visit.page.goto(path);
  return visit;
}
