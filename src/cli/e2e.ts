/**
 * e2e: the end-to-end proof of extra-storage pull on real daemons. Prints one line per check as it
 * happens (PASS/FAIL/SKIP), the figures, and closes with exactly `N passed, N failed`; exit 0 only
 * when every check passed.
 */
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError, type ExitCode } from '../errors.ts';
import { formatFigure, formatOutcome, summaryLine, type E2eEvent } from '../e2e/results.ts';
import { runE2e } from '../e2e/run-e2e.ts';
import { defineCommand } from './command.ts';

const SPEC = {
  invocation: 'npm run e2e --',
  name: 'e2e',
  synopsis: '--moby PATH [--dockerd PATH] [--image-store graphdriver|containerd] [--snapshotter PATH] [--busybox PATH] [--keep]',
  summary: [
    'The end-to-end proof, as root on Linux with overlayfs and loop devices: builds the patched dockerd,',
    "runs the feature's Go tests, makes a store with store add, then pulls :TAG-extra, runs it,",
    'restarts, removes it and proves the store unchanged. Prints PASS/FAIL lines and N passed, N failed.',
    'On v29 every daemon runs with the graph-driver image store and without time namespaces; with',
    '--image-store containerd (v29) the pulls run on the containerd image store instead, through a',
    "containerd of the test's own with extra-snapshotter as its proxy plugin.",
  ].join('\n'),
  options: {
    moby: { type: 'string', value: 'PATH', help: 'a moby checkout of a supported tag (v28.x, docker-v29.x) to clone, patch and build (it is never modified)' },
    dockerd: { type: 'string', value: 'PATH', help: 'test this patched dockerd instead of building one' },
    'image-store': { type: 'string', value: 'KIND', help: 'graphdriver (default: every phase) or containerd (v29: the containerd image store through extra-snapshotter)' },
    snapshotter: { type: 'string', value: 'PATH', help: 'extra-snapshotter for --image-store containerd (default: beside the dockerd)' },
    busybox: { type: 'string', value: 'PATH', help: 'a static busybox for the test image (default: /bin/busybox)' },
    keep: { type: 'boolean', help: 'keep the daemons\' data and logs' },
  },
  example: 'npm run e2e -- --moby ~/src/moby',
} as const;

export const command = defineCommand(SPEC, async (ctx, { values }): Promise<ExitCode> => {
  if (!values.moby && !values.dockerd) throw new UsageError('e2e needs --moby PATH (a moby checkout to patch and build) or --dockerd PATH (a patched dockerd)');
  const moby = values.moby ? resolve(ctx.cwd, values.moby) : undefined;
  const dockerd = values.dockerd ? resolve(ctx.cwd, values.dockerd) : undefined;
  const busybox = resolve(ctx.cwd, values.busybox ?? '/bin/busybox');
  const imageStore = values['image-store'] ?? 'graphdriver';
  if (imageStore !== 'graphdriver' && imageStore !== 'containerd') throw new UsageError(`--image-store ${imageStore}: use graphdriver or containerd`);
  const snapshotter = values.snapshotter ? resolve(ctx.cwd, values.snapshotter) : undefined;
  if (snapshotter && imageStore !== 'containerd') throw new UsageError('--snapshotter is for --image-store containerd');
  for (const [flag, path] of [['--moby', moby], ['--dockerd', dockerd], ['--snapshotter', snapshotter], ['--busybox', busybox]] as const) {
    if (path && !(await access(path).then(() => true, () => false))) {
      throw new UsageError(`${flag} ${path} does not exist${flag === '--busybox' ? ' (apt-get install busybox-static)' : ''}`);
    }
  }
  const print = (event: E2eEvent) => {
    if (event.type === 'outcome') ctx.stdout.write(`${formatOutcome(event.outcome)}\n`);
    else if (event.type === 'figure') ctx.stdout.write(`${formatFigure(event.figure)}\n`);
    else ctx.stdout.write(`  ${event.text}\n`);
  };
  const { results, logDir } = await runE2e({ moby, dockerd, keep: values.keep === true, busybox, imageStore, ...(snapshotter ? { snapshotter } : {}), signal: ctx.signal, onEvent: print });
  if (results.failed > 0) ctx.stdout.write(`logs kept in ${logDir}\n`);
  ctx.stdout.write(`${summaryLine(results)}\n`);
  return results.failed === 0 && results.passed > 0 ? 0 : 1;
});
