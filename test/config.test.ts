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
