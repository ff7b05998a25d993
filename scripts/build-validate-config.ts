/**
 * Bundles the validate-config command into one plain ES module, dist/validate-config.mjs, so the
 * package bin starts like any small Node script (no tsx, no TypeScript transform, no ajv compiler):
 * cold start is what an admin feels when a config-management run calls it on every host.
 * Run by `npm run build:validate-config` (and by the `prepare` script on npm install/ci). When the
 * bundle is missing, bin/validate-config.js falls back to running the sources through tsx.
 */
import { build } from 'esbuild';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// --outfile: the tests build a private bundle instead of touching dist/.
const outfile = parseArgs({ options: { outfile: { type: 'string' } } }).values.outfile ?? `${root}dist/validate-config.mjs`;

// The process edge of the bundle: the same wiring as src/bin.ts, for this one command only.
const entry = `
import { command } from './src/cli/validate-config.ts';
import { renderError } from './src/cli/render.ts';
const controller = new AbortController();
process.on('SIGINT', () => process.exit(130));
process.stdout.on('error', () => process.exit(process.exitCode ?? 1));
try {
  // stdin is a getter: touching process.stdin builds a stream (and tears it down at exit), which
  // costs more than a validation; only "-" needs it.
  process.exitCode = await command({ argv: process.argv.slice(2), cwd: process.cwd(), env: process.env,
    stdout: process.stdout, stderr: process.stderr, get stdin() { return process.stdin; }, signal: controller.signal });
} catch (error) {
  process.exitCode = renderError(error, process.stderr);
}
`;

await build({
  stdin: { contents: entry, resolveDir: root, sourcefile: 'validate-config-entry.ts', loader: 'ts' },
  bundle: true,
  platform: 'node',
  mainFields: ['module', 'main'], // jsonc-parser's main is UMD with dynamic requires; its ESM build bundles cleanly
  format: 'esm',
  target: 'node20',
  outfile,
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
process.stdout.write(`wrote ${outfile}\n`);
