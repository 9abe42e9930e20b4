import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('has a default for everything but the database URL', () => {
    const config = loadConfig({});
    assert.equal(config.port, 8080);
    assert.equal(config.publicUrl, 'http://localhost:8080');
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.embeddedDbDir, path.resolve('data/pglite'));
    assert.equal(config.databasePoolMax, 10);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.shutdownTimeoutMs, 10_000);
  });

  it('bounds every wait on PostgreSQL by default, and reads each bound from its variable', () => {
    assert.deepEqual(loadConfig({}).databaseTimeouts, {
      connectMs: 2_000,
      acquireMs: 2_000,
      statementMs: 1_500,
      queryMs: 2_000,
      idleInTransactionMs: 5_000,
      keepAliveDelayMs: 10_000,
    });
    const tuned = loadConfig({
      DATABASE_CONNECT_TIMEOUT_MS: '500',
      DATABASE_ACQUIRE_TIMEOUT_MS: '700',
      DATABASE_STATEMENT_TIMEOUT_MS: '0',
      DATABASE_QUERY_TIMEOUT_MS: '0',
      DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '60000',
      DATABASE_KEEPALIVE_DELAY_MS: '0',
    }).databaseTimeouts;
    assert.deepEqual(tuned, { connectMs: 500, acquireMs: 700, statementMs: 0, queryMs: 0, idleInTransactionMs: 60_000, keepAliveDelayMs: 0 });
  });

  it('derives PUBLIC_URL from PORT and drops a trailing slash from a given one', () => {
    assert.equal(loadConfig({ PORT: '9000' }).publicUrl, 'http://localhost:9000');
    assert.equal(loadConfig({ PUBLIC_URL: 'https://id.example.com/' }).publicUrl, 'https://id.example.com');
  });

  it('listens on every interface unless HOST names one, and trusts no proxy unless TRUST_PROXY says so', () => {
    assert.equal(loadConfig({}).host, undefined);
    assert.equal(loadConfig({ HOST: '127.0.0.1' }).host, '127.0.0.1');
    assert.equal(loadConfig({ HOST: '[::1]' }).host, '::1');
    assert.equal(loadConfig({ HOST: 'localhost' }).host, 'localhost');
    assert.equal(loadConfig({}).trustProxy, false);
  });

  const trustProxyValues: Array<[string, unknown]> = [
    ['false', false],
    ['true', true],
    ['TRUE', true],
    ['1', 1],
    ['2', 2],
    ['loopback', ['loopback']],
    ['loopback, 10.0.0.0/8, 192.0.2.7, fd00::/8', ['loopback', '10.0.0.0/8', '192.0.2.7', 'fd00::/8']],
  ];
  for (const [value, expected] of trustProxyValues) {
    it(`reads TRUST_PROXY=${value} as express's trust proxy setting ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(loadConfig({ TRUST_PROXY: value }).trustProxy, expected);
    });
  }

  const badValues: Array<[string, string]> = [
    ['HOST', 'not a host'],
    ['HOST', 'http://example.com'],
    ['TRUST_PROXY', 'yes'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['TRUST_PROXY', 'loopback,,proxy.example.com'],
    ['TRUST_PROXY', '-1'],
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PUBLIC_URL', 'ftp://example.com'],
    ['PUBLIC_URL', 'https://example.com/?x=1'],
    ['DATABASE_URL', 'mysql://localhost/roster'],
    ['DATABASE_POOL_MAX', '0'],
    ['LOG_LEVEL', 'loud'],
    ['SHUTDOWN_TIMEOUT_MS', '-5'],
    // Connecting and waiting for a pooled connection must stay bounded: no 0 for "forever".
    ['DATABASE_CONNECT_TIMEOUT_MS', '0'],
    ['DATABASE_ACQUIRE_TIMEOUT_MS', '0'],
    ['DATABASE_QUERY_TIMEOUT_MS', 'soon'],
  ];
  for (const [variable, value] of badValues) {
    it(`stops on ${variable}=${value} with a message naming ${variable}`, () => {
      assert.throws(
        () => loadConfig({ [variable]: value }),
        (error: unknown) => error instanceof ConfigError && error.variable === variable && error.message.startsWith(`${variable}:`),
      );
    });
  }
});
