import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePatchText } from '../../src/patchset/parse.ts';
import { MalformedPatchError, UnsupportedPatchError } from '../../src/patchset/errors.ts';
import { PATCHES } from './fixtures.ts';

const Parse = suite('patchset/parse');

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return assert.unreachable('should have thrown');
}

Parse('reads the path, the hunk headers and their lines in the patch file', () => {
  const patch = parsePatchText('0003.patch', PATCHES['0003-daemon-daemon.go.patch']!);
  assert.is(patch.files.length, 1);
  const file = patch.files[0]!;
  assert.is(file.path, 'daemon/daemon.go');
  assert.equal(file.hunks.map((h) => [h.header, h.line]), [['@@ -9,6 +9,7 @@', 4], ['@@ -17,6 +18,9 @@', 12]]);
  assert.is(file.hunks[1]!.oldStart, 17);
});

Parse('keeps "\\ No newline at end of file" as a hunk line', () => {
  const patch = parsePatchText('0001.patch', PATCHES['0001-cmd-dockerd-options.go.patch']!);
  assert.ok(patch.files[0]!.hunks[0]!.lines.includes('\\ No newline at end of file'));
});

Parse('text before the first header is commentary, as in a mail', () => {
  const text = 'Hook extra storage into the daemon.\n\nWhy: see DESIGN.\n' + PATCHES['0002-daemon-config-config.go.patch'];
  assert.is(parsePatchText('c.patch', text).files[0]!.path, 'daemon/config/config.go');
});

Parse('a mangled hunk header is refused with its line (jsdiff would skip it)', () => {
  const text = PATCHES['0003-daemon-daemon.go.patch']!.replace('@@ -17,6 +18,9 @@', '@@ -17,6 +18,9@@');
  const error = thrown(() => parsePatchText('bad.patch', text));
  assert.instance(error, MalformedPatchError);
  assert.is((error as MalformedPatchError).patchFile, 'bad.patch');
  assert.is((error as MalformedPatchError).line, 12);
});

Parse('a hunk whose line counts are too small is refused at the stray line', () => {
  const text = PATCHES['0002-daemon-config-config.go.patch']!.replace('@@ -5,4 +5,6 @@', '@@ -5,3 +5,5 @@');
  const error = thrown(() => parsePatchText('counts.patch', text)) as MalformedPatchError;
  assert.instance(error, MalformedPatchError);
  assert.is(error.line, 10);
});

Parse('a hunk cut short is refused at its header', () => {
  const text = PATCHES['0002-daemon-config-config.go.patch']!.split('\n').slice(0, 7).join('\n') + '\n';
  const error = thrown(() => parsePatchText('short.patch', text)) as MalformedPatchError;
  assert.instance(error, MalformedPatchError);
  assert.is(error.line, 4);
});

Parse('a header without the a/ prefix is refused', () => {
  const text = PATCHES['0002-daemon-config-config.go.patch']!.replace('--- a/daemon', '--- daemon');
  const error = thrown(() => parsePatchText('p0.patch', text)) as MalformedPatchError;
  assert.instance(error, MalformedPatchError);
  assert.is(error.line, 2);
});

Parse('a path that climbs out of the tree is refused', () => {
  const text = PATCHES['0002-daemon-config-config.go.patch']!.replaceAll('/daemon/config/config.go', '/../etc/passwd');
  assert.instance(thrown(() => parsePatchText('escape.patch', text)), MalformedPatchError);
});

Parse('text with no file header at all is refused at line 1', () => {
  const error = thrown(() => parsePatchText('empty.patch', 'just words\n')) as MalformedPatchError;
  assert.instance(error, MalformedPatchError);
  assert.is(error.line, 1);
});

Parse('a git binary patch (which jsdiff reads as an empty patch) is refused with its line', () => {
  const text = `diff --git a/docs/logo.png b/docs/logo.png
index 1111111..2222222 100644
GIT binary patch
literal 12
TcmZ?wbhEHbWMp7qC<Fli0N4O8

literal 0
HcmV?d00001

`;
  const error = thrown(() => parsePatchText('bin.patch', text)) as UnsupportedPatchError;
  assert.instance(error, UnsupportedPatchError);
  assert.is(error.kind, 'binary');
  assert.is(error.line, 3);
});

Parse('"Binary files … differ" is refused too', () => {
  const text = 'diff --git a/a.png b/a.png\nindex 1111111..2222222 100644\nBinary files a/a.png and b/a.png differ\n';
  const error = thrown(() => parsePatchText('bin2.patch', text)) as UnsupportedPatchError;
  assert.is(error.kind, 'binary');
  assert.is(error.line, 3);
});

Parse('a new-file patch is refused: new files belong under full/', () => {
  const text = `diff --git a/daemon/extrastore/store.go b/daemon/extrastore/store.go
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ b/daemon/extrastore/store.go
@@ -0,0 +1,1 @@
+package extrastore
`;
  const error = thrown(() => parsePatchText('new.patch', text)) as UnsupportedPatchError;
  assert.instance(error, UnsupportedPatchError);
  assert.is(error.kind, 'new-file');
  assert.is(error.line, 2);
});

Parse('a new file without the git header (--- /dev/null) is refused as malformed', () => {
  const text = '--- /dev/null\n+++ b/x.go\n@@ -0,0 +1 @@\n+package x\n';
  assert.instance(thrown(() => parsePatchText('devnull.patch', text)), MalformedPatchError);
});

Parse('a deleted-file patch is refused', () => {
  const text = 'diff --git a/x.go b/x.go\ndeleted file mode 100644\n--- a/x.go\n+++ /dev/null\n@@ -1 +0,0 @@\n-package x\n';
  const error = thrown(() => parsePatchText('del.patch', text)) as UnsupportedPatchError;
  assert.is(error.kind, 'deleted-file');
});

Parse.run();
