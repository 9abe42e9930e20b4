// `npm start`'s prestart: compiles the server (src/ and migrations/, not the tests) only when
// a source file is newer than its compiled file in dist/, or has none. Checking takes a few
// milliseconds, so a start after `npm ci` (whose `prepare` built everything) compiles
// nothing, and a start after editing a file never serves the old code.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sourceDirs = ['src', 'migrations'];
const configFiles = ['tsconfig.json', 'tsconfig.build.json'];

// The console is built by Vite and type-checked on its own (tsconfig.console.json): the server does not compile it.
const notServer = new Set([path.join('src', 'console')]);

function* sources(dir) {
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const relative = path.join(dir, entry.name);
    if (notServer.has(relative)) continue;
    if (entry.isDirectory()) yield* sources(relative);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield relative;
  }
}

const mtime = (file) => fs.statSync(path.join(root, file), { throwIfNoEntry: false })?.mtimeMs;

function staleReason() {
  const newestConfig = Math.max(...configFiles.map((file) => mtime(file) ?? 0));
  for (const dir of sourceDirs) {
    for (const source of sources(dir)) {
      const compiled = mtime(path.join('dist', source.replace(/\.ts$/, '.js')));
      if (compiled === undefined) return `${source} is not compiled yet`;
      if (compiled < mtime(source)) return `${source} changed since the last build`;
      if (compiled < newestConfig) return 'the TypeScript configuration changed since the last build';
    }
  }
  return undefined;
}

const reason = staleReason();
if (reason) {
  process.stderr.write(`roster: ${reason}; compiling the server (npm run build:server)\n`);
  const build = spawnSync('npm', ['run', '--silent', 'build:server'], { cwd: root, stdio: 'inherit' });
  process.exit(build.status ?? 1);
}
