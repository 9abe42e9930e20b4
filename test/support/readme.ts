import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from './served.js';

/**
 * The fenced `sh` block that follows `<!-- walkthrough:<name> -->` in the README, verbatim (less
 * the indentation of a list item), as `test/walkthrough/run.sh` reads its blocks: tests that
 * follow the README run what it says.
 */
export function readmeBlock(name: string): string {
  const lines = readFileSync(path.join(packageRoot, 'README.md'), 'utf8').split('\n');
  const marker = lines.findIndex((line) => line.trim() === `<!-- walkthrough:${name} -->`);
  if (marker < 0) throw new Error(`README.md has no <!-- walkthrough:${name} --> block`);
  const start = lines.findIndex((line, index) => index > marker && line.trim() === '```sh');
  const end = lines.findIndex((line, index) => index > start && line.trim() === '```');
  if (start < 0 || end < 0) throw new Error(`no fenced sh block after <!-- walkthrough:${name} -->`);
  // A block inside a list item is indented as the item is; its commands are not.
  const indent = lines[start]!.length - lines[start]!.trimStart().length;
  return lines
    .slice(start + 1, end)
    .map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length)))
    .join('\n');
}
