// Printing a Plan: JSON with a fixed key order (scripts and golden files compare it
// byte for byte, so equal plans print equal text), or a table for people.
import type { Plan } from '../core/plan-types.js';

export function planToJson(plan: Plan): string {
  // Objects are rebuilt field by field so the key order never depends on the planner.
  const ordered = {
    bindings: plan.bindings.map((b) => ({ pod: b.pod, node: b.node })),
    evictions: plan.evictions.map((e) => ({ pod: e.pod, node: e.node, preemptor: e.preemptor })),
    nominations: plan.nominations.map((n) => ({ pod: n.pod, node: n.node })),
    unschedulable: plan.unschedulable.map((u) => ({ pod: u.pod, reason: u.reason, message: u.message })),
    // Only when there are some, so plans without volumes print as they always did.
    ...(plan.volumeChoices === undefined
      ? {}
      : {
          volumeChoices: plan.volumeChoices.map((c) => ({
            pod: c.pod,
            node: c.node,
            claims: c.claims.map((k) => ({ claim: k.claim, volume: k.volume })),
          })),
        }),
    ...(plan.volumeReleases === undefined
      ? {}
      : { volumeReleases: plan.volumeReleases.map((r) => ({ claim: r.claim, volume: r.volume })) }),
  };
  return `${JSON.stringify(ordered)}\n`;
}

/** One row per decision: ACTION POD NODE DETAIL, columns padded like kubectl's. */
export function planToTable(plan: Plan): string {
  const rows: (readonly [string, string, string, string])[] = [
    ...plan.bindings.map((b) => ['bind', b.pod, b.node, ''] as const),
    ...plan.evictions.map((e) => ['evict', e.pod, e.node, `for ${e.preemptor}`] as const),
    ...plan.nominations.map((n) => ['nominate', n.pod, n.node, ''] as const),
    ...plan.unschedulable.map((u) => ['pending', u.pod, '', `${u.reason}: ${u.message}`] as const),
    // A claim's row: the volume chosen for it, or a new one provisioned on the node.
    ...(plan.volumeChoices ?? []).flatMap((c) =>
      c.claims.map(
        (k) => ['claim', c.pod, c.node, `${k.claim}: ${k.volume === '' ? 'provision' : `volume ${k.volume}`}`] as const,
      ),
    ),
    ...(plan.volumeReleases ?? []).map(
      (r) => ['release', '', '', `${r.claim}${r.volume === '' ? '' : `: volume ${r.volume}`}`] as const,
    ),
  ];
  if (rows.length === 0) return 'nothing to do: no pending pods\n';
  const header = ['ACTION', 'POD', 'NODE', 'DETAIL'] as const;
  const widths = [0, 1, 2].map((col) => Math.max(header[col]?.length ?? 0, ...rows.map((r) => r[col]?.length ?? 0)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, col) => (col < 3 ? cell.padEnd((widths[col] ?? 0) + 3) : cell))
      .join('')
      .trimEnd();
  return `${[header, ...rows].map(line).join('\n')}\n`;
}
