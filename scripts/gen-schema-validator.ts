/**
 * Writes what is generated from schemas/, once, at development time: each derived line's schema
 * (schemas/daemon.v29.schema.json = daemon.v28.schema.json + daemon.v29.patch.json) and, for every
 * line, a standalone ES module of its ajv validator (src/config/generated/schema-validator.<line>.js)
 * so that validate-config starts without loading or running the ajv compiler. `--check` exits 1 when
 * a committed file is out of date (a test runs it).
 * Usage: npx tsx scripts/gen-schema-validator.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ENGINE_LINES } from '../src/config/engine-line.ts';
import { generateDerivedSchemas, generateSchemaValidator, generateValidatorTypes, validatorFile, validatorTypesFile } from './schema-validator-source.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const check = process.argv.includes('--check');
let stale = 0;

function emit(file: string, text: () => string): void {
  const source = text();
  if (check) {
    let current = '';
    try { current = readFileSync(`${root}${file}`, 'utf8'); } catch { /* missing counts as out of date */ }
    if (current !== source) {
      process.stderr.write(`${file} is out of date with schemas/; run: npx tsx scripts/gen-schema-validator.ts\n`);
      stale++;
    }
  } else {
    writeFileSync(`${root}${file}`, source);
    process.stdout.write(`wrote ${file}\n`);
  }
}

// The derived schemas first: the validators are compiled from them.
for (const { file, text } of generateDerivedSchemas()) emit(file, () => text);
for (const line of ENGINE_LINES) {
  emit(validatorFile(line), () => generateSchemaValidator(line));
  emit(validatorTypesFile(line), () => generateValidatorTypes(line));
}
if (check) {
  if (stale) process.exitCode = 1;
  else process.stdout.write('schemas and validators are up to date\n');
}
