#!/usr/bin/env node
// Package bin (CommonJS: an ES module entry costs Node ~15 ms more at start-up than this whole
// check). Runs the prebuilt bundle dist/validate-config.cjs (made by `npm run build:validate-config`,
// also run by `prepare` on npm install/ci), which starts in about the time of `dockerd --validate`.
// Without the bundle, or when one of its sources is newer than it (a checkout edited or pulled since
// the last build), runs the TypeScript sources through tsx: correct, but tsx start-up costs about a second.
'use strict';
const { readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const bundle = join(root, 'dist/validate-config.cjs');

/**
 * Whether the bundle is at least as new as every file it was built from (dist/validate-config.inputs,
 * written by the build). A stat per listed file, not a scan of the source folders: the folder scan
 * cost 2 ms of a 55 ms run. A missing bundle, list or input means "not current".
 */
function bundleIsCurrent() {
  try {
    const built = statSync(bundle).mtimeMs;
    const inputs = readFileSync(join(root, 'dist/validate-config.inputs'), 'utf8').split('\n').filter(Boolean);
    return inputs.every((path) => statSync(join(root, path)).mtimeMs <= built);
  } catch {
    return false;
  }
}

/**
 * Runs the bundle with a V8 code cache beside it (dist/validate-config.v8cache): compiling the
 * bundle and the functions a check calls is a third of this command's own start-up, and the cache
 * carries them compiled. V8 rejects a cache made for other source or another Node; a rejected or
 * missing cache is written afresh at exit, atomically, and a read-only install just runs without.
 */
function runBundleWithCodeCache() {
  const vm = require('node:vm');
  const { renameSync, writeFileSync } = require('node:fs');
  const cacheFile = join(root, 'dist/validate-config.v8cache');
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // first run: no cache yet
  }
  const source = readFileSync(bundle, 'utf8');
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapped, { filename: bundle, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once('exit', () => {
      try {
        const temp = `${cacheFile}.${process.pid}`;
        writeFileSync(temp, script.createCachedData());
        renameSync(temp, cacheFile);
      } catch {
        // a read-only install: the next run compiles again, nothing else changes
      }
    });
  }
  const module_ = { exports: {} };
  script.runInThisContext().call(module_.exports, module_.exports, require, module_, bundle, join(root, 'dist'));
}

if (bundleIsCurrent()) {
  runBundleWithCodeCache();
} else {
  (async () => {
    const { register } = await import('tsx/esm/api');
    register();
    process.argv.splice(2, 0, 'validate-config');
    await import('../src/bin.ts');
  })();
}
