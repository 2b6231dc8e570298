// A pod's volumes against one node, as kube-scheduler's VolumeRestrictions,
// NodeVolumeLimits, VolumeBinding and VolumeZone plugins judge them. Prepared once per
// pod per search: what holds the pod on every node (a missing claim, a claim being
// deleted, an unbound claim of an Immediate class, a ReadWriteOncePod claim in use, a
// timed-out choice, resource claims), then a check per node, then, for the node
// chosen, the volumes chosen for its claims that still have none.
import { termMatches } from '../filters/node-affinity.js';
import type { Claim, Node, PersistentVolume } from '../model.js';
import { REASON, type Rejection, unresolvable } from '../reasons.js';
import type { NodeState, PodFacts } from '../state.js';
import { selectorMatches } from '../topology/terms.js';
import type { VolumeIndex } from './index.js';

const NODE_CONFLICT = unresolvable(REASON.volumeNodeConflict);
const BIND_CONFLICT = unresolvable(REASON.volumeBindConflict);
const PV_MISSING = unresolvable(REASON.volumeMissing);
const ZONE_CONFLICT = unresolvable(REASON.volumeZone);
const SELECTED_ELSEWHERE = unresolvable(REASON.volumeSelectedElsewhere);
const TOO_MANY_VOLUMES = unresolvable(REASON.volumeCount);
const NO_PROVISIONER = 'kubernetes.io/no-provisioner';
const ZONE_LABELS = [
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
];

export interface VolumeRules {
  /** Why no node can take the pod now; undefined when nodes may. */
  readonly hold: string | undefined;
  check(ns: NodeState): Rejection | undefined;
  /** Every claim is Bound: the pod may be bound. Otherwise it is nominated and waits for them. */
  readonly bound: boolean;
  /** Chooses a volume (or provisioning) on `ns` for each claim still without a choice, and records it. */
  choose(ns: NodeState): ReadonlyArray<{ readonly claim: string; readonly volume: string }>;
  /** The pod's claims, by key. */
  readonly claimKeys: readonly string[];
}

function nodeAllows(v: PersistentVolume, node: Node): boolean {
  return v.nodeAffinity === undefined || v.nodeAffinity.some((t) => termMatches(t, node));
}

/** VolumeZone: a bound volume's zone/region labels (values joined by "__") must include the node's. */
function zoneAllows(v: PersistentVolume, node: Node): boolean {
  if (!ZONE_LABELS.some((k) => node.labels[k] !== undefined)) return true; // a node without zones takes any volume
  for (const key of ZONE_LABELS) {
    const values = v.labels[key];
    if (values === undefined) continue;
    if (!values.split('__').includes(node.labels[key] ?? '')) return false;
  }
  return true;
}

function fits(v: PersistentVolume, c: Claim): boolean {
  return (
    !v.deleting &&
    v.storageClassName === c.storageClassName &&
    v.capacity >= c.request &&
    v.volumeMode === c.volumeMode &&
    c.accessModes.every((m) => v.accessModes.includes(m)) &&
    (c.selector === undefined || selectorMatches(c.selector, v.labels))
  );
}

/** undefined when the pod has no claim-backed or CSI volumes and no resource claims. */
export function prepareVolumes(index: VolumeIndex, f: PodFacts): VolumeRules | undefined {
  const pod = f.pod;
  if (pod.volumes.length === 0 && !pod.resourceClaims) return undefined;
  const hold = (reason: string): VolumeRules => ({
    hold: reason,
    check: () => BIND_CONFLICT,
    bound: false,
    choose: () => [],
    claimKeys: [],
  });
  if (pod.resourceClaims) {
    return hold('spec.resourceClaims: this scheduler does not allocate devices (dynamic resource allocation)');
  }

  const claims: Claim[] = [];
  const immediate: string[] = [];
  for (const v of pod.volumes) {
    if (v.kind !== 'claim') continue;
    const key = `${pod.namespace}/${v.claimName}`;
    const c = index.claims.get(key);
    if (c === undefined) {
      return hold(
        v.ephemeral
          ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${v.claimName}"`
          : `persistentvolumeclaim "${v.claimName}" not found`,
      );
    }
    if (c.phase === 'Lost') {
      return hold(`persistentvolumeclaim "${c.name}" bound to non-existent persistentvolume "${c.volumeName}"`);
    }
    if (c.deleting) return hold(`persistentvolumeclaim "${c.name}" is being deleted`);
    if (v.ephemeral && c.controllerPodUid !== pod.uid) {
      return hold(`PVC ${c.key} was not created for pod ${pod.key} (pod is not owner)`);
    }
    if (c.accessModes.includes('ReadWriteOncePod') && index.otherUsers(key, pod.key) > 0) {
      return hold(REASON.readWriteOncePodInUse);
    }
    if (index.expired.has(key)) {
      return hold(`the volume chosen for persistentvolumeclaim "${c.name}" did not bind in time; choosing again`);
    }
    if (c.volumeName === '' && index.choiceOf(c) === undefined) {
      const mode = index.classes.get(c.storageClassName)?.bindingMode ?? 'Immediate';
      if (mode !== 'WaitForFirstConsumer') immediate.push(c.name);
    }
    if (!claims.includes(c)) claims.push(c);
  }
  if (immediate.length > 0) return hold('pod has unbound immediate PersistentVolumeClaims');

  // Claims still to choose for, smallest request first (as kube-scheduler matches them).
  const open = (): Claim[] =>
    claims
      .filter((c) => c.volumeName === '' && index.choiceOf(c) === undefined)
      .sort((a, b) => a.request - b.request || (a.key < b.key ? -1 : 1));

  /** A free volume or provisioning on the node for each open claim; undefined when some claim has neither. */
  const plan = (node: Node, pending: readonly Claim[]): Array<[Claim, string]> | undefined => {
    const taken = new Set<string>();
    const picks: Array<[Claim, string]> = [];
    for (const c of pending) {
      let best: PersistentVolume | undefined;
      for (const v of index.volumesOfClass(c.storageClassName)) {
        if (taken.has(v.name) || !index.isFree(v, c) || !fits(v, c) || !nodeAllows(v, node)) continue;
        if (best === undefined || v.capacity < best.capacity || (v.capacity === best.capacity && v.name < best.name)) {
          best = v;
        }
      }
      if (best !== undefined) {
        taken.add(best.name);
        picks.push([c, best.name]);
        continue;
      }
      const cls = index.classes.get(c.storageClassName);
      const provisions =
        cls !== undefined &&
        cls.provisioner !== '' &&
        cls.provisioner !== NO_PROVISIONER &&
        (cls.allowedTopologies === undefined || cls.allowedTopologies.some((t) => termMatches(t, node)));
      if (!provisions) return undefined;
      picks.push([c, '']);
    }
    return picks;
  };

  const check = (ns: NodeState): Rejection | undefined => {
    const node = ns.node;
    if (exceedsAttachLimits(index, f, ns)) return TOO_MANY_VOLUMES;
    for (const c of claims) {
      if (c.volumeName !== '') {
        const v = index.volumes.get(c.volumeName);
        if (v === undefined) return PV_MISSING;
        if (!nodeAllows(v, node)) return NODE_CONFLICT;
        if (!zoneAllows(v, node)) return ZONE_CONFLICT;
        continue;
      }
      const choice = index.choiceOf(c);
      if (choice === undefined) continue;
      if (choice.node !== '' && choice.node !== node.name) return SELECTED_ELSEWHERE;
      const v = index.volumes.get(choice.volume);
      if (v !== undefined && !nodeAllows(v, node)) return NODE_CONFLICT;
    }
    const pending = open();
    if (pending.length > 0 && plan(node, pending) === undefined) return BIND_CONFLICT;
    return undefined;
  };

  const choose = (ns: NodeState): Array<{ claim: string; volume: string }> => {
    const picks = plan(ns.node, open()) ?? [];
    for (const [c, volume] of picks) index.choose(c, volume === '' ? ns.node.name : '', volume);
    index.use(
      pod.key,
      claims.map((c) => c.key),
    );
    return picks.map(([c, volume]) => ({ claim: c.key, volume }));
  };

  return {
    hold: undefined,
    check,
    bound: claims.every((c) => c.phase === 'Bound' && c.volumeName !== ''),
    choose,
    claimKeys: claims.map((c) => c.key),
  };
}

/** A CSI volume's identity for attach counting: the driver and a key unique to the volume. */
function csiVolumes(index: VolumeIndex, f: PodFacts): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const v of f.pod.volumes) {
    if (v.kind === 'csi') {
      out.push([v.driver, `${f.pod.uid}/${v.name}`]);
      continue;
    }
    const c = index.claims.get(`${f.pod.namespace}/${v.claimName}`);
    if (c === undefined) continue;
    const pv = c.volumeName === '' ? undefined : index.volumes.get(c.volumeName);
    if (pv !== undefined) {
      if (pv.csiDriver !== '') out.push([pv.csiDriver, `${pv.csiDriver}/${pv.csiHandle}`]);
      continue;
    }
    // Not bound yet: counted under its class's provisioner, as kube-scheduler does.
    const provisioner = index.classes.get(c.storageClassName)?.provisioner ?? '';
    if (provisioner !== '') out.push([provisioner, `claim/${c.key}`]);
  }
  return out;
}

/** NodeVolumeLimits: the node's CSINode caps how many volumes of each driver it attaches. */
function exceedsAttachLimits(index: VolumeIndex, f: PodFacts, ns: NodeState): boolean {
  const limits = index.csiNodes.get(ns.node.name)?.attachLimits;
  if (limits === undefined) return false;
  const incoming = csiVolumes(index, f).filter(([driver]) => limits.get(driver) !== undefined);
  if (incoming.length === 0) return false;
  const attached = new Map<string, Set<string>>();
  const add = (driver: string, id: string): void => {
    let set = attached.get(driver);
    if (set === undefined) attached.set(driver, (set = new Set()));
    set.add(id);
  };
  for (const g of ns.bound) if (g.pod.volumes.length > 0) for (const [d, id] of csiVolumes(index, g)) add(d, id);
  for (const [d, id] of incoming) add(d, id);
  for (const [driver, ids] of attached) {
    const limit = limits.get(driver);
    if (limit !== undefined && ids.size > limit) return true;
  }
  return false;
}
