/** What can go wrong around the e2e's own machinery (not a failed check: those are outcomes). */
import { UserError } from '../errors.ts';

export class DaemonStartError extends UserError {
  constructor(
    readonly daemon: string,
    readonly reason: string,
    readonly logFile: string,
    readonly logTail: readonly string[],
  ) {
    super(`dockerd "${daemon}" ${reason}; see its log ${logFile}`);
    this.name = 'DaemonStartError';
  }
  override detailLines(): readonly string[] {
    return this.logTail;
  }
}

export class NotRootError extends UserError {
  constructor(readonly what: string) {
    super(`${what} needs root (loop devices, mounts and dockerd); run it as root or in CI`);
    this.name = 'NotRootError';
  }
}

export class BuildUnavailableError extends UserError {
  constructor(readonly missing: string) {
    super(`cannot build the patched dockerd: ${missing} is missing; pass --dockerd PATH to test a binary built elsewhere`);
    this.name = 'BuildUnavailableError';
  }
}

/** A distribution v2 API call the e2e makes itself (crafting a repository) got an unexpected answer. */
export class RegistryApiError extends UserError {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`registry ${method} ${url} answered ${status}: ${body.slice(0, 200)}`);
    this.name = 'RegistryApiError';
  }
}
