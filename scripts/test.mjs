#!/usr/bin/env node
// Runs every uvu suite under test/ (files named *.test.ts) through tsx, each file in its own
// process so that cwd, env and module state never leak between suites, and ends with one line
// "N passed, N failed, N skipped" so that a run which executed nothing is visible.
// Usage: npm test [-- PATTERN]   (PATTERN filters test file paths)
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filter = process.argv[2] ? new RegExp(process.argv[2]) : undefined;

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

function runFile(file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (d) => { text += d; process.stdout.write(d); });
    child.stderr.on('data', (d) => process.stderr.write(d));
    child.on('close', (code) => resolve({ code, text }));
  });
}

const files = findTests(join(root, 'test')).filter((f) => !filter || filter.test(relative(root, f)));
let passed = 0, failed = 0, skipped = 0, crashed = 0, notices = 0;
for (const file of files) {
  process.stdout.write(`\n# ${relative(root, file)}\n`);
  const started = Date.now();
  const { code, text } = await runFile(file);
  process.stdout.write(`# ${relative(root, file)}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  const plain = text.replace(/\x1b\[[0-9;]*m/g, '');
  const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? NaN);
  const ok = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? NaN);
  // uvu counts only .skip; our suites also print "SKIPPED <why>" when a prerequisite is absent.
  const skip = Number(/Skipped:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  notices += (plain.match(/SKIPPED /g) ?? []).length;
  if (Number.isNaN(total) || Number.isNaN(ok)) {
    // The file died before uvu could report: count it as one failure so it cannot pass silently.
    process.stdout.write(`# ${relative(root, file)} crashed (exit ${code}) before reporting\n`);
    crashed++;
    continue;
  }
  passed += ok;
  skipped += skip;
  failed += total - ok;
  if (code !== 0 && total - ok === 0) crashed++;
}
failed += crashed;
process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped + notices} skipped\n`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
