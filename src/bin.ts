/** The process edge: wires signals and stdio to src/cli/main.ts and sets the exit code. */
import { main } from './cli/main.ts';
import { exitOnStdoutError } from './cli/output.ts';

const controller = new AbortController();
let interrupts = 0;
const onSignal = () => {
  interrupts++;
  if (interrupts > 1) process.exit(130);
  process.stderr.write('\ninterrupted: stopping and rolling back (Ctrl-C again to quit at once)\n');
  controller.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.stdout.on('error', exitOnStdoutError(process.stderr));
const code = await main(
  process.argv.slice(2),
  { cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr, stdin: process.stdin },
  controller.signal,
);
process.exitCode = controller.signal.aborted && code === 0 ? 130 : code;
