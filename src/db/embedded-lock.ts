import fs from 'node:fs';
import path from 'node:path';

/** A second process found the embedded database held by a live one (`ownerPid`). */
export class EmbeddedDatabaseInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly ownerPid: number,
  ) {
    super(
      `The embedded database at ${dir} is in use by process ${ownerPid}. Stop that process first, or set DATABASE_URL to use a PostgreSQL server that several processes can share.`,
    );
    this.name = 'EmbeddedDatabaseInUseError';
  }
}

/**
 * The embedded database is one process's file set: two processes opening it at
 * once would corrupt it. A lock file holding the owner's pid keeps a second
 * Roster process (a server, or a CLI command while the server runs) out, and a
 * lock left by a dead process is taken over. While `roster serve` holds it, the
 * `roster` command reaches the database through the server instead (see
 * `src/operator/control-socket.ts`).
 */
export function lockEmbeddedDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const lockFile = path.join(dir, 'roster.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(fs.readFileSync(lockFile, 'utf8').trim());
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new EmbeddedDatabaseInUseError(dir, owner);
      }
      fs.rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`Could not lock the embedded database at ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
