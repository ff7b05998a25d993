#!/usr/bin/env node
// Package bin (CommonJS: an ES module entry costs Node ~15 ms more at start-up than this whole
// check). Runs the prebuilt bundle dist/validate-config.cjs (made by `npm run build:validate-config`,
// also run by `prepare` on npm install/ci), which starts in about the time of `dockerd --validate`.
// Without the bundle, or when a source is newer than it (a checkout edited or pulled since the last
// build), runs the TypeScript sources through tsx: correct, but tsx start-up costs about a second.
'use strict';
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const bundle = join(root, 'dist/validate-config.cjs');

function newestSource() {
  let newest = statSync(join(root, 'src/cli/validate-config.ts')).mtimeMs;
  for (const dir of ['src/config', 'src/config/generated', 'schemas']) {
    for (const name of readdirSync(join(root, dir))) {
      if (/\.(ts|js|json)$/.test(name)) newest = Math.max(newest, statSync(join(root, dir, name)).mtimeMs);
    }
  }
  return newest;
}

if (existsSync(bundle) && statSync(bundle).mtimeMs >= newestSource()) {
  require(bundle);
} else {
  (async () => {
    const { register } = await import('tsx/esm/api');
    register();
    process.argv.splice(2, 0, 'validate-config');
    await import('../src/bin.ts');
  })();
}
