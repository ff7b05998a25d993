/** Runs the file checks of the test image in a throw-away container and records the verdicts. */
import { checkScript, describeExpectation, parseCheckOutput } from './container-checks.ts';
import { errorText, type E2eContext } from './context.ts';
import type { DockerClient } from './docker.ts';
import type { ImageSpec } from './image-spec.ts';

/** `each`: one outcome per expectation; otherwise one outcome naming the failing ones. */
export async function checkContainerFiles(ctx: E2eContext, docker: DockerClient, spec: ImageSpec, ref: string, label: string, each: boolean): Promise<boolean> {
  let output: string;
  try {
    const result = await docker.call(['run', '--rm', '--network', 'none', ref, 'sh', '-c', checkScript(spec.expectations)], { timeoutMs: 120_000, signal: ctx.signal });
    output = result.stdout;
  } catch (error) {
    ctx.results.fail(`${label}: docker run ${ref}`, errorText(error));
    return false;
  }
  const verdicts = parseCheckOutput(output, spec.expectations);
  if (each) {
    for (const v of verdicts) ctx.results.check(`${label}: ${describeExpectation(v.expectation)}`, v.ok, v.detail);
  } else {
    const bad = verdicts.filter((v) => !v.ok);
    ctx.results.check(`${label}: docker run ${ref} sees all ${verdicts.length} expected files`, bad.length === 0,
      bad.map((v) => `${describeExpectation(v.expectation)}: ${v.detail}`).join('; '));
  }
  return verdicts.every((v) => v.ok);
}
