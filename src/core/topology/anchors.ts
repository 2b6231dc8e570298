// Anchors: labels a pod must carry for a selector to match it. A count over a selector
// with anchors only looks at pods carrying one of them (found in a label index), and a
// placement only updates counts anchored on one of its labels; selectors without an
// anchor (only NotIn, Exists, DoesNotExist) look at every pod.
import type { LabelSelector } from '../model.js';

/** `key=value` of a label. */
export function labelAnchor(key: string, value: string): string {
  return `${key}=${value}`;
}

/** One of these labels is on every pod the selector matches; undefined when no such set is known. */
export function anchorsOf(selector: LabelSelector | undefined): readonly string[] | undefined {
  if (selector === undefined) return [];
  const keys = Object.keys(selector.matchLabels).sort();
  const first = keys[0];
  if (first !== undefined) return [labelAnchor(first, selector.matchLabels[first] ?? '')];
  const inExpression = selector.matchExpressions.find((r) => r.operator === 'In');
  if (inExpression !== undefined) return inExpression.values.map((v) => labelAnchor(inExpression.key, v));
  return undefined;
}
