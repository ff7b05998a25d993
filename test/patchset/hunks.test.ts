import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePatchText } from '../../src/patchset/parse.ts';
import { runPatches } from '../../src/patchset/plan.ts';
import { joinText, splitText } from '../../src/patchset/hunks.ts';

const Hunks = suite('patchset/hunks (applying text)');

const apply = (patch: string, content: string, reverse = false) =>
  runPatches({ patches: [parsePatchText('t.patch', patch)] }, 'hack/x.sh', content, reverse);

const NO_EOL_BOTH = `--- a/hack/x.sh
+++ b/hack/x.sh
@@ -1,2 +1,2 @@
 set -e
-echo old
\\ No newline at end of file
+echo new
\\ No newline at end of file
`;

Hunks('split and join round-trip, with and without a final newline', () => {
  for (const text of ['', 'a', 'a\n', 'a\nb', 'a\n\n', '\n', 'a\r\nb\r\n']) assert.is(joinText(splitText(text)), text);
});

Hunks('a last line without newline stays without one', () => {
  const r = apply(NO_EOL_BOTH, 'set -e\necho old');
  assert.equal(r, { ok: true, after: 'set -e\necho new', offsets: [] });
});

Hunks('a hunk that says "no newline" does not match a file that has one, and the other way round', () => {
  assert.is(apply(NO_EOL_BOTH, 'set -e\necho old\n').ok, false);
  const withEol = NO_EOL_BOTH.replaceAll('\\ No newline at end of file\n', '');
  assert.is(apply(withEol, 'set -e\necho old').ok, false);
  assert.is(apply(withEol, 'set -e\necho old\n').ok, true);
});

Hunks('reverse application undoes the patch (the already-applied check)', () => {
  const r = apply(NO_EOL_BOTH, 'set -e\necho new', true);
  assert.equal(r, { ok: true, after: 'set -e\necho old', offsets: [] });
});

Hunks('CRLF lines are content: kept byte for byte', () => {
  const patch = '--- a/hack/x.sh\n+++ b/hack/x.sh\n@@ -1,2 +1,3 @@\n a\r\n+b\r\n c\r\n';
  const r = apply(patch, 'a\r\nc\r\n');
  assert.equal(r, { ok: true, after: 'a\r\nb\r\nc\r\n', offsets: [] });
  assert.is(apply(patch, 'a\nc\n').ok, false);
});

Hunks('of two places that match, the one nearest the header wins; a tie goes to the earlier', () => {
  const patch = (at: number) => `--- a/hack/x.sh\n+++ b/hack/x.sh\n@@ -${at},2 +${at},3 @@\n x\n+y\n z\n`;
  const offsets = (at: number, text: string) => {
    const r = apply(patch(at), text);
    return r.ok ? [r.after, r.offsets.map((w) => w.offset)] : 'failed';
  };
  // "x z" at lines 1 and 6: a header at line 4 is 2 away from 6 and 3 from 1.
  assert.equal(offsets(4, 'x\nz\n1\n2\n3\nx\nz\n'), ['x\nz\n1\n2\n3\nx\ny\nz\n', [2]]);
  assert.equal(offsets(3, 'x\nz\n1\n2\n3\nx\nz\n'), ['x\ny\nz\n1\n2\n3\nx\nz\n', [-2]]);
  // "x z" at lines 1 and 5, header at 3: both 2 away.
  assert.equal(offsets(3, 'x\nz\n1\n2\nx\nz\n'), ['x\ny\nz\n1\n2\nx\nz\n', [-2]]);
});

Hunks('a failure shows what was expected against what is at the spot tried', () => {
  const patch = '--- a/hack/x.sh\n+++ b/hack/x.sh\n@@ -2,2 +2,3 @@\n b\n+n\n c\n';
  const r = apply(patch, 'a\nB\nC\nd\n');
  if (r.ok) return assert.unreachable('should fail');
  assert.equal(r.failures.map((f) => [f.expected, f.found, f.line, f.offsetTried]), [[['b', 'c'], ['B', 'C'], 2, 0]]);
});

Hunks.run();
