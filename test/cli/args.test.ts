import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatHelp, parseCommandArgs, type CommandSpec } from '../../src/cli/args.ts';
import { UsageError } from '../../src/errors.ts';

const SPEC = {
  invocation: 'validate-config',
  name: 'validate-config',
  synopsis: '[--json] FILE...',
  summary: 'Checks files.',
  options: { json: { type: 'boolean', help: 'JSON out' }, 'data-root': { type: 'string', value: 'PATH', help: 'the data-root' }, quiet: { type: 'boolean', short: 'q', help: 'say less' } },
  operands: true,
  example: 'validate-config a.json',
} as const satisfies CommandSpec;
const NO_OPERANDS = { ...SPEC, operands: false };
const Args = suite('cli/args: strict flags for every command');

const accepted: Array<[string, string[], Record<string, unknown>, string[]]> = [
  ['a boolean flag', ['--json', 'a.json'], { json: true }, ['a.json']],
  ['a value as the next argument', ['--data-root', '/srv', 'a.json'], { 'data-root': '/srv' }, ['a.json']],
  ['a value after =, even one with = in it', ['--data-root=/srv/a=b'], { 'data-root': '/srv/a=b' }, []],
  ['a value that starts with a dash, after =', ['--data-root=-x'], { 'data-root': '-x' }, []],
  ['the short form', ['-q'], { quiet: true }, []],
  ['- is an operand (stdin)', ['-', '--json'], { json: true }, ['-']],
  ['everything after -- is an operand', ['--', '--json', '-h', '--help'], {}, ['--json', '-h', '--help']],
  ['the last of a repeated flag wins', ['--data-root', '/a', '--data-root', '/b'], { 'data-root': '/b' }, []],
  ['nothing at all', [], {}, []],
];
for (const [name, argv, values, positionals] of accepted) {
  Args(`accepts ${name}`, () => {
    const parsed = parseCommandArgs(SPEC, argv);
    if (parsed.kind !== 'run') return assert.unreachable(parsed.kind);
    assert.equal({ ...parsed.values }, values);
    assert.equal(parsed.positionals, positionals);
  });
}

const refused: Array<[string, string[], RegExp, boolean?]> = [
  ['an unknown long flag, pointing at --help', ['--bogus', 'a.json'], /^validate-config: Unknown option '--bogus'.*; see validate-config --help$/],
  ['an unknown flag written with =', ['--bogus=1'], /Unknown option '--bogus'/],
  ['an unknown short flag', ['-x'], /Unknown option '-x'/],
  ['a name every object has (--constructor)', ['--constructor', 'a.json'], /Unknown option '--constructor'/],
  ['--toString=1', ['--toString=1'], /Unknown option '--toString'/],
  ['a value for a boolean flag', ['--json=yes'], /'--json' does not take an argument/],
  ['a missing value at the end', ['--data-root'], /'--data-root <value>' argument missing/],
  ['a flag where the value should be', ['--data-root', '--json'], /'--data-root' argument is ambiguous\. .*use '--data-root=-XYZ'/],
  ['an operand where the command takes none', ['a.json'], /Unexpected argument 'a\.json'/, false],
  ['an operand after -- where the command takes none', ['--', 'a.json'], /Unexpected argument 'a\.json'/, false],
];
for (const [name, argv, message, allowPositionals = true] of refused) {
  Args(`refuses ${name} with one UsageError line`, () => {
    try {
      parseCommandArgs(allowPositionals ? SPEC : NO_OPERANDS, argv);
    } catch (error) {
      assert.instance(error, UsageError);
      assert.match((error as Error).message, message);
      assert.not.match((error as Error).message, /\n/);
      return;
    }
    assert.unreachable(`${argv.join(' ')} was accepted`);
  });
}

Args('--help, -h and --version are answered before anything else is checked', () => {
  for (const argv of [['--help'], ['-h'], ['a.json', '--json', '--help']]) assert.equal(parseCommandArgs(SPEC, argv), { kind: 'help' });
  assert.equal(parseCommandArgs(NO_OPERANDS, ['--version']), { kind: 'version' });
});

Args('the help shows the usage line, every declared option with its value and help, and the example', () => {
  const help = formatHelp(SPEC);
  assert.ok(help.startsWith('usage: validate-config [--json] FILE...\n\nChecks files.\n'));
  assert.match(help, /\n  --json {12}JSON out\n/);
  assert.match(help, /\n  --data-root PATH  the data-root\n/);
  assert.match(help, /\n  -q, --quiet {7}say less\n/);
  assert.match(help, /\n  -h, --help {8}show this help and exit\n  --version {9}print the project version/);
  assert.ok(help.endsWith('\nexample:\n  validate-config a.json\n'));
});

Args.run();
