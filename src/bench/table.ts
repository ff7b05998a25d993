/** The benchmark's stdout: the figures per size, the targets as ratios, the honesty checks. */
import type { BenchRecord } from './record.ts';
import { rolloutCost } from './rollout.ts';
import { benchRows } from './rows.ts';
import { targetChecks, type TargetCheck } from './targets.ts';
import { formatBytes, formatRatio, sizeLabel } from './units.ts';

export function formatTargetValue(t: TargetCheck): string {
  if (t.value === undefined) return '-';
  return t.unit === 'bytes' ? formatBytes(t.value) : formatRatio(t.value);
}

export function targetVerdict(t: TargetCheck): string {
  return t.met === undefined ? 'n/a' : t.met ? 'met' : 'MISSED';
}

function align(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

export function formatBenchTable(record: Pick<BenchRecord, 'sizes' | 'honesty' | 'plan'>): string[] {
  const header = ['figure (median, p95 in brackets)', ...record.sizes.map((s) => sizeLabel(s.size))];
  const rows = benchRows(record).map((r) => [r.label, ...r.cells]);
  const lines = align([header, header.map((h) => '-'.repeat(h.length)), ...rows]);
  const targets = targetChecks(record);
  if (targets.length) {
    lines.push('', 'targets:');
    lines.push(...align(targets.map((t) => [`  ${t.name}`, formatTargetValue(t), `goal ${t.goal}`, targetVerdict(t), t.value === undefined ? t.note : ''])));
  }
  const rollout = rolloutCost(record);
  if (rollout) lines.push('', rolloutSentence(rollout.hosts, rollout.size, rollout.storeBytes, rollout.registryBytes));
  const failed = record.honesty.filter((c) => !c.ok);
  lines.push('', failed.length === 0 ? `honesty: all ${record.honesty.length} checks passed` : `honesty: ${failed.length} check(s) FAILED`);
  for (const c of failed) lines.push(`  FAIL ${c.name}: ${c.detail ?? ''}`);
  return lines;
}

export function rolloutSentence(hosts: number, size: number, storeBytes: number, registryBytes?: number): string {
  const served = `${hosts.toLocaleString('en-US')} hosts pulling the ${sizeLabel(size)} image read ${formatBytes(storeBytes)} from the store`;
  return registryBytes === undefined ? `${served}.` : `${served}, against ${formatBytes(registryBytes)} of registry egress.`;
}
