/**
 * argv → command → exit code. Commands are loaded lazily so that `validate-config` does not pay for
 * listr2 and git at start-up. The first Ctrl-C aborts the command's signal (it rolls back and
 * returns); a second one exits at once. Each command answers its own `--help`; this file answers the
 * top level's.
 */
import { UsageError, type ExitCode } from '../errors.ts';
import type { Command, CommandContext } from './command.ts';
import { renderError, unwrapTaskError } from './render.ts';
import { verbs as storeVerbs } from './store.ts';

type Load = () => Promise<{ command: Command }>;

/** Each command with what the top-level help says of it; the command's own --help says the rest. */
const commands: Record<string, { load: Load; summary: string }> = {
  'build-dockerd': { load: () => import('./build-dockerd.ts'), summary: 'apply the patch set to a moby tree and build dockerd' },
  rpm: { load: () => import('./rpm.ts'), summary: 'build docker-ce RPMs of the patched engine with docker-ce-packaging' },
  'validate-config': { load: () => import('./validate-config.ts'), summary: 'check daemon.json files, every mistake with its line and column' },
  'export-patches': { load: () => import('./export-patches.ts'), summary: 'turn a moby branch into patches/<base>/, full/<base>/ and manifest.json' },
  e2e: { load: () => import('./e2e.ts'), summary: 'the end-to-end proof of extra-storage pull on real daemons' },
  bench: { load: () => import('./bench.ts'), summary: 'time pulls from the store against a registry and a local image' },
  store: { load: () => import('./store.ts'), summary: 'make, change, check, list, pack and publish an extra store (a dockerd data-root) through the engine and with its rules' },
  matrix: { load: () => import('./matrix.ts'), summary: 'plan, apply, build and check every final engine tag, one table at the end' },
  // Each store verb's file is a command too, as its name says: store-check is store check.
  ...Object.fromEntries(Object.entries(storeVerbs).map(([verb, v]) => [`store-${verb}`, { load: v.load, summary: `the same as store ${verb}` }])),
};

const TOP_HINT = 'see npx tsx src/bin.ts --help';

function topLevelHelp(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  return [
    'usage: npm run COMMAND -- [OPTIONS]     (or: npx tsx src/bin.ts COMMAND [OPTIONS])',
    '',
    'dockerd-extra: extra-storage pull for the Docker engine, its build orchestrator and validate-config.',
    '',
    'commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'options:',
    '  -h, --help   show this help; COMMAND --help shows its options',
    '  --version    print the project version, the engine lines and their patch sets',
    '',
    'example:',
    '  npm run build-dockerd -- --moby ~/src/moby',
    '',
  ].join('\n');
}

export async function main(argv: readonly string[], base: Omit<CommandContext, 'argv' | 'signal'>, signal: AbortSignal): Promise<ExitCode> {
  const [name, ...rest] = argv;
  try {
    if (name === '--help' || name === '-h') {
      base.stdout.write(topLevelHelp());
      return 0;
    }
    if (name === '--version') {
      base.stdout.write(await (await import('./version.ts')).versionText(base.env, base.cwd));
      return 0;
    }
    const entry = name === undefined ? undefined : Object.hasOwn(commands, name) ? commands[name] : undefined;
    if (!entry) {
      const what = name === undefined ? 'no command given' : name.startsWith('-') ? `unknown option ${name}` : `unknown command "${name}"`;
      throw new UsageError(`${what}; commands: ${Object.keys(commands).join(', ')}; ${TOP_HINT}`);
    }
    const { command } = await entry.load();
    return await command({ ...base, argv: rest, signal });
  } catch (error) {
    return renderError(unwrapTaskError(error), base.stderr);
  }
}
