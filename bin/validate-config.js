#!/usr/bin/env node
// Package bin. Runs the prebuilt plain-JS bundle (dist/validate-config.mjs, made by
// `npm run build:validate-config`, also run by `prepare` on npm install/ci) because it starts in
// about the time of `dockerd --validate`; without the bundle, runs the TypeScript sources through
// tsx (correct, but tsx start-up costs about a second).
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/validate-config.mjs', import.meta.url);
if (existsSync(bundle)) {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  process.argv.splice(2, 0, 'validate-config');
  await import('../src/bin.ts');
}
