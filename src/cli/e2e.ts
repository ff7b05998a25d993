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
import { parseCommandArgs } from './args.ts';
import type { Command } from './command.ts';

const FLAGS = {
  moby: { type: 'string' },
  dockerd: { type: 'string' },
  busybox: { type: 'string' },
  keep: { type: 'boolean' },
} as const;

export const command: Command = async (ctx): Promise<ExitCode> => {
  const { values } = parseCommandArgs('e2e', ctx.argv, FLAGS);
  if (!values.moby && !values.dockerd) throw new UsageError('e2e needs --moby PATH (a moby v28.5.2 checkout to patch and build) or --dockerd PATH (a patched dockerd)');
  const moby = values.moby ? resolve(ctx.cwd, values.moby) : undefined;
  const dockerd = values.dockerd ? resolve(ctx.cwd, values.dockerd) : undefined;
  const busybox = resolve(ctx.cwd, values.busybox ?? '/bin/busybox');
  for (const [flag, path] of [['--moby', moby], ['--dockerd', dockerd], ['--busybox', busybox]] as const) {
    if (path && !(await access(path).then(() => true, () => false))) {
      throw new UsageError(`${flag} ${path} does not exist${flag === '--busybox' ? ' (apt-get install busybox-static)' : ''}`);
    }
  }
  const print = (event: E2eEvent) => {
    if (event.type === 'outcome') ctx.stdout.write(`${formatOutcome(event.outcome)}\n`);
    else if (event.type === 'figure') ctx.stdout.write(`${formatFigure(event.figure)}\n`);
    else ctx.stdout.write(`  ${event.text}\n`);
  };
  const { results, logDir } = await runE2e({ moby, dockerd, keep: values.keep === true, busybox, signal: ctx.signal, onEvent: print });
  if (results.failed > 0) ctx.stdout.write(`logs kept in ${logDir}\n`);
  ctx.stdout.write(`${summaryLine(results)}\n`);
  return results.failed === 0 && results.passed > 0 ? 0 : 1;
};
