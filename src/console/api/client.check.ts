import type { RosterClient, Schema } from './client';

/*
 * Compiled by `npm run build`, never run: a few of the calls the console makes,
 * written against the generated types. If the document stops describing them
 * (a path, a parameter or a field renamed, a type changed), this file stops
 * compiling; the `@ts-expect-error` lines prove the types are strict enough to
 * notice (a type that let anything through would make them fail instead).
 */

export async function signedInAs(client: RosterClient): Promise<string | null> {
  const { data } = await client.GET('/auth/session');
  return data ? data.account.email : null;
}

export async function adminEmails(client: RosterClient): Promise<string[]> {
  const { data, error } = await client.GET('/api/v1/members', { params: { query: { role: 'admin', limit: 50 } } });
  if (error) throw new Error(`${error.error.code}: ${error.error.message}`);
  const members: Schema<'MemberSummary'>[] = data.members;
  return members.map((member) => member.userName);
}

export async function makeBilling(client: RosterClient, id: string): Promise<Schema<'Member'> | undefined> {
  const { data } = await client.PATCH('/api/v1/members/{id}/role', { params: { path: { id } }, body: { role: 'billing' } });
  return data;
}

export async function invite(client: RosterClient, email: string): Promise<number> {
  const { data } = await client.POST('/api/v1/invitations', { body: { emails: [email], role: 'member', seats: [] } });
  return data?.invitations.length ?? 0;
}

export async function strictness(client: RosterClient, id: string): Promise<void> {
  // @ts-expect-error: not an Organization role
  await client.PATCH('/api/v1/members/{id}/role', { params: { path: { id } }, body: { role: 'owner' } });
  // @ts-expect-error: no such path
  await client.GET('/api/v1/no-such-thing');
  // @ts-expect-error: the path parameter is required
  await client.GET('/api/v1/members/{id}');
  const { data } = await client.POST('/auth/email', { body: { email: 'someone@example.test' } });
  // @ts-expect-error: the answer has no such field
  void data?.token;
}
