/**
 * The README's performance section, written from one benchmark record: the figures per size, the
 * targets as ratios, the fleet and the 10,000-host rollout, and where the raw JSON is. Pure: the
 * command reads the record and the README and writes the result.
 */
import type { BenchRecord } from './record.ts';
import { rolloutCost } from './rollout.ts';
import { benchRows } from './rows.ts';
import { formatTargetValue, targetVerdict } from './table.ts';
import { targetChecks } from './targets.ts';
import { formatBytes, formatRatio, sizeLabel, versionIn } from './units.ts';

export const README_START = '<!-- bench:start -->';
export const README_END = '<!-- bench:end -->';

export class ReadmeMarkersError extends Error {
  constructor(readonly missing: string) {
    super(`README has no ${missing} marker`);
    this.name = 'ReadmeMarkersError';
  }
}

const cell = (text: string) => text.replace(/\|/g, '\\|');
const mdRow = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;

export function formatReadmeSection(record: BenchRecord, recordPath: string): string {
  const sizes = record.sizes.map((s) => sizeLabel(s.size));
  const out: string[] = [
    `Measured ${record.date.slice(0, 10)} on ${record.machine.cpus} CPUs, ${formatBytes(record.machine.memoryBytes)} RAM, Linux ${record.kernel}; ` +
      `dockerd ${record.versions.dockerd}, docker CLI ${versionIn(record.versions.dockerCli)}, docker-registry ${versionIn(record.versions.registry)}. ` +
      `Generated ${record.plan.layers}-layer images (half incompressible, half text), ${record.plan.runs} interleaved runs on one daemon${record.plan.quick ? ' (`--quick`)' : ''}; ` +
      'median, p95 in brackets. Raw samples: `' + recordPath + '`.',
    '',
    mdRow(['', ...sizes]),
    mdRow(['---', ...sizes.map(() => '---:')]),
    ...benchRows(record).map((r) => mdRow([r.label.trim(), ...r.cells])),
    '',
  ];
  const targets = targetChecks(record);
  if (targets.length) {
    out.push('| target | measured | goal | |', '|---|---:|---|---|');
    for (const t of targets) out.push(mdRow([t.name, formatTargetValue(t), t.goal, t.value === undefined ? `n/a: ${t.note}` : targetVerdict(t)]));
    out.push('');
  }
  out.push(...rolloutParagraph(record));
  const failed = record.honesty.filter((c) => !c.ok).length;
  out.push('', failed === 0
    ? `Every extra pull was checked against the registry's access log (no request), every pull's tags were checked, and the store's filesystem image hashed the same before and after (${record.honesty.length} checks).`
    : `**${failed} honesty check(s) failed in this run; its figures are not to be trusted.**`);
  return out.join('\n');
}

function rolloutParagraph(record: BenchRecord): string[] {
  const r = rolloutCost(record);
  if (!r) return [];
  const hosts = r.hosts.toLocaleString('en-US');
  const which = r.size === 1024 ** 3 ? 'the 1 GiB image' : `the ${sizeLabel(r.size)} image (this record has no 1 GiB figures)`;
  const lines = [
    `A rollout of ${which} to ${hosts} hosts, from the per-host figures above: each host reads ${formatBytes(r.storeBytesPerHost)} from the store to pull, ` +
      `${formatBytes(r.storeBytes)} for the whole fleet` +
      (r.registryBytes !== undefined
        ? `, where pulling from a registry serves ${formatBytes(r.registryBytesPerHost!)} per host, ${formatBytes(r.registryBytes)} of registry egress` +
          (r.saving !== undefined ? ` (${formatRatio(r.saving)} the store's bytes)` : '') + '.'
        : '.'),
  ];
  if (r.coldRunBytesPerHost !== undefined) {
    lines[0] += ` A container's cold start then reads what it opens (here ${formatBytes(r.coldRunBytesPerHost)} per host for the first output), from the store instead of a local copy.`;
  }
  return lines;
}

/** The README with the text between the markers replaced (the markers stay). */
export function replaceBetweenMarkers(readme: string, section: string): string {
  const start = readme.indexOf(README_START);
  if (start < 0) throw new ReadmeMarkersError(README_START);
  const end = readme.indexOf(README_END, start);
  if (end < 0) throw new ReadmeMarkersError(README_END);
  return `${readme.slice(0, start + README_START.length)}\n${section.trimEnd()}\n${readme.slice(end)}`;
}

/** File names made by recordFileName, newest first (they sort by time); other files are left out. */
export function recordNamesNewestFirst(names: readonly string[]): string[] {
  return names.filter((n) => /^\d{4}-\d{2}-\d{2}T[\d-]+Z-.*\.json$/.test(n)).sort().reverse();
}
