import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type Request, type Response } from 'express';

/** Where `npm run build` puts the console (Vite's outDir): dist/console, beside dist/src. */
export const defaultConsoleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../console');

/** Paths that belong to the server's own adapters: never answered with the console's page. */
const serverPaths = /^\/(api|auth|sso|scim|healthz|readyz)(\/|$)/;

/** Vite writes this placeholder where a page's nonce goes (src/console/vite.config.ts). */
const noncePlaceholder = /ROSTER_CSP_NONCE/g;

/**
 * The console's Content-Security-Policy: its own scripts and styles only, no inline script
 * at all, style elements only with this page's nonce, nothing framed or framing.
 */
function consolePolicy(nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function setPageHeaders(res: Response): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  // A join link carries its token in the path: no other site may learn it from a Referer. Not
  // `no-referrer`: under it browsers send `Origin: null` on POSTs, which Roster's cross-site check
  // refuses; `same-origin` sends the Referer and Origin to Roster alone.
  res.setHeader('Referrer-Policy', 'same-origin');
}

/** A browser navigating: it asks for HTML by name (API clients and `*` alone do not get the page). */
function wantsPage(req: Request): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && !serverPaths.test(req.path) && /\btext\/html\b/.test(req.headers.accept ?? '');
}

/**
 * The browser console, served by Roster on its own origin: hashed assets with a year's
 * immutable cache (a new build has new names), and `index.html` for every console route
 * (`/`, `/sign-in`, `/join/…`, …), never cached, with a fresh CSP nonce. Mounted after the
 * adapters and before the 404, so server paths are never shadowed.
 */
export function consoleRoutes(consoleDir: string = defaultConsoleDir): Router {
  const router = Router();
  router.use(
    '/assets',
    express.static(path.join(consoleDir, 'assets'), {
      index: false,
      immutable: true,
      maxAge: '365d',
      setHeaders: (res) => res.setHeader('X-Content-Type-Options', 'nosniff'),
    }),
  );
  router.get('/favicon.svg', (_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.sendFile(path.join(consoleDir, 'favicon.svg'), { maxAge: '1d' }, (error) => error && next());
  });
  router.use((req, res, next) => {
    if (!wantsPage(req)) return next();
    // Read on every request (a few KB, in the OS's cache): a rebuild while Roster runs names new assets.
    readFile(path.join(consoleDir, 'index.html'), 'utf8').then(
      (html) => {
        const nonce = randomBytes(16).toString('base64');
        setPageHeaders(res);
        res
          .status(200)
          .type('html')
          .setHeader('Cache-Control', 'no-cache')
          .setHeader('Content-Security-Policy', consolePolicy(nonce))
          .send(html.replace(noncePlaceholder, nonce));
      },
      () => {
        setPageHeaders(res);
        res.status(503).type('text').send('Roster’s console is not built: run `npm run build`.\n');
      },
    );
  });
  return router;
}
