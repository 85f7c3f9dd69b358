#!/usr/bin/env node
// The `chitieu` command. Runs the JavaScript that `npm ci` compiled into dist/ (the `prepare`
// script: `npm run build`); when dist/ is missing or older than a source file (a developer edited
// one since the last build), it runs the TypeScript sources through tsx's loader instead: slower
// to start, never stale. Checking costs a few milliseconds: one stat per source file.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = ['cli', 'pipelines', 'indicators', 'api', 'dashboards'];

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function builtIsCurrent() {
  const stamp = join(root, 'dist/.tsbuildinfo');
  if (!existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  return SOURCES.every((dir) => newestSource(join(root, dir)) <= built);
}

let entry;
if (process.env.CHITIEU_FROM_SOURCE !== '1' && builtIsCurrent()) {
  entry = pathToFileURL(join(root, 'dist/cli/main.js')).href;
} else {
  const { register } = await import('tsx/esm/api');
  register();
  entry = pathToFileURL(join(root, 'cli/main.ts')).href;
}
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
