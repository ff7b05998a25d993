/**
 * Target distributions, as data: what %dist and the distro macro (%rhel / %fedora) are on each, so a
 * native build on a foreign host stamps the same release as the packaging containers would.
 */
import { UnknownDistroError } from './errors.ts';

export interface Distro {
  /** docker-ce-packaging's name, also its rpm/<name>/ folder: "centos-9". */
  name: string;
  /** "%{?dist}" on that distro: ".el9". */
  dist: string;
  /** Macros the distro's redhat-rpm-config / fedora release package defines: { rhel: "9" }. */
  macros: Record<string, string>;
}

/** centos-N and rhel-N are ".elN" with %rhel N; fedora-N is ".fcN" with %fedora N. */
export function parseDistro(name: string, known: readonly string[]): Distro {
  const match = /^(centos|rhel|fedora)-(\d+)$/.exec(name);
  if (!match || (known.length > 0 && !known.includes(name))) {
    throw new UnknownDistroError(name, known.length > 0 ? known : ['centos-9', 'centos-10', 'rhel-8', 'rhel-9', 'rhel-10', 'fedora-41']);
  }
  const [, family, number] = match as unknown as [string, string, string];
  return family === 'fedora'
    ? { name, dist: `.fc${number}`, macros: { fedora: number } }
    : { name, dist: `.el${number}`, macros: { rhel: number } };
}
