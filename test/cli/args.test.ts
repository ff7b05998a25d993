import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCommandArgs } from '../../src/cli/args.ts';
import { UsageError } from '../../src/errors.ts';

const FLAGS = { json: { type: 'boolean' }, 'data-root': { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;
const Args = suite('cli/args: strict flags for every command');

const accepted: Array<[string, string[], Record<string, unknown>, string[]]> = [
  ['a boolean flag', ['--json', 'a.json'], { json: true }, ['a.json']],
  ['a value as the next argument', ['--data-root', '/srv', 'a.json'], { 'data-root': '/srv' }, ['a.json']],
  ['a value after =, even one with = in it', ['--data-root=/srv/a=b'], { 'data-root': '/srv/a=b' }, []],
  ['a value that starts with a dash, after =', ['--data-root=-x'], { 'data-root': '-x' }, []],
  ['the short form', ['-h'], { help: true }, []],
  ['- is an operand (stdin)', ['-', '--json'], { json: true }, ['-']],
  ['everything after -- is an operand', ['--', '--json', '-h'], {}, ['--json', '-h']],
  ['the last of a repeated flag wins', ['--data-root', '/a', '--data-root', '/b'], { 'data-root': '/b' }, []],
  ['nothing at all', [], {}, []],
];
for (const [name, argv, values, positionals] of accepted) {
  Args(`accepts ${name}`, () => {
    const parsed = parseCommandArgs('validate-config', argv, FLAGS, true);
    assert.equal({ ...parsed.values }, values);
    assert.equal(parsed.positionals, positionals);
  });
}

const refused: Array<[string, string[], RegExp, boolean?]> = [
  ['an unknown long flag', ['--bogus', 'a.json'], /^validate-config: Unknown option '--bogus'/],
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
      parseCommandArgs('validate-config', argv, FLAGS, allowPositionals);
    } catch (error) {
      assert.instance(error, UsageError);
      assert.match((error as Error).message, message);
      assert.not.match((error as Error).message, /\n/);
      return;
    }
    assert.unreachable(`${argv.join(' ')} was accepted`);
  });
}

Args.run();
