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
