/**
 * Bundles the validate-config command into one plain CommonJS file, dist/validate-config.cjs, so the
 * package bin starts like any small Node script (no tsx, no TypeScript transform, no ajv compiler):
 * cold start is what an admin feels when a config-management run calls it on every host. CommonJS,
 * not ESM: an ES module that imports node:fs makes Node build the whole fs namespace (fs/promises,
 * readline, streams), which cost ~15 ms of a ~60 ms run. Run by `npm run build:validate-config`
 * (and by `prepare` on npm install/ci). Without the bundle, bin/validate-config.cjs runs the sources
 * through tsx.
 */
import { build } from 'esbuild';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// --outfile: the tests build a private bundle instead of touching dist/.
const outfile = parseArgs({ options: { outfile: { type: 'string' } } }).values.outfile ?? `${root}dist/validate-config.cjs`;

// The process edge of the bundle: the same wiring as src/bin.ts, for this one command only, minus
// what a check does not use. process.stdout, process.stdin and an AbortController are getters that
// load and build streams (node:stream and its helpers, about a tenth of the run): findings go out
// with write(2) (src/cli/output.ts), and stdin is built only for "-".
const entry = `
import { command } from './src/cli/validate-config.ts';
import { renderError } from './src/cli/render.ts';
import { exitOnStdoutError, fdOutput } from './src/cli/output.ts';
process.on('SIGINT', () => process.exit(130));
// Nowhere is left to say that stderr failed: its text is dropped and the exit code stands.
const stderr = fdOutput(2, () => process.stderr.on('error', () => {}), () => undefined);
const stdoutFailed = exitOnStdoutError(stderr);
command({ argv: process.argv.slice(2), cwd: process.cwd(), env: process.env, stdout: fdOutput(1, () => process.stdout.on('error', stdoutFailed), stdoutFailed),
  stderr, get stdin() { return process.stdin; }, get signal() { return new AbortController().signal; } })
  .then((code) => { process.exitCode = code; }, (error) => { process.exitCode = renderError(error, stderr); });
`;

const result = await build({
  stdin: { contents: entry, resolveDir: root, sourcefile: 'validate-config-entry.ts', loader: 'ts' },
  absWorkingDir: root, // metafile paths relative to the project, wherever this runs from
  bundle: true,
  platform: 'node',
  mainFields: ['module', 'main'], // jsonc-parser's main is UMD with dynamic requires; its ESM build bundles cleanly
  format: 'cjs',
  target: 'node20',
  outfile,
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  // A CommonJS bundle has no import.meta: src/project.ts finds the package root from import.meta.url
  // ('..' of src/project.ts), and '..' of dist/validate-config.cjs is the same folder. A getter, so
  // that node:url is loaded only by --version, the one path that asks.
  banner: { js: "var __bundleMeta = { get url() { return require('node:url').pathToFileURL(__filename).href; } };" },
  define: { 'import.meta.url': '__bundleMeta.url' },
  metafile: true,
});
// What the bin compares the bundle's mtime with, so that a pulled or edited source runs from the
// sources instead of a stale bundle: every project file esbuild read, and this script. Not
// node_modules: npm puts packages where it likes, and an install rebuilds the bundle (prepare).
const inputs = [...Object.keys(result.metafile.inputs).filter((path) => !path.startsWith('node_modules/') && existsSync(join(root, path))), 'scripts/build-validate-config.ts'];
if (!inputs.includes('src/cli/validate-config.ts')) throw new Error(`esbuild reported no project inputs (${inputs.join(', ')})`);
const stem = outfile.replace(/\.c?js$/, '');
writeFileSync(`${stem}.inputs`, inputs.sort().join('\n') + '\n');
// V8 checks a code cache against the source's length, not its content: a cache left from the previous
// bundle could run that bundle's functions. The bin writes a fresh one on its next run.
rmSync(`${stem}.v8cache`, { force: true });
process.stdout.write(`wrote ${outfile}\n`);
