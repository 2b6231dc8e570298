// Reads `kubectl get nodes,pods -A -o json` on stdin and the names of candidate nodes as
// arguments. Prints one line per node pods can land on ("node NAME FREE_MILLICPU") and a
// last line "cpu MILLICPU": a cpu request that fits every such node once and none twice,
// so that one pod fills one node. Exits 1 with a reason when no such request exists.
import { readFileSync } from 'node:fs';

const wanted = new Set(process.argv.slice(2));
const items = JSON.parse(readFileSync(0, 'utf8')).items ?? [];

/** cpu quantity -> millicores (rounded up, as Kubernetes does for requests). */
function milliCpu(q) {
  if (q === undefined || q === null || q === '') return 0;
  const m = /^([0-9.]+(?:[eE][-+]?[0-9]+)?)(m|k|M|G)?$/.exec(String(q));
  if (!m) throw new Error(`cannot read cpu quantity "${q}"`);
  const scale = { m: 1, k: 1e6, M: 1e9, G: 1e12 }[m[2] ?? ''] ?? 1000;
  return Math.ceil(Number(m[1]) * scale);
}
const sum = (list) => (list ?? []).reduce((s, c) => s + milliCpu(c.resources?.requests?.cpu), 0);
function podCpu(pod) {
  const init = Math.max(0, ...(pod.spec.initContainers ?? []).map((c) => milliCpu(c.resources?.requests?.cpu)));
  return Math.max(sum(pod.spec.containers), init) + milliCpu(pod.spec.overhead?.cpu);
}
const usable = (node) =>
  wanted.has(node.metadata.name) &&
  !node.spec?.unschedulable &&
  (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True') &&
  !(node.spec?.taints ?? []).some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');

const used = new Map();
for (const p of items.filter((i) => i.kind === 'Pod')) {
  const node = p.spec?.nodeName;
  if (!node || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
  used.set(node, (used.get(node) ?? 0) + podCpu(p));
}
const nodes = items
  .filter((i) => i.kind === 'Node' && usable(i))
  .map((n) => ({
    name: n.metadata.name,
    free: milliCpu(n.status?.allocatable?.cpu) - (used.get(n.metadata.name) ?? 0),
  }))
  .sort((a, b) => a.name.localeCompare(b.name));
if (nodes.length === 0) {
  console.error('no schedulable node: none is Ready, uncordoned and free of NoSchedule/NoExecute taints');
  process.exit(1);
}
for (const n of nodes) console.log(`node ${n.name} ${n.free}`);
const least = Math.min(...nodes.map((n) => n.free));
const most = Math.max(...nodes.map((n) => n.free));
if (least < 100 || 2 * least <= most) {
  console.error(
    `cannot size one pod per node: free cpu ranges from ${least}m to ${most}m; ` +
      'a request must fit the emptiest-but-smallest node and exceed half of the largest. ' +
      'Choose similar nodes with WORKFLOW_NODE_SELECTOR.',
  );
  process.exit(1);
}
console.log(`cpu ${least}`);
