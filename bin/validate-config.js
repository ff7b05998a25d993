#!/usr/bin/env node
// Package bin. Runs the prebuilt plain-JS bundle (dist/validate-config.mjs, made by
// `npm run build:validate-config`, also run by `prepare` on npm install/ci) because it starts in
// about the time of `dockerd --validate`. Without the bundle, or when a source is newer than it (a
// checkout edited or pulled since the last build), runs the TypeScript sources through tsx: correct,
// but tsx start-up costs about a second.
import { existsSync, readdirSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const bundle = new URL('dist/validate-config.mjs', root);

function newestSource() {
  let newest = 0;
  const dirs = ['src/config', 'src/config/generated', 'schemas'];
  for (const dir of dirs) {
    for (const name of readdirSync(new URL(`${dir}/`, root))) {
      if (/\.(ts|js|json)$/.test(name)) newest = Math.max(newest, statSync(new URL(`${dir}/${name}`, root)).mtimeMs);
    }
  }
  return Math.max(newest, statSync(new URL('src/cli/validate-config.ts', root)).mtimeMs);
}

if (existsSync(bundle) && statSync(bundle).mtimeMs >= newestSource()) {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  process.argv.splice(2, 0, 'validate-config');
  await import('../src/bin.ts');
}
