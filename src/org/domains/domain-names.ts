import { domainToASCII } from 'node:url';
import { parse } from 'tldts';

/**
 * Domain names as Roster stores and compares them: lower-case ASCII, IDNs as
 * punycode (RFC 5891), no trailing dot, shaped like a registrable hostname
 * (RFC 1123 §2.1 labels, at least two of them, a TLD that is not all digits so
 * IP addresses are refused).
 */

const labelPattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
// ASCII outside letters, digits, '.' and '-'. Refused before the IDN conversion,
// which would otherwise turn `acme%2etest` into `acme.test`.
const forbiddenAscii = /[^a-z0-9.\-\u0080-\uffff]/;
const nonAscii = /[^\x00-\x7f]/;

function isHostname(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  if (labels.length < 2 || !labels.every((label) => labelPattern.test(label))) return false;
  return !/^\d+$/.test(labels[labels.length - 1]!);
}

/** A lower-cased name as a stored domain, or undefined when it is not a hostname. */
function asciiHostname(lowerCased: string): string | undefined {
  if (lowerCased.length > 1024 || forbiddenAscii.test(lowerCased)) return undefined;
  const ascii = nonAscii.test(lowerCased) ? domainToASCII(lowerCased) : lowerCased;
  return isHostname(ascii) ? ascii : undefined;
}

/** What an admin typed (`Acme.Test.`, `bücher.test`) as a stored domain, or undefined when it is not one. */
export function normaliseDomain(input: string): string | undefined {
  let name = input.trim().toLowerCase();
  if (name.endsWith('.')) name = name.slice(0, -1);
  return asciiHostname(name);
}

/**
 * The domain of an email address: what follows its last '@' (a quoted local part
 * may hold '@' too, RFC 5321 §4.1.2), lower-cased. Undefined when there is no
 * local part or the rest is not exactly a hostname: no trailing dot, nothing
 * after the name, so `x@acme.test.evil.test` is a different domain and junk
 * matches nothing.
 */
export function emailDomain(email: string): string | undefined {
  const address = email.trim();
  const at = address.lastIndexOf('@');
  if (at <= 0) return undefined;
  return asciiHostname(address.slice(at + 1).toLowerCase());
}

/**
 * Whether a stored domain is a public suffix: a name under which unrelated people get their own
 * names, from a registry (co.uk, com.au: the ICANN section of the Public Suffix List) or from a
 * company (github.io, herokuapp.com: its private section). Its DNS says nothing about who owns
 * the names below it, so it can be neither claimed nor matched. The list is the one bundled in
 * tldts (nothing is fetched). A TLD the list does not know falls under its default rule `*`: the
 * TLD alone is the suffix, so `acme.test` (RFC 6761 reserves `.test`, the list leaves it out) is
 * registrable, and only the bare TLD, which `isHostname` refuses already, is not.
 */
export function isPublicSuffix(domain: string): boolean {
  // No registrable part (eTLD+1) means the name is itself a suffix.
  return parse(domain, { allowPrivateDomains: true, extractHostname: false }).domain === null;
}
