// The filter chain, in kube-scheduler's order: node state, taints, affinity (none of
// which eviction can change), then host ports, resources and pod slots (which it can).
// The first filter that rejects a node decides its reasons, as in kube-scheduler.
import type { Node, Taint } from '../model.js';
import { REASON, type Rejection, unresolvable } from '../reasons.js';
import { insufficientResources, portsConflict, resourcesFit, type Usage } from '../resources.js';
import type { PodFacts } from '../state.js';
import { podMatchesNode } from './node-affinity.js';
import { firstUntoleratedTaint, isTolerated, UNSCHEDULABLE_TAINT } from './taints.js';

const NOT_READY = unresolvable(REASON.notReady);
const UNSCHEDULABLE = unresolvable(REASON.unschedulable);
const AFFINITY = unresolvable(REASON.affinity);
const PORTS: Rejection = { resolvable: true, reasons: [REASON.ports] };
const MAX_PODS: Rejection = { resolvable: true, reasons: [REASON.maxPodsPerNode] };
/** One rejection per taint object, so a tainted cluster costs no garbage per pod per node. */
const TAINTED = new WeakMap<Taint, Rejection>();

function untolerated(taint: Taint): Rejection {
  let r = TAINTED.get(taint);
  if (r === undefined) TAINTED.set(taint, (r = unresolvable(REASON.untoleratedTaint(taint.key, taint.value))));
  return r;
}

/** Rules that depend only on the pod and the node, never on what runs there. */
export function checkStatic(f: PodFacts, node: Node): Rejection | undefined {
  if (!node.ready) return NOT_READY;
  const tolerations = f.pod.tolerations;
  if (node.unschedulable && !isTolerated(tolerations, UNSCHEDULABLE_TAINT)) return UNSCHEDULABLE;
  if (node.taints.length > 0) {
    const taint = firstUntoleratedTaint(tolerations, node.taints);
    if (taint !== undefined) return untolerated(taint);
  }
  if (!podMatchesNode(f.pod, node)) return AFFINITY;
  return undefined;
}

/** Rules about room on the node, given what is (or would be) running there. */
export function checkCapacity(f: PodFacts, used: Usage, node: Node, maxPodsPerNode: number): Rejection | undefined {
  if (f.ports.length > 0 && portsConflict(f.ports, used)) return PORTS;
  const tooMany = used.pods + 1 > node.allocatablePods;
  if (tooMany || !resourcesFit(f.pod.requests, used, node.allocatable)) {
    const reasons = insufficientResources(f.pod.requests, used, node.allocatable).map(REASON.insufficient);
    if (tooMany) reasons.unshift(REASON.tooManyPods);
    return { resolvable: true, reasons };
  }
  if (f.ours && maxPodsPerNode > 0 && used.ourPods + 1 > maxPodsPerNode) return MAX_PODS;
  return undefined;
}

/** checkCapacity without the reasons, for preemption's many dry runs. */
export function fitsCapacity(f: PodFacts, used: Usage, node: Node, maxPodsPerNode: number): boolean {
  if (f.ports.length > 0 && portsConflict(f.ports, used)) return false;
  if (used.pods + 1 > node.allocatablePods || !resourcesFit(f.pod.requests, used, node.allocatable)) return false;
  return !(f.ours && maxPodsPerNode > 0 && used.ourPods + 1 > maxPodsPerNode);
}
