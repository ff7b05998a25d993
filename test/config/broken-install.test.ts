/**
 * validate-config when it cannot run: exit 2 (1 means "invalid"), and one line that says what to do.
 * The project is copied without schemas/, as a partial checkout or a damaged install leaves it.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderError } from '../../src/cli/render.ts';
import { removeDir, tempDir } from '../helpers.ts';

const root = new URL('../../', import.meta.url).pathname;
const Broken = suite('config/broken-install: validate-config that cannot run exits 2');

Broken('a missing schemas/ exits 2 with one line naming the file, from the package bin', async () => {
  const dir = await tempDir('validate-config-broken-');
  try {
    for (const part of ['src', 'bin', 'package.json', 'tsconfig.json']) cpSync(join(root, part), join(dir, part), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    writeFileSync(join(dir, 'ok.json'), '{"debug": true}');
    // The schema of the line asked for (v29 by default) is the one named.
    for (const [args, line] of [[[], 'v29'], [['--engine', 'v28'], 'v28']] as const) {
      const r = spawnSync(process.execPath, [join(dir, 'bin/validate-config.cjs'), ...args, 'ok.json'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      assert.is(r.status, 2, r.stderr);
      assert.is(r.stdout, '');
      const lines = r.stderr.trim().split('\n');
      assert.is(lines.length, 1, r.stderr);
      assert.match(lines[0] as string, new RegExp(`^error: \\S+/schemas/daemon\\.${line}\\.schema\\.json is missing.*restore it`));
    }
  } finally {
    await removeDir(dir);
  }
});

Broken('any other internal error exits 2 too, with its stack for the report', () => {
  let text = '';
  const code = renderError(new TypeError('x is undefined'), { write: (chunk) => { text += String(chunk); } });
  assert.is(code, 2);
  assert.match(text, /^internal error \(a bug in dockerd-extra, please report it\):\nTypeError: x is undefined\n\s+at /);
});

Broken.run();
