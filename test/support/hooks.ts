import { dropSharedDatabase, openSharedDatabase, serverUrl, testDatabase } from './database.js';

/** Mocha root hooks: one migrated database for the whole run, dropped at the end. */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    await openSharedDatabase();
    const { kind, url } = testDatabase();
    process.stderr.write(
      `Testing on ${kind === 'postgres' ? `PostgreSQL (${new URL(url!).pathname.slice(1)} on ${new URL(serverUrl()!).host})` : 'the embedded database (PGlite, in memory)'}\n`,
    );
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await dropSharedDatabase();
  },
};
