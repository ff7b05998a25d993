/** Why `store check --deep` cannot run: exit 2 like a usage mistake, since no verdict was reached. */
import { UserError } from '../errors.ts';

export class DeepCheckUnavailableError extends UserError {
  override readonly exitCode = 2;
  constructor(
    readonly missing: 'root' | 'dockerd' | 'docker',
    readonly hint: string,
  ) {
    super(`store check --deep cannot run: ${hint}`);
    this.name = 'DeepCheckUnavailableError';
  }
}

/** Why `store add`/`store rm` left DIR alone before touching it: exit 2, the store is untouched. */
export class StoreRefusedError extends UserError {
  override readonly exitCode = 2;
  constructor(
    readonly verb: string,
    readonly dir: string,
    readonly reason: 'missing-parent' | 'read-only' | 'not-a-directory' | 'mount-point' | 'in-use' | 'not-a-store' | 'leftover-in-use',
    readonly hint: string,
  ) {
    super(`store ${verb}: ${dir}: ${hint}`);
    this.name = 'StoreRefusedError';
  }
}

/** The edited copy failed `store check`: it is not switched in; the store is as it was. */
export class StoreEditCheckError extends UserError {
  constructor(
    readonly verb: string,
    readonly dir: string,
    readonly problems: readonly string[],
  ) {
    super(`store ${verb}: the result fails store check (${problems.length} problem${problems.length === 1 ? '' : 's'}), so it was not switched in; ${dir} is as it was`);
    this.name = 'StoreEditCheckError';
  }
  override detailLines(): readonly string[] {
    return this.problems.slice(0, 10);
  }
}

/** The store's dockerd refused an image or a tag: nothing was switched in. */
export class StoreEditError extends UserError {
  constructor(
    readonly verb: string,
    readonly dir: string,
    readonly subject: string,
    readonly reason: string,
  ) {
    super(`store ${verb}: ${subject}: ${reason}; ${dir} is as it was`);
    this.name = 'StoreEditError';
  }
}

/** No dockerd to write the store with: exit 2, nothing was touched. */
export class StoreDockerdMissingError extends UserError {
  override readonly exitCode = 2;
  constructor(readonly dockerd: string) {
    super(`no dockerd at ${dockerd}; build one with npm run build-dockerd (it writes dist/dockerd), or pass --dockerd PATH (a dockerd of the store's engine line)`);
    this.name = 'StoreDockerdMissingError';
  }
}
