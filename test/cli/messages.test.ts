import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closingLine, formatPlan } from '../../src/cli/messages.ts';
import type { TreePlan } from '../../src/patchset/change.ts';
import type { PatchSet } from '../../src/patchset/patch-set.ts';
import type { FileWrite } from '../../src/patchset/plan.ts';

const Report = suite('cli/messages');

const hunk = { header: '@@ -4,4 +4,5 @@', line: 5, oldStart: 4, oldLines: 4, newStart: 4, newLines: 5, lines: [] };
const set = {
  base: 'v28.5.2',
  patches: [{ name: 'patches/v28.5.2/0001-a.patch', files: [{ path: 'daemon/daemon.go', line: 1, hunks: [hunk, hunk] }] }],
  fullFiles: ['daemon/extra/store.go'],
  manifest: { base: 'v28.5.2', release: 2, files: {}, full: {} },
} as unknown as PatchSet;

/** The plan lines of an apply plan with these writes (and warnings, replaced edits, take-back). */
const planOf = (writes: FileWrite[], more: Partial<Extract<TreePlan, { kind: 'apply' }>> = {}) =>
  formatPlan(set, { kind: 'apply', writes, offsets: [], ...more }, '/src/moby');

Report('formatPlan lists files with hunk counts, offsets and replaced edits', () => {
  const writes: FileWrite[] = [
    { path: 'daemon/daemon.go', before: 'x', after: 'y', source: 'patch' },
    { path: 'daemon/extra/store.go', before: undefined, after: 'z', source: 'full' },
  ];
  const lines = planOf(writes, {
    offsets: [
      { patch: '0001-a.patch', file: 'daemon/daemon.go', hunk: '@@ -4,4 +4,5 @@', offset: 3 },
      { patch: '0001-a.patch', file: 'daemon/daemon.go', hunk: '@@ -4,4 +4,5 @@', offset: -1 },
    ],
    replacedLocalEdits: ['daemon/daemon.go'],
  });
  assert.equal(lines, [
    'plan for /src/moby (patch set v28.5.2 release 2):',
    '  modify  daemon/daemon.go  (patch, 2 hunk(s))',
    '  create  daemon/extra/store.go  (new file from full/)',
    '  offsets: 2 of 2 hunk(s) applied where the lines moved: daemon/daemon.go +3 -1',
    '  warning: local edits to daemon/daemon.go will be replaced (--strategy full)',
    '  2 file(s) to write',
  ]);
  assert.match(formatPlan(set, { kind: 'already-applied' }, '/t')[1]!, 'already applied');
  const empty = { ...set, patches: [], fullFiles: [] } as unknown as PatchSet;
  assert.match(formatPlan(empty, { kind: 'already-applied' }, '/t')[1]!, 'is empty: nothing to apply');
});

Report('formatPlan says which earlier release is taken back, and what goes back to HEAD or away', () => {
  const writes: FileWrite[] = [
    { path: 'daemon/daemon.go', before: 'y1', after: 'y2', source: 'patch' },
    { path: 'daemon/hook.go', before: 'h1', after: 'h', source: 'take-back' },
    { path: 'daemon/extra/old.go', before: 'o', after: undefined, source: 'take-back' },
  ];
  const lines = planOf(writes, { takesBack: { base: 'v28.5.2', release: 1, files: 3 } });
  assert.equal(lines.slice(1), [
    '  take back the v28.5.2 release 1 applied earlier (3 file(s) restored from HEAD), then:',
    '  modify  daemon/daemon.go  (patch, 2 hunk(s))',
    '  modify  daemon/hook.go  (back to HEAD)',
    '  delete  daemon/extra/old.go  (created by the set taken back)',
    '  3 file(s) to write',
  ]);
});

Report('closingLine says what happened and where', () => {
  assert.is(closingLine({ kind: 'up-to-date', binary: '/d/dockerd', version: '28.5.2-extra.1' }), 'dockerd 28.5.2-extra.1 is up to date: /d/dockerd (tree and patch set unchanged, build skipped)');
  assert.is(closingLine({ kind: 'built', binaries: ['/d/dockerd'], version: '28.5.2-extra.1', logFile: '/d/build-dockerd.log' }), 'built dockerd 28.5.2-extra.1: /d/dockerd (log: /d/build-dockerd.log)');
  const snapshotter = { binary: '/d/extra-snapshotter', logFile: '/d/build-snapshotter.log' };
  assert.is(
    closingLine({ kind: 'built', binaries: ['/d/dockerd'], version: '29.7.2-extra.1', logFile: '/d/build-dockerd.log', snapshotter }),
    'built dockerd 29.7.2-extra.1: /d/dockerd (log: /d/build-dockerd.log); extra-snapshotter: /d/extra-snapshotter (log: /d/build-snapshotter.log)',
  );
  assert.match(closingLine({ kind: 'up-to-date', binary: '/d/dockerd', version: '29.7.2-extra.1', snapshotter }), /build skipped\); extra-snapshotter: \/d\/extra-snapshotter/);
  assert.match(closingLine({ kind: 'dry-run', treeDir: '/m', writes: 0, label: 'patch set v28.5.2-extra.1' }), 'nothing was changed');
});

Report.run();
