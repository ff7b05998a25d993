/**
 * A tiny invented tree with moby's file names, for the moby/, dockerd/ and CLI suites. Its
 * hack/make.sh is a small shell script that writes a fake dockerd (a shell script answering
 * --version, --help and --validate) where moby's writes the real one, and, like moby's
 * hack/with-go-mod.sh, a temporary go.mod it removes on the way out.
 */
import { chmod, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gitSync, makeRepo, tempDir } from '../helpers.ts';

export const FAKE_MAKE_SH = `#!/bin/sh
# invented stand-in for moby's hack/make.sh: "builds" a dockerd that prints its stamped version
set -e
[ "$1" = dynbinary ] || { echo "unknown bundle $1" >&2; exit 2; }
echo "---> Making bundle: dynbinary"
printf 'module github.com/docker/docker\\n' > go.mod
if [ -e daemon/SLOW_BUILD ]; then
  mkdir -p bundles && touch bundles/.started
  sleep 60   # long enough for a test to interrupt it
fi
if [ -e daemon/BREAK_BUILD ]; then
  for i in $(seq 1 40); do echo "daemon/daemon.go:$i: undefined: brokenThing"; done
  exit 1   # leaves go.mod behind, as a killed build would
fi
count=$(cat bundles/.builds 2>/dev/null || echo 0)
mkdir -p bundles/dynbinary-daemon
echo $((count + 1)) > bundles/.builds
help=""
[ -e daemon/extra/storage.go ] && help="  --extra-storage string   Extra storage (path[,device,type[,options]])"
cat > bundles/dynbinary-daemon/dockerd <<SCRIPT
#!/bin/sh
case "\\$1" in
  --version) echo "Docker version $VERSION, build $DOCKER_GITCOMMIT" ;;
  --help) echo "Usage: dockerd [OPTIONS]"; echo "  --validate  Validate daemon configuration and exit"; echo "$help" ;;
  --validate) grep -q extra-storage "\\$3" && echo "configuration OK" || { echo "unknown key" >&2; exit 1; } ;;
  *) exit 1 ;;
esac
SCRIPT
chmod +x bundles/dynbinary-daemon/dockerd
printf '#!/bin/sh\\necho proxy\\n' > bundles/dynbinary-daemon/docker-proxy
chmod +x bundles/dynbinary-daemon/docker-proxy
rm -f go.mod
echo "Created binary: bundles/dynbinary-daemon/dockerd"
`;

export const MOBY_FILES: Record<string, string> = {
  '.gitignore': '/bundles/\n',
  'vendor.mod': 'module github.com/docker/docker\n\ngo 1.21.0\n\nrequire example.com/invented v1.0.0\n',
  'cmd/dockerd/main.go': 'package main\n\nfunc main() {\n\trunDaemon()\n}\n',
  'cmd/dockerd/config.go': 'package main\n\n// invented flags file\nfunc installFlags() {\n\tflagA()\n\tflagB()\n}\n',
  'daemon/daemon.go': 'package daemon\n\n// Daemon is invented.\ntype Daemon struct {\n\tname string\n}\n',
  'hack/make.sh': FAKE_MAKE_SH,
};

/** A fixture moby tree tagged `tag` (default v28.5.2); hack/make.sh committed executable. */
export async function makeMobyTree(tag = 'v28.5.2', extra: Record<string, string> = {}): Promise<string> {
  const dir = await makeRepo({ ...MOBY_FILES, ...extra });
  await chmod(join(dir, 'hack/make.sh'), 0o755);
  gitSync(dir, 'add', 'hack/make.sh');
  gitSync(dir, 'commit', '-q', '--amend', '-m', 'fixture');
  if (tag) gitSync(dir, 'tag', tag);
  return dir;
}

/** A folder holding a fake `go` that reports `version`; put it first on PATH. */
export async function fakeGoDir(version: string): Promise<string> {
  const dir = await tempDir('dockerd-extra-fakego-');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'go'), `#!/bin/sh\necho "go version go${version} linux/amd64"\n`);
  await chmod(join(dir, 'go'), 0o755);
  return dir;
}
