import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validateExtraStorage, verifyVersion } from '../../src/dockerd/verify.ts';
import { ExtraStorageRejectedError, VersionMismatchError } from '../../src/dockerd/errors.ts';
import { removeDir, tempDir } from '../helpers.ts';

const Verify = suite('dockerd/verify');

async function fakeDockerd(dir: string, help: string, validateExit = 0): Promise<string> {
  const path = join(dir, 'dockerd');
  await writeFile(
    path,
    // Like dockerd, --validate fails when docker-proxy is not on PATH.
    `#!/bin/sh\ncase "$1" in\n --version) echo "Docker version 28.5.2-extra.1, build abc1234-extra.1";;\n --help) echo "${help}";;\n --validate) command -v docker-proxy >/dev/null || { echo "userland-proxy-path is not set" >&2; exit 1; }; grep -q '"extra-storage"' "$3" || exit 1; [ ${validateExit} = 0 ] && echo "configuration OK" || echo "the following directives don't match any configuration option: path" >&2; exit ${validateExit};;\nesac\n`,
  );
  await chmod(path, 0o755);
  await writeFile(join(dir, 'docker-proxy'), '#!/bin/sh\n');
  await chmod(join(dir, 'docker-proxy'), 0o755);
  return path;
}

Verify('verifyVersion accepts the stamped version and rejects a prefix of it', async () => {
  const dir = await tempDir();
  try {
    const bin = await fakeDockerd(dir, '');
    assert.is(await verifyVersion(bin, '28.5.2-extra.1'), 'Docker version 28.5.2-extra.1, build abc1234-extra.1');
    try {
      await verifyVersion(bin, '28.5.2-extra');
      assert.unreachable();
    } catch (error) {
      assert.instance(error, VersionMismatchError);
      assert.is((error as VersionMismatchError).expected, '28.5.2-extra');
    }
  } finally {
    await removeDir(dir);
  }
});

Verify('validateExtraStorage is skipped when the binary lacks the flag, run when it has it', async () => {
  const dir = await tempDir();
  try {
    const plain = await fakeDockerd(dir, '--validate');
    assert.is((await validateExtraStorage(plain)).kind, 'skipped');
    const patched = await fakeDockerd(dir, '--extra-storage string');
    assert.equal(await validateExtraStorage(patched), { kind: 'validated', output: 'configuration OK' });
    const failing = await fakeDockerd(dir, '--extra-storage string', 1);
    try {
      await validateExtraStorage(failing);
      assert.unreachable();
    } catch (error) {
      assert.instance(error, ExtraStorageRejectedError);
      assert.equal((error as ExtraStorageRejectedError).output, ["the following directives don't match any configuration option: path"]);
    }
  } finally {
    await removeDir(dir);
  }
});

Verify.run();
