/**
 * What docker-ce.spec makes the package require, so verification can prove the built RPM requires
 * no less (master's `containerd.io >= 2.1.5` above all: without it the v29 RPM would install next
 * to an older containerd than upstream supports for that line). Pure text in, dependency strings out.
 *
 * Read: the `Requires:` lines of the main package's preamble (before its first section) that hold
 * on every distro, i.e. outside any %if; values with a macro are left out (their expansion is the
 * target's). A line may list several dependencies separated by commas; a rich dependency
 * (parenthesized) is one.
 */

const SECTION = /^%(description|package|prep|build|install|check|files|pre|post|preun|postun|changelog)\b/;

/** "containerd.io>=2.1.5" and "containerd.io  >= 2.1.5" both read "containerd.io >= 2.1.5", as rpm -qpR prints it. */
export function normalizeDependency(dep: string): string {
  if (dep.trim().startsWith('(')) return dep.trim().replace(/\s+/g, ' ');
  return dep.replace(/\s*(>=|<=|=|<|>)\s*/, ' $1 ').trim().replace(/\s+/g, ' ');
}

function splitDependencies(value: string): string[] {
  if (value.startsWith('(')) return [value];
  return value.split(',').map((d) => d.trim()).filter(Boolean);
}

/** The unconditional Requires of the spec's main package, normalized. */
export function specRequires(specText: string): string[] {
  const found: string[] = [];
  let depth = 0;
  for (const raw of specText.split('\n')) {
    const line = raw.trim();
    if (SECTION.test(line)) break;
    if (/^%if(n?arch|n?os)?\b/.test(line)) depth++;
    else if (/^%endif\b/.test(line)) depth = Math.max(0, depth - 1);
    const value = /^Requires:\s*(.+)$/.exec(line)?.[1]?.trim();
    if (depth > 0 || !value || value.includes('%')) continue;
    found.push(...splitDependencies(value).map(normalizeDependency));
  }
  return found;
}
