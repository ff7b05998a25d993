import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isInvalid, validateDaemonConfig } from '../../src/config/validate.ts';
import { corpusFiles, expectedVerdicts, readCorpus, SCHEMAS } from './fixtures.ts';

const Corpus = suite('config/corpus: every file gets its expected verdict and findings');
const expected = expectedVerdicts();

Corpus('every corpus file has an expected verdict and every verdict a file', () => {
  assert.equal(corpusFiles(), Object.keys(expected).sort());
});

for (const name of corpusFiles()) {
  Corpus(`${name}`, () => {
    const want = expected[name];
    assert.ok(want, `no expected verdict for ${name}`);
    // Each file is checked against the line it was written for (v28 unless expected.json says).
    const findings = validateDaemonConfig(readCorpus(name), { schema: SCHEMAS[want.engine ?? 'v28'], file: name });
    assert.is(!isInvalid(findings), want.valid, `verdict of ${name}`);
    const got = findings.map((f) => ({ line: f.line, column: f.column, pointer: f.pointer, keyword: f.keyword, ...(f.rule ? { rule: f.rule } : {}), severity: f.severity }));
    assert.equal(got, want.findings);
    for (const f of findings) assert.is(f.file, name);
  });
}

Corpus('the corpus covers realistic valid files and each class of mistake', () => {
  const all = Object.values(expected);
  assert.ok(all.filter((e) => e.valid).length >= 10);
  const keywords = new Set(all.flatMap((e) => e.findings.map((f) => f.keyword)));
  for (const k of ['syntax', 'comment', 'duplicate-key', 'encoding', 'empty', 'not-object', 'unknown-key', 'type', 'enum', 'rule', 'engine-rejects', 'deprecated', 'removed', 'null', 'integer-literal', 'key-case']) {
    assert.ok(keywords.has(k), `no corpus file exercises ${k}`);
  }
});

Corpus.run();
