import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeDir, tempDir } from '../helpers.ts';
import { corpusDir, FINDING_LINE } from '../config/fixtures.ts';

const root = new URL('../../', import.meta.url).pathname;
// Absolute, so that the children find tsx although they run in a temp folder.
const tsx = import.meta.resolve('tsx');
interface Ctx { dir: string; bundle: string }
const Cli = suite<Ctx>('cli/validate-config: run as a user runs it', { dir: '', bundle: '' });

Cli.before(async (ctx) => {
  ctx.dir = await tempDir('validate-config-cli-');
  ctx.bundle = join(ctx.dir, 'validate-config.cjs');
  const built = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build-validate-config.ts', '--outfile', ctx.bundle], { cwd: root, encoding: 'utf8' });
  assert.is(built.status, 0, built.stderr);
});
Cli.after(async (ctx) => removeDir(ctx.dir));

/** The sources through tsx (what `npm run validate-config` runs) or the bundle (what the bin runs). */
function run(ctx: Ctx, how: 'sources' | 'bundle', args: string[], input?: string | Buffer, env: NodeJS.ProcessEnv = process.env) {
  const argv = how === 'sources' ? ['--import', tsx, join(root, 'src/bin.ts'), 'validate-config', ...args] : [ctx.bundle, ...args];
  const r = spawnSync(process.execPath, argv, { cwd: ctx.dir, input, env, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertOneClearLine(stderr: string) {
  assert.not.match(stderr, /\n\s+at /, 'no stack trace');
  assert.not.match(stderr, /internal error/);
}

Cli('exit 0 for a valid file, 1 for an invalid one, findings as FILE:LINE:COL  pointer  message', (ctx) => {
  writeFileSync(join(ctx.dir, 'ok.json'), '{"debug": true}');
  writeFileSync(join(ctx.dir, 'bad.json'), '{\n  "debug": "yes",\n  "registry-mirror": []\n}');
  const ok = run(ctx, 'sources', ['ok.json']);
  assert.is(ok.code, 0);
  assert.is(ok.stdout, '');
  const bad = run(ctx, 'sources', ['ok.json', 'bad.json']);
  assert.is(bad.code, 1);
  const lines = bad.stdout.trim().split('\n');
  assert.is(lines.length, 2);
  for (const line of lines) assert.match(line, FINDING_LINE);
  assert.match(lines[0] as string, /^bad\.json:2:12  \/debug  error: /);
  assert.match(lines[1] as string, /^bad\.json:3:3  \/registry-mirror  error: .*registry-mirrors/);
});

Cli('--json: one document with typed findings; - reads stdin', (ctx) => {
  const r = run(ctx, 'sources', ['--json', '-'], '{"mtu": -1}');
  assert.is(r.code, 1);
  const doc = JSON.parse(r.stdout);
  assert.is(doc.valid, false);
  assert.equal(doc.files[0].findings.map((f: { pointer: string; rule: string; line: number }) => [f.pointer, f.rule, f.line]), [['/mtu', 'mtu', 1]]);
  assert.is(doc.files[0].file, '-');
});

Cli('--data-root applies the store rules when the file sets no data-root', (ctx) => {
  writeFileSync(join(ctx.dir, 'es.json'), '{"extra-storage": {"path": "/srv/docker/overlay2/x"}}');
  assert.is(run(ctx, 'bundle', ['es.json']).code, 0);
  assert.is(run(ctx, 'bundle', ['--data-root', '/srv/docker', 'es.json']).code, 1);
  assert.is(run(ctx, 'bundle', ['--data-root', 'relative', 'es.json']).code, 2);
});

Cli('--engine picks the line: v29 by default, where api-cors-header is removed and min-api-version a key; v28 the other way round', (ctx) => {
  writeFileSync(join(ctx.dir, 'cors.json'), '{"api-cors-header": ""}');
  writeFileSync(join(ctx.dir, 'min.json'), '{"min-api-version": "1.44"}');
  for (const how of ['sources', 'bundle'] as const) {
    const cors = run(ctx, how, ['--json', 'cors.json']);
    assert.is(cors.code, 1, how);
    assert.equal(JSON.parse(cors.stdout).files[0].findings.map((f: { keyword: string }) => f.keyword), ['removed']);
    assert.match(cors.stdout, /removed in v29/);
    assert.is(run(ctx, how, ['--engine', 'v29', 'min.json']).code, 0, how);
    const v28 = run(ctx, how, ['--engine', 'v28', '--json', 'cors.json', 'min.json']);
    assert.is(v28.code, 1, how);
    assert.equal(JSON.parse(v28.stdout).files.map((f: { findings: Array<{ keyword: string }> }) => f.findings.map((x) => x.keyword)), [['deprecated'], ['unknown-key']]);
  }
});

Cli('usage mistakes exit 2 with one line', (ctx) => {
  for (const args of [[], ['--bogus', 'x.json'], ['-', '-'], ['--engine', 'v30', 'x.json'], ['--engine']]) {
    const r = run(ctx, 'bundle', args, '');
    assert.is(r.code, 2, `args ${args.join(' ')}`);
    assert.is(r.stderr.trim().split('\n').length, 1);
    assertOneClearLine(r.stderr);
  }
});

Cli('the bundle answers --help and -h (exit 0, the same text as the sources) and --version', (ctx) => {
  const help = run(ctx, 'bundle', ['--help']);
  assert.is(help.code, 0, help.stderr);
  assert.match(help.stdout, /^usage: validate-config .*\n[^]*\noptions:\n[^]*  --json [^]*\nexample:\n  validate-config /);
  assert.is(run(ctx, 'bundle', ['-h', 'x.json']).stdout, help.stdout);
  assert.is(run(ctx, 'sources', ['--help']).stdout, help.stdout);
  // The test's bundle is in a temp folder, not <root>/dist: say where the project is.
  const version = run(ctx, 'bundle', ['--version'], undefined, { ...process.env, DOCKERD_EXTRA_ROOT: root });
  assert.is(version.code, 0, version.stderr);
  assert.match(version.stdout, /^dockerd-extra \d+\.\d+\.\d+\nengine lines: v28 \([^)]*set v28\.5\.2, /);
  const bogus = run(ctx, 'bundle', ['--bogus']);
  assert.is(bogus.code, 2);
  assert.match(bogus.stderr, /; see validate-config --help\n$/);
});

Cli('missing file and directory: one clear line each, exit 2, other files still checked', (ctx) => {
  mkdirSync(join(ctx.dir, 'a-dir'), { recursive: true });
  writeFileSync(join(ctx.dir, 'bad2.json'), '{"debug": 1}');
  const r = run(ctx, 'bundle', ['nope.json', 'a-dir', 'bad2.json']);
  assert.is(r.code, 2);
  assert.match(r.stderr, /error: nope\.json: no such file/);
  assert.match(r.stderr, /error: a-dir: is a directory/);
  assert.match(r.stdout, /^bad2\.json:1:11  \/debug  error: /);
  assertOneClearLine(r.stderr);
});

Cli('a 50 MB file, 100k nested brackets and binary garbage: one clear finding, never a stack trace', (ctx) => {
  writeFileSync(join(ctx.dir, 'huge.json'), Buffer.alloc(50 * 1024 * 1024, 0x20));
  writeFileSync(join(ctx.dir, 'deep.json'), '{"a":' + '['.repeat(100_000));
  writeFileSync(join(ctx.dir, 'garbage.json'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)));
  const huge = run(ctx, 'bundle', ['huge.json']);
  assert.is(huge.code, 2);
  assert.match(huge.stderr, /huge\.json: is 50\.0 MiB/);
  for (const name of ['deep.json', 'garbage.json']) {
    const r = run(ctx, 'bundle', [name]);
    assert.is(r.code, 1, name);
    const lines = r.stdout.trim().split('\n');
    assert.is(lines.length, 1, name);
    assert.match(lines[0] as string, FINDING_LINE);
    assertOneClearLine(r.stderr);
  }
});

Cli('stdout that goes away (| head -1) ends the run quietly; a full disk says so once, exit 2', (ctx) => {
  const many = Array.from({ length: 400 }, () => join(corpusDir, 'log-opt-typo.json'));
  // A reader that reads one line and closes: the shell's `validate-config ... | head -1`.
  const head = spawnSync('/bin/bash', ['-c', 'node "$0" "$@" | head -1; exit "${PIPESTATUS[0]}"', ctx.bundle, ...many], { cwd: ctx.dir, encoding: 'utf8', timeout: 60_000 });
  assert.is(head.stdout.split('\n').filter(Boolean).length, 1);
  assert.is(head.status, 1, 'the exit code of validate-config: its files are invalid');
  assert.is(head.stderr, '', 'nothing to say about a reader that had enough');
  const child = spawnSync('/bin/sh', ['-c', 'node "$0" "$@" > /dev/full', ctx.bundle, ...many], { cwd: ctx.dir, encoding: 'utf8', timeout: 60_000 });
  assert.is(child.status, 2);
  assert.match(child.stderr, /^error: cannot write to stdout \(ENOSPC\); check where the output goes\n/);
  assertOneClearLine(child.stderr);
  // The same from the sources (npm run validate-config, or the bin while its bundle is stale).
  const sources = spawnSync('/bin/sh', ['-c', 'node --import "$0" "$@" > /dev/full', tsx, join(root, 'src/bin.ts'), 'validate-config', ...many], { cwd: ctx.dir, encoding: 'utf8', timeout: 60_000 });
  assert.is(sources.status, 2, sources.stderr);
  assert.match(sources.stderr, /^error: cannot write to stdout \(ENOSPC\); check where the output goes$/m);
  assertOneClearLine(sources.stderr);
});

Cli('the bin runs the bundle while it is current, the sources once an input is newer or gone', (ctx) => {
  // A package of its own: the real bin, a bundle and sources that say which one ran.
  const pkg = join(ctx.dir, 'pkg');
  mkdirSync(join(pkg, 'bin'), { recursive: true });
  mkdirSync(join(pkg, 'dist'), { recursive: true });
  mkdirSync(join(pkg, 'src/config'), { recursive: true });
  copyFileSync(join(root, 'bin/validate-config.cjs'), join(pkg, 'bin/validate-config.cjs'));
  symlinkSync(join(root, 'node_modules'), join(pkg, 'node_modules'));
  writeFileSync(join(pkg, 'src/bin.ts'), "process.stdout.write('sources ' + process.argv.slice(2).join(' '));\n");
  writeFileSync(join(pkg, 'src/config/rules.ts'), '');
  const old = new Date(Date.now() - 60_000);
  utimesSync(join(pkg, 'src/config/rules.ts'), old, old);
  writeFileSync(join(pkg, 'dist/validate-config.cjs'), "process.stdout.write('bundle ' + process.argv.slice(2).join(' '));\n");
  writeFileSync(join(pkg, 'dist/validate-config.inputs'), 'src/config/rules.ts\n');
  // Clear of any file system's mtime resolution: built 30 s ago, inputs older, edits newer.
  const built = new Date(Date.now() - 30_000);
  utimesSync(join(pkg, 'dist/validate-config.cjs'), built, built);
  const bin = () => spawnSync(process.execPath, [join(pkg, 'bin/validate-config.cjs'), 'x.json'], { cwd: ctx.dir, encoding: 'utf8', timeout: 60_000 }).stdout;
  assert.is(bin(), 'bundle x.json');
  assert.is(bin(), 'bundle x.json', 'and again with the code cache the first run wrote');
  writeFileSync(join(pkg, 'src/config/rules.ts'), '// edited after the build\n');
  assert.is(bin(), 'sources validate-config x.json');
  utimesSync(join(pkg, 'src/config/rules.ts'), old, old);
  assert.is(bin(), 'bundle x.json');
  rmSync(join(pkg, 'src/config/rules.ts'));
  assert.is(bin(), 'sources validate-config x.json', 'an input that is gone');
});

Cli('the bundle and the sources print the same thing', (ctx) => {
  const file = join(corpusDir, 'duplicate-key.json');
  const a = run(ctx, 'bundle', ['--json', file]);
  const b = run(ctx, 'sources', ['--json', file]);
  assert.is(a.code, 1);
  assert.is(a.stdout, b.stdout);
  // The package bin: the bundle in dist/ when it is up to date, else the sources; same output either way.
  const bin = spawnSync(process.execPath, [join(root, 'bin/validate-config.cjs'), '--json', file], { cwd: ctx.dir, encoding: 'utf8', timeout: 60_000 });
  assert.is(bin.status, 1);
  assert.is(bin.stdout, a.stdout);
});

Cli.run();
