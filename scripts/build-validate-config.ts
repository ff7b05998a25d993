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
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// --outfile: the tests build a private bundle instead of touching dist/.
const outfile = parseArgs({ options: { outfile: { type: 'string' } } }).values.outfile ?? `${root}dist/validate-config.cjs`;

// The process edge of the bundle: the same wiring as src/bin.ts, for this one command only.
const entry = `
import { command } from './src/cli/validate-config.ts';
import { renderError } from './src/cli/render.ts';
process.on('SIGINT', () => process.exit(130));
process.stdout.on('error', () => process.exit(process.exitCode ?? 1));
// stdin is a getter: touching process.stdin builds a stream (and tears it down at exit), which
// costs more than a validation; only "-" needs it.
command({ argv: process.argv.slice(2), cwd: process.cwd(), env: process.env, stdout: process.stdout,
  stderr: process.stderr, get stdin() { return process.stdin; }, signal: new AbortController().signal })
  .then((code) => { process.exitCode = code; }, (error) => { process.exitCode = renderError(error, process.stderr); });
`;

await build({
  stdin: { contents: entry, resolveDir: root, sourcefile: 'validate-config-entry.ts', loader: 'ts' },
  bundle: true,
  platform: 'node',
  mainFields: ['module', 'main'], // jsonc-parser's main is UMD with dynamic requires; its ESM build bundles cleanly
  format: 'cjs',
  target: 'node20',
  outfile,
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
process.stdout.write(`wrote ${outfile}\n`);
