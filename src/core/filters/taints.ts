// Taints and tolerations with Kubernetes' matching rules.
import type { Taint, Toleration } from '../model.js';

export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect !== '' && t.effect !== taint.effect) return false;
  if (t.key !== '' && t.key !== taint.key) return false;
  // Exists with an empty key tolerates every taint (API validation keeps Equal keys non-empty).
  if (t.operator === 'Exists') return true;
  return t.value === taint.value;
}

export function isTolerated(tolerations: readonly Toleration[], taint: Taint): boolean {
  for (const t of tolerations) if (tolerates(t, taint)) return true;
  return false;
}

/** The first NoSchedule/NoExecute taint the pod does not tolerate, as the filter reports it. */
export function firstUntoleratedTaint(tolerations: readonly Toleration[], taints: readonly Taint[]): Taint | undefined {
  for (const taint of taints) {
    if (taint.effect === 'PreferNoSchedule') continue;
    if (!isTolerated(tolerations, taint)) return taint;
  }
  return undefined;
}

export function untoleratedPreferNoSchedule(tolerations: readonly Toleration[], taints: readonly Taint[]): number {
  let n = 0;
  for (const taint of taints) {
    if (taint.effect === 'PreferNoSchedule' && !isTolerated(tolerations, taint)) n++;
  }
  return n;
}

export const UNSCHEDULABLE_TAINT: Taint = Object.freeze({
  key: 'node.kubernetes.io/unschedulable',
  value: '',
  effect: 'NoSchedule',
});
