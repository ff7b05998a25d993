/**
 * Compiles schemas/daemon.v28.schema.json with ajv once, at development time, into a standalone ES
 * module (src/config/generated/schema-validator.js) so that validate-config starts without loading or
 * running the ajv compiler. `--check` exits 1 when the committed module is out of date (a test runs it).
 * Usage: npx tsx scripts/gen-schema-validator.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateSchemaValidator } from './schema-validator-source.ts';

const target = fileURLToPath(new URL('../src/config/generated/schema-validator.js', import.meta.url));
const source = generateSchemaValidator();
if (process.argv.includes('--check')) {
  let current = '';
  try { current = readFileSync(target, 'utf8'); } catch { /* missing counts as out of date */ }
  if (current !== source) {
    process.stderr.write(`${target} is out of date with schemas/; run: npx tsx scripts/gen-schema-validator.ts\n`);
    process.exitCode = 1;
  } else process.stdout.write('schema validator is up to date\n');
} else {
  writeFileSync(target, source);
  process.stdout.write(`wrote ${target}\n`);
}
