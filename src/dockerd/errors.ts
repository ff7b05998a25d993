/** What can stop the build of dockerd, each with the data the message is made from. */
import { UserError } from '../errors.ts';

export class GoMissingError extends UserError {
  constructor(readonly needed: string) {
    super(`go was not found on PATH; install Go ${needed} or newer (moby's vendor.mod asks for it) and put it on PATH`);
    this.name = 'GoMissingError';
  }
}

export class GoTooOldError extends UserError {
  constructor(
    readonly needed: string,
    readonly found: string,
    readonly path: string,
  ) {
    super(`Go ${needed} or newer is needed (moby's vendor.mod), found go${found} at ${path}; install a newer Go first on PATH`);
    this.name = 'GoTooOldError';
  }
}

export class BinaryMissingError extends UserError {
  constructor(
    readonly path: string,
    readonly logPath: string,
  ) {
    super(`the build finished but ${path} was not produced; read the build log: ${logPath}`);
    this.name = 'BinaryMissingError';
  }
}

export class VersionMismatchError extends UserError {
  constructor(
    readonly binary: string,
    readonly expected: string,
    readonly output: string,
  ) {
    super(`${binary} --version says "${output}", not ${expected}; remove it and build again`);
    this.name = 'VersionMismatchError';
  }
}

/** The build failed after this run applied the patch set; the apply was taken back (or not fully). */
export class BuildRolledBackError extends UserError {
  constructor(
    readonly failure: UserError,
    readonly problems: readonly string[],
  ) {
    super(
      `${failure.message}; ` +
        (problems.length ? `the patch set could not be fully taken back (${problems.length} file(s) below)` : 'the patch set this run applied was taken back, the tree is as before'),
    );
    this.name = 'BuildRolledBackError';
  }
  override detailLines(): readonly string[] {
    return [...this.failure.detailLines(), ...this.problems];
  }
}

/** The patched dockerd does not accept a daemon.json with extra-storage: the patch set is broken. */
export class ExtraStorageRejectedError extends UserError {
  constructor(
    readonly binary: string,
    readonly config: string,
    readonly output: readonly string[],
  ) {
    super(`${binary} --validate rejects a daemon.json with extra-storage (${config.trim()}); the patch set's configuration handling is broken, fix it and build again`);
    this.name = 'ExtraStorageRejectedError';
  }
  override detailLines(): readonly string[] {
    return this.output;
  }
}

/** The project's snapshotter/ module is not where build-dockerd reads it from. */
export class SnapshotterModuleMissingError extends UserError {
  override readonly exitCode = 2;
  constructor(readonly moduleDir: string) {
    super(`${moduleDir}/go.mod was not found: extra-snapshotter is built from the project's snapshotter/ module; restore it, or build without it: --no-snapshotter`);
    this.name = 'SnapshotterModuleMissingError';
  }
}

/** `make -C snapshotter build` failed; dockerd itself was built. */
export class SnapshotterBuildError extends UserError {
  constructor(
    readonly command: string,
    readonly reason: string,
    readonly stderrTail: readonly string[],
    readonly logPath: string,
  ) {
    super(`building extra-snapshotter failed (${command} ${reason}); read the build log: ${logPath}, or build without it: --no-snapshotter`);
    this.name = 'SnapshotterBuildError';
  }
  override detailLines(): readonly string[] {
    return this.stderrTail;
  }
}

/** The built extra-snapshotter does not answer --help with its usage. */
export class SnapshotterRejectedError extends UserError {
  constructor(
    readonly binary: string,
    readonly exitCode_: number,
    readonly output: readonly string[],
  ) {
    super(`${binary} --help exited ${exitCode_} without its usage; remove it and build again`);
    this.name = 'SnapshotterRejectedError';
  }
  override detailLines(): readonly string[] {
    return this.output;
  }
}
