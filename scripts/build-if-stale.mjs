// `npm start`'s prestart: compiles the server (src/ and migrations/, not the tests) only when
// a source file is newer than its compiled file in dist/, or has none; then rebuilds the
// console (`npm run build:console`: its typed client from the server's OpenAPI document, its
// type check and its Vite bundle) when one of its files is newer than dist/console/index.html,
// or the server was just recompiled (a route may have changed under it). Checking takes a few
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

// The console's own files (its generated client is an output, not a source).
const consoleDir = path.join('src', 'console');
const consoleOutputs = new Set([path.join(consoleDir, 'api', 'generated')]);
const consoleConfigFiles = ['tsconfig.console.json', 'package-lock.json'];

function* consoleSources(dir) {
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const relative = path.join(dir, entry.name);
    if (consoleOutputs.has(relative)) continue;
    if (entry.isDirectory()) yield* consoleSources(relative);
    else yield relative;
  }
}

function consoleStaleReason() {
  const built = mtime(path.join('dist', 'console', 'index.html'));
  if (built === undefined) return 'the console is not built yet';
  for (const file of [...consoleSources(consoleDir), ...consoleConfigFiles]) {
    if ((mtime(file) ?? 0) > built) return `${file} changed since the console was built`;
  }
  return undefined;
}

function run(script) {
  const build = spawnSync('npm', ['run', '--silent', script], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const reason = staleReason();
if (reason) {
  process.stderr.write(`roster: ${reason}; compiling the server (npm run build:server)\n`);
  run('build:server');
}
const consoleReason = reason ? 'the server was recompiled' : consoleStaleReason();
if (consoleReason) {
  process.stderr.write(`roster: ${consoleReason}; building the console (npm run build:console)\n`);
  run('build:console');
}
