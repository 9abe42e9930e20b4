/**
 * Mail domains where anyone can get an address. No Organization may claim one
 * (or a name under one): owning the DNS of gmail.com says nothing about who the
 * people with @gmail.com addresses work for, so verifying it would hand strangers'
 * sign-ins to one tenant.
 */
const consumerDomains = new Set([
  // Google
  'gmail.com',
  'googlemail.com',
  // Microsoft
  'outlook.com',
  'hotmail.com',
  'hotmail.co.uk',
  'hotmail.fr',
  'live.com',
  'msn.com',
  // Yahoo and AOL
  'yahoo.com',
  'yahoo.co.uk',
  'yahoo.co.jp',
  'yahoo.fr',
  'ymail.com',
  'rocketmail.com',
  'aol.com',
  // Apple
  'icloud.com',
  'me.com',
  'mac.com',
  // Privacy-focused and independent providers
  'proton.me',
  'protonmail.com',
  'pm.me',
  'tutanota.com',
  'tuta.io',
  'fastmail.com',
  'hey.com',
  'zoho.com',
  'mail.com',
  // Europe
  'gmx.com',
  'gmx.net',
  'gmx.de',
  'web.de',
  't-online.de',
  'orange.fr',
  'free.fr',
  'yandex.ru',
  'yandex.com',
  'mail.ru',
  // Asia
  'qq.com',
  '163.com',
  '126.com',
  'naver.com',
  'rediffmail.com',
  // Internet service providers
  'comcast.net',
  'att.net',
]);

/** Whether `domain` (normalised: lower-case, no trailing dot) is a consumer mail domain or a name under one. */
export function isConsumerDomain(domain: string): boolean {
  const labels = domain.split('.');
  for (let start = 0; start < labels.length - 1; start++) {
    if (consumerDomains.has(labels.slice(start).join('.'))) return true;
  }
  return false;
}
