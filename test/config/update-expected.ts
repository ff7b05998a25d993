/**
 * Maintainers' helper: rewrites test/config/corpus/expected.json from the validator's current output,
 * keeping each file's engine line and "stricter" reason. A new file is checked against v28 unless its
 * entry is first written by hand as `"new.json": {"engine": "v29"}`. Review the diff: it is the specification of the corpus.
 * Usage: npx tsx test/config/update-expected.ts
 */
import { writeFileSync } from 'node:fs';
import { isInvalid, validateDaemonConfig } from '../../src/config/validate.ts';
import { corpusDir, corpusFiles, expectedVerdicts, readCorpus, SCHEMAS, type Expected } from './fixtures.ts';

let previous: Record<string, Expected> = {};
try { previous = expectedVerdicts(); } catch { /* first run */ }
const lines = corpusFiles().map((name) => {
  const engine = previous[name]?.engine;
  const findings = validateDaemonConfig(readCorpus(name), { schema: SCHEMAS[engine ?? 'v28'], file: name });
  const stricter = previous[name]?.stricter;
  const head = JSON.stringify({ ...(engine ? { engine } : {}), valid: !isInvalid(findings), ...(stricter ? { stricter } : {}) }).slice(0, -1);
  const rows = findings.map((f) => '    ' + JSON.stringify({ line: f.line, column: f.column, pointer: f.pointer, keyword: f.keyword, ...(f.rule ? { rule: f.rule } : {}), severity: f.severity }));
  return `  ${JSON.stringify(name)}: ${head}, "findings": [${rows.length ? `\n${rows.join(',\n')}\n  ` : ''}]}`;
});
writeFileSync(`${corpusDir}expected.json`, `{\n${lines.join(',\n')}\n}\n`);
process.stdout.write(`wrote ${corpusDir}expected.json (${lines.length} files); review the diff\n`);
