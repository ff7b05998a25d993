/** Version, release and branch computation, and rpm's ordering of what we produce. */
import { execFileSync } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDistro } from '../../src/rpm/distro.ts';
import { UnknownDistroError, UnknownEngineLineError } from '../../src/rpm/errors.ts';
import { compareEvr, rpmvercmp } from '../../src/rpm/vercmp.ts';
import { computeRpmVersion, expectedDockerdVersion, extraRelease, packagingBranch, versionDefines } from '../../src/rpm/version.ts';

const Version = suite('rpm version and release');

const DISTROS = ['centos-9', 'centos-10', 'rhel-8', 'rhel-9', 'rhel-10', 'fedora-41', 'fedora-42', 'fedora-43'];

/** rpm's own answer, or undefined when rpm is not installed. */
function rpmSays(a: string, b: string): number | undefined {
  try {
    return Number(execFileSync('rpm', ['--eval', `%{lua: print(rpm.vercmp('${a}', '${b}'))}`], { encoding: 'utf8' }).trim());
  } catch {
    return undefined;
  }
}

Version('each engine line maps to the packaging branch that pins its spec and Go', () => {
  assert.is(packagingBranch('28.5.2'), '28.x');
  assert.is(packagingBranch('28.0.0-rc.1'), '28.x');
  assert.is(packagingBranch('29.7.2'), 'master');
  const error = (() => {
    try {
      packagingBranch('27.5.1');
    } catch (e) {
      return e;
    }
  })();
  assert.instance(error, UnknownEngineLineError);
  assert.equal((error as UnknownEngineLineError).known, ['28.x', '29.x']);
});

Version('a tagged engine gets our release, stamp and defines', () => {
  const v = computeRpmVersion({ engineVersion: '28.5.2', gitCommit: 'abc1234', extra: 1, dist: '.el9' });
  assert.equal(v, { version: '28.5.2', release: '1.extra1', origVersion: '28.5.2-extra.1', gitCommit: 'abc1234' });
  assert.is(expectedDockerdVersion(v), 'Docker version 28.5.2-extra.1, build abc1234');
  assert.equal(versionDefines(v), { _version: '28.5.2', _release: '1.extra1', _origversion: '28.5.2-extra.1', _gitcommit_engine: 'abc1234' });
  // Pre-releases keep sorting below the release, as gen-rpm-ver does it.
  assert.is(computeRpmVersion({ engineVersion: '29.0.0-rc.1', gitCommit: 'x', extra: 2, dist: '.el9' }).version, '29.0.0~rc.1');
});

Version('our RPM sorts above the stock docker-ce of the same version on every distro', () => {
  for (const name of DISTROS) {
    const { dist } = parseDistro(name, DISTROS);
    for (const extra of [1, 2, 10]) {
      const ours = { epoch: 3, version: '28.5.2', release: extraRelease(extra, dist) + dist };
      const stock = { epoch: 3, version: '28.5.2', release: `1${dist}` };
      assert.is(compareEvr(ours, stock), 1, `${name}: ${ours.release} > ${stock.release}`);
      assert.is(compareEvr(ours, { ...stock, version: '28.5.3' }), -1, `${name}: the next upstream release still wins`);
      const real = rpmSays(ours.release, stock.release);
      if (real !== undefined) assert.is(real, 1, `rpm itself: ${ours.release} > ${stock.release}`);
    }
  }
  assert.is(extraRelease(1, '.el9'), '1.extra1');
  assert.is(extraRelease(1, '.fc41'), '1.0.extra1', '"fc" sorts above "extra": a number goes first');
  assert.is(compareEvr({ epoch: 3, version: '28.5.2', release: '1.extra2.el9' }, { epoch: 3, version: '28.5.2', release: '1.extra1.el9' }), 1);
});

Version('rpmvercmp agrees with rpm on tricky pairs', () => {
  const pairs: [string, string][] = [
    ['1.extra1.el9', '1.el9'], ['1.extra1.fc41', '1.fc41'], ['1.0.extra1.fc41', '1.fc41'], ['28.0.0~rc.1', '28.0.0'],
    ['1.0', '1.0^a'], ['1.0^a', '1.0.1'], ['a', '1'], ['1.a', '1.1'], ['1a', '1.a'], ['1.0~', '1.0'], ['1~', '1^'],
    ['a1', 'a01'], ['10', '9'], ['1.010', '1.9'], ['2.0', '2.0.0'], ['1_0', '1.0'], ['1.el9', '1.el10'], ['fc', 'extra'],
  ];
  let checked = 0;
  for (const [a, b] of pairs) {
    const real = rpmSays(a, b);
    if (real === undefined) continue;
    checked++;
    assert.is(rpmvercmp(a, b), real, `${a} vs ${b}`);
    assert.is(rpmvercmp(b, a), -real, `${b} vs ${a}`);
  }
  if (checked === 0) console.log('SKIPPED rpmvercmp vs rpm: rpm is not installed');
});

Version('distros give the dist tag and macro rpm would define there', () => {
  assert.equal(parseDistro('centos-9', DISTROS), { name: 'centos-9', dist: '.el9', macros: { rhel: '9' } });
  assert.equal(parseDistro('fedora-42', DISTROS), { name: 'fedora-42', dist: '.fc42', macros: { fedora: '42' } });
  assert.throws(() => parseDistro('debian-bookworm', DISTROS), (e: unknown) => e instanceof UnknownDistroError && e.distro === 'debian-bookworm');
  assert.throws(() => parseDistro('centos-8', DISTROS), (e: unknown) => e instanceof UnknownDistroError);
});

Version.run();
