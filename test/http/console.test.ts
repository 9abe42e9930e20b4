import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { defaultConsoleDir } from '../../src/http/console.js';
import { createLogger } from '../../src/log.js';
import { linkMailedTo } from '../support/auth.js';
import { db } from '../support/database.js';
import { unique } from '../support/factories.js';
import { testConfig } from '../support/scim.js';

const html = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

function appWithLog() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { app: createApp({ config: testConfig(), knex: db(), logger: createLogger('info', stream) }), lines };
}

describe('serving the console', () => {
  let app: ReturnType<typeof appWithLog>['app'];
  before(() => {
    app = appWithLog().app;
  });

  it('answers every console route with index.html, never cached, under a strict policy with a fresh nonce', async () => {
    const nonces = new Set<string>();
    for (const route of ['/', '/sign-in', '/join/roster_invite_abc', '/members']) {
      const response = await request(app).get(route).set('Accept', html).expect(200);
      assert.match(response.headers['content-type']!, /^text\/html/);
      assert.equal(response.headers['cache-control'], 'no-cache');
      const policy = response.headers['content-security-policy']!;
      assert.match(policy, /script-src 'self';/);
      assert.match(policy, /frame-ancestors 'none'/);
      assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval/);
      const nonce = /style-src 'self' 'nonce-([^']+)'/.exec(policy)?.[1];
      assert.ok(nonce, policy);
      assert.ok(response.text.includes(`nonce="${nonce}"`), 'the page carries the policy’s nonce');
      assert.doesNotMatch(response.text, /ROSTER_CSP_NONCE|<script>(?!<\/script>)|<script(?![^>]*\bsrc=)/);
      nonces.add(nonce);
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
      assert.equal(response.headers['referrer-policy'], 'same-origin');
    }
    assert.equal(nonces.size, 4);
  });

  it('serves the hashed assets with a year’s immutable cache', async () => {
    const assets = readdirSync(path.join(defaultConsoleDir, 'assets')).filter((name) => name.endsWith('.js'));
    assert.ok(assets.length > 0);
    const response = await request(app).get(`/assets/${assets[0]}`).expect(200);
    assert.match(response.headers['content-type']!, /javascript/);
    assert.match(response.headers['cache-control']!, /max-age=31536000/);
    assert.match(response.headers['cache-control']!, /immutable/);
    await request(app).get('/assets/index-missing.js').expect(404);
  });

  it('keeps the JavaScript a first visit downloads within 200 KB gzipped; other pages come as chunks when opened', () => {
    const index = readFileSync(path.join(defaultConsoleDir, 'index.html'), 'utf8');
    // What the browser fetches before the first page runs: the entry script and what it preloads.
    const first = [...index.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="\/assets\/([^"]+\.js)"/g)].map((match) => match[1]!);
    assert.ok(first.length > 0, index);
    const bytes = first.reduce((sum, name) => sum + gzipSync(readFileSync(path.join(defaultConsoleDir, 'assets', name))).length, 0);
    assert.ok(bytes <= 200 * 1024, `${first.join(', ')}: ${Math.round(bytes / 1024)} KB gzipped`);
    const later = readdirSync(path.join(defaultConsoleDir, 'assets')).filter((name) => name.endsWith('.js') && !first.includes(name));
    assert.ok(
      later.some((name) => name.startsWith('members-page-')),
      later.join(', '),
    );
  });

  it('leaves the server’s own paths and non-browser clients to the API’s JSON answers', async () => {
    for (const route of ['/api/v1/no-such-thing', '/auth/nothing', '/sso', '/scim/v2/nothing']) {
      const response = await request(app).get(route).set('Accept', html);
      assert.match(response.headers['content-type']!, /json/, route);
    }
    const api = await request(app).get('/somewhere').set('Accept', 'application/json').expect(404);
    assert.equal(api.body.error.code, 'route_not_found');
    await request(app).post('/').set('Accept', html).expect(404);
  });

  it('keeps the token of a join link out of the access log', async () => {
    const logged = appWithLog();
    await request(logged.app).get('/join/roster_invite_secret123').set('Accept', html).expect(200);
    assert.ok(logged.lines.length > 0);
    assert.ok(logged.lines.every((line) => !line.includes('roster_invite_secret123')));
    assert.ok(logged.lines.some((line) => line.includes('/join/[token]')));
  });

  it('keeps the email-link confirmation page working under its own policy', async () => {
    const email = `${unique('someone')}@example.test`;
    await request(app).post('/auth/email').send({ email }).expect(202);
    const link = new URL((await linkMailedTo(email)).url);
    const response = await request(app)
      .get(link.pathname + link.search)
      .set('Accept', html)
      .expect(200);
    assert.match(response.headers['content-security-policy']!, /form-action 'self'/);
    assert.match(response.headers['content-security-policy']!, /frame-ancestors 'none'/);
    // Under `no-referrer` a browser posts the form with `Origin: null`, and the cross-site check refuses it.
    assert.equal(response.headers['referrer-policy'], 'same-origin');
  });
});
