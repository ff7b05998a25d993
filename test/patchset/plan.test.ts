import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadPatchSet, type PatchSet } from '../../src/patchset/patch-set.ts';
import { planDiff, type FileReader, type HunkFailure } from '../../src/patchset/plan.ts';
import { ManifestMismatchError, PatchConflictError } from '../../src/patchset/errors.ts';
import { removeDir } from '../helpers.ts';
import { BASE, BASE_TAG, FULL, PATCHED, PATCHES, makeProject } from './fixtures.ts';

const Plan = suite('patchset/plan (diff strategy)');

const reader = (files: Record<string, string | undefined>): FileReader => (path) => files[path];
const fullReader: FileReader = reader(FULL);

async function withSet<T>(fn: (set: PatchSet) => T, options = {}): Promise<T> {
  const root = await makeProject(options);
  try {
    return fn(await loadPatchSet(root, BASE_TAG));
  } finally {
    await removeDir(root);
  }
}

Plan('a clean base tree: every touched file patched, in series order, and the full/ files created', async () => {
  const plan = await withSet((set) => planDiff(set, reader(BASE), fullReader));
  if (plan.kind !== 'apply') return assert.unreachable(plan.kind);
  assert.equal(plan.offsets, []);
  const byPath = Object.fromEntries(plan.writes.map((w) => [w.path, w]));
  for (const path of Object.keys(PATCHED)) {
    assert.is(byPath[path]!.after, PATCHED[path], path);
    assert.is(byPath[path]!.before, BASE[path]);
    assert.is(byPath[path]!.source, 'patch');
  }
  for (const path of Object.keys(FULL)) {
    assert.equal([byPath[path]!.before, byPath[path]!.after, byPath[path]!.source], [undefined, FULL[path], 'full']);
  }
  assert.is(plan.writes.length, Object.keys(PATCHED).length + Object.keys(FULL).length);
});

Plan('a tree that already has the patch set plans nothing', async () => {
  const plan = await withSet((set) => planDiff(set, reader({ ...BASE, ...PATCHED, ...FULL }), fullReader));
  assert.equal(plan, { kind: 'already-applied' });
});

Plan('already applied is recognised by the reverse patches too, when the sha differs (nearby version)', async () => {
  const shifted = (text: string) => '// a nearby release added a line\n' + text;
  const tree = { ...BASE, ...FULL, ...Object.fromEntries(Object.entries(PATCHED).map(([p, t]) => [p, shifted(t)])) };
  const plan = await withSet((set) => planDiff(set, reader(tree), fullReader));
  assert.equal(plan, { kind: 'already-applied' });
});

Plan('a conflicting hunk: the plan is a conflict naming file, hunk, expected and found lines', async () => {
  const edited = BASE['daemon/daemon.go']!.replace('\treturn d, nil\n', '\treturn d, d.start()\n');
  const plan = await withSet((set) => planDiff(set, reader({ ...BASE, 'daemon/daemon.go': edited }), fullReader));
  if (plan.kind !== 'conflict') return assert.unreachable(plan.kind);
  assert.is(plan.failures.length, 1);
  const f = plan.failures[0]!;
  assert.is(f.file, 'daemon/daemon.go');
  assert.is(f.patch, `patches/${BASE_TAG}/0003-daemon-daemon.go.patch`);
  assert.is(f.hunk, '@@ -17,6 +18,9 @@');
  assert.is(f.reason, 'mismatch');
  assert.equal(f.expected, ['\tif err := d.setupLayers(ctx); err != nil {', '\t\treturn nil, fmt.Errorf("layers: %w", err)', '\t}', '\treturn d, nil', '}', '']);
  assert.equal(f.found[3], '\treturn d, d.start()');
  assert.is(f.offsetTried, 0);
  assert.is(f.line, 18);
});

Plan('every failing hunk is reported, not just the first', async () => {
  const tree = { ...BASE };
  tree['daemon/config/config.go'] = tree['daemon/config/config.go']!.replace('Debug    bool', 'Debugging bool');
  tree['daemon/daemon.go'] = tree['daemon/daemon.go']!.replace('\tid   string\n', '\tname string\n').replace('\treturn d, nil\n', '\treturn d, d.start()\n');
  const plan = await withSet((set) => planDiff(set, reader(tree), fullReader));
  if (plan.kind !== 'conflict') return assert.unreachable(plan.kind);
  assert.equal(plan.failures.map((f) => [f.file, f.hunk]), [
    ['daemon/config/config.go', '@@ -5,4 +5,6 @@'],
    ['daemon/daemon.go', '@@ -9,6 +9,7 @@'],
    ['daemon/daemon.go', '@@ -17,6 +18,9 @@'],
  ]);
});

Plan('a hunk found away from its header applies and is reported with its offset', async () => {
  const extra = '\td.id = newID()\n\td.log(ctx)\n';
  const moved = BASE['daemon/daemon.go']!.replace('root: root}\n', 'root: root}\n' + extra);
  const plan = await withSet((set) => planDiff(set, reader({ ...BASE, 'daemon/daemon.go': moved }), fullReader));
  if (plan.kind !== 'apply') return assert.unreachable(plan.kind);
  assert.equal(plan.offsets, [
    { patch: `patches/${BASE_TAG}/0003-daemon-daemon.go.patch`, file: 'daemon/daemon.go', hunk: '@@ -17,6 +18,9 @@', offset: 2 },
  ]);
  const after = plan.writes.find((w) => w.path === 'daemon/daemon.go')!.after;
  assert.is(after, PATCHED['daemon/daemon.go']!.replace('root: root}\n', 'root: root}\n' + extra));
});

Plan('a touched file missing from the tree is a conflict', async () => {
  const plan = await withSet((set) => planDiff(set, reader({ ...BASE, 'daemon/config/config.go': undefined }), fullReader));
  if (plan.kind !== 'conflict') return assert.unreachable(plan.kind);
  assert.equal(plan.failures.map((f) => [f.file, f.reason]), [['daemon/config/config.go', 'missing-file']]);
});

Plan('a partly applied tree is a conflict that lists the files already patched', async () => {
  const tree = { ...BASE, 'daemon/config/config.go': PATCHED['daemon/config/config.go'] };
  const plan = await withSet((set) => planDiff(set, reader(tree), fullReader));
  if (plan.kind !== 'conflict') return assert.unreachable(plan.kind);
  assert.equal(plan.partlyApplied, ['daemon/config/config.go']);
  assert.equal(plan.failures.map((f) => [f.file, f.reason]), [['daemon/config/config.go', 'already-applied']]);
});

Plan('a conflict in a tree where some files are already patched lists those files too', async () => {
  const tree = { ...BASE, 'daemon/config/config.go': PATCHED['daemon/config/config.go'], 'daemon/daemon.go': '// rewritten\n' };
  const plan = await withSet((set) => planDiff(set, reader(tree), fullReader));
  if (plan.kind !== 'conflict') return assert.unreachable(plan.kind);
  assert.equal(plan.partlyApplied, ['daemon/config/config.go']);
  assert.equal([...new Set(plan.failures.map((f) => f.file))], ['daemon/daemon.go']);
});

Plan('a full/ file the tree has with other content is a conflict, never overwritten silently', async () => {
  const tree = { ...BASE, 'daemon/extrastore/store.go': 'package extrastore // mine\n' };
  const plan = await withSet((set) => planDiff(set, reader(tree), fullReader));
  if (plan.kind !== 'conflict') return assert.unreachable(plan.kind);
  assert.equal(plan.failures.map((f) => [f.file, f.reason]), [['daemon/extrastore/store.go', 'full-file-differs']]);
});

Plan('a file without a final newline keeps that state through the patch', async () => {
  const plan = await withSet((set) => planDiff(set, reader(BASE), fullReader));
  if (plan.kind !== 'apply') return assert.unreachable(plan.kind);
  assert.ok(!BASE['cmd/dockerd/options.go']!.endsWith('\n'));
  assert.is(plan.writes.find((w) => w.path === 'cmd/dockerd/options.go')!.after, PATCHED['cmd/dockerd/options.go']);
});

Plan('patches that disagree with the manifest on the exact base are refused', async () => {
  const patched = { ...PATCHED, 'daemon/config/config.go': 'package config // not what the patch makes\n' };
  try {
    await withSet((set) => planDiff(set, reader(BASE), fullReader), { patched });
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.instance(error, ManifestMismatchError);
    assert.is((error as ManifestMismatchError).path, 'daemon/config/config.go');
  }
});

Plan('patches apply in series order, each on the text the earlier ones made', async () => {
  const names = Object.keys(PATCHES);
  const series = [names[0]!, names[1]!, names[3]!, names[2]!];
  const plan = await withSet((set) => planDiff(set, reader(BASE), fullReader), { series });
  if (plan.kind !== 'apply') return assert.unreachable(plan.kind);
  // 0004 (two import lines) now runs before 0003, so 0003's hunks are found two lines further down.
  assert.equal(plan.offsets.map((w) => [w.patch.split('/').at(-1), w.hunk, w.offset]), [
    ['0003-daemon-daemon.go.patch', '@@ -9,6 +9,7 @@', 2],
    ['0003-daemon-daemon.go.patch', '@@ -17,6 +18,9 @@', 2],
  ]);
  assert.is(plan.writes.find((w) => w.path === 'daemon/daemon.go')!.after, PATCHED['daemon/daemon.go']);
});

Plan('a conflict\'s details show where, why, expected and found', () => {
  const failure: HunkFailure = {
    patch: '0001-a.patch', file: 'daemon/daemon.go', hunk: '@@ -4,4 +4,5 @@', expected: ['\tflagB()'], found: ['\tflagC()'],
    offsetTried: 10, line: 4, reason: 'mismatch',
  };
  assert.equal(new PatchConflictError('/t', [failure]).detailLines(), [
    'daemon/daemon.go @@ -4,4 +4,5 @@ (0001-a.patch): context does not match, at line 4, tried offsets up to ±10',
    '  expected:',
    '    | \tflagB()',
    '  found:',
    '    | \tflagC()',
  ]);
});

Plan.run();
