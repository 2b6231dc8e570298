// Builders for planner tests: small readable snapshots in the core model.
// cpu in cores and memory in GiB here, converted to the planner's units.
import {
  NO_POD_AFFINITY,
  type GangRef,
  type GangSource,
  type Node,
  type Pod,
  type Resources,
  type Snapshot,
  type Taint,
  type PodDisruptionBudget,
  type PodGroup,
  type PodGroupSource,
} from './model.js';
import { labelKeyProblem, labelValueProblem } from './labels.js';
import { DEFAULT_PLAN_CONFIG, type PlanConfig } from './plan-types.js';

const GiB = 1024 ** 3;
export const T0 = Date.parse('2026-01-01T00:00:00Z');

export function res(cpu: number, memoryGiB = 0, scalar: Record<string, number> = {}): Resources {
  return {
    cpu: Math.round(cpu * 1000),
    memory: memoryGiB * GiB,
    ephemeralStorage: 0,
    scalar: new Map(Object.entries(scalar)),
  };
}

export interface NodeOptions {
  cpu?: number;
  memory?: number;
  pods?: number;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  ready?: boolean;
  scalar?: Record<string, number>;
}

export function node(name: string, o: NodeOptions = {}): Node {
  return {
    name,
    labels: { 'kubernetes.io/hostname': name, ...o.labels },
    allocatable: res(o.cpu ?? 4, o.memory ?? 16, o.scalar),
    allocatablePods: o.pods ?? 110,
    taints: o.taints ?? [],
    unschedulable: o.unschedulable ?? false,
    ready: o.ready ?? true,
  };
}

/** Every field may be left out or given as undefined (tests build options from conditions). */
export type PodOptions = { [K in keyof Omit<Pod, 'key' | 'name' | 'requests'>]?: Pod[K] | undefined } & {
  cpu?: number | undefined;
  memory?: number | undefined;
  scalar?: Record<string, number> | undefined;
  group?: string | undefined;
  minAvailable?: string | undefined;
  /** The annotations <prefix>/topology-key and <prefix>/preferred-topology-key. */
  topologyKey?: string | undefined;
  preferredTopologyKey?: string | undefined;
  age?: number | undefined; // seconds after T0 the pod was created
};

const GROUP_NAME = 'custom-scheduling.k8s.io/group-name';
const MIN_AVAILABLE = 'custom-scheduling.k8s.io/min-available';
const TOPOLOGY_KEY = 'custom-scheduling.k8s.io/topology-key';
const PREFERRED_TOPOLOGY_KEY = 'custom-scheduling.k8s.io/preferred-topology-key';

/** Where a pod states its gang runs, as the annotations say. */
export interface StatedTopology {
  readonly topologyKey?: string | undefined;
  readonly preferredTopologyKey?: string | undefined;
}

type TopologyFields = Pick<
  Extract<GangRef, { kind: 'member' }>,
  'topologyKey' | 'preferredTopologyKey' | 'topologyProblem'
>;

function keyProblem(annotation: string, key: string | undefined): string | undefined {
  const problem = key === undefined ? undefined : labelKeyProblem(key);
  return problem === undefined ? undefined : `invalid annotation ${annotation}=${JSON.stringify(key)}: ${problem}`;
}

/** The topology fields of a member declaration, as the converter reads the annotations. */
function topologyFields(t: StatedTopology): TopologyFields {
  const topologyProblem =
    keyProblem(TOPOLOGY_KEY, t.topologyKey) ?? keyProblem(PREFERRED_TOPOLOGY_KEY, t.preferredTopologyKey);
  if (topologyProblem !== undefined)
    return { topologyKey: undefined, preferredTopologyKey: undefined, topologyProblem };
  return { topologyKey: t.topologyKey, preferredTopologyKey: t.preferredTopologyKey, topologyProblem: undefined };
}

/**
 * The custom gang declaration of `group` and `minAvailable`, as the converter reads the
 * annotations with the default prefix (src/snapshot/gang-refs.test.ts checks they agree).
 */
export function customGangRef(
  group: string | undefined,
  minAvailable: string | undefined,
  topology: StatedTopology = {},
): GangRef | undefined {
  if (group === undefined) {
    const stated = topology.topologyKey === undefined ? topology.preferredTopologyKey : topology.topologyKey;
    if (minAvailable === undefined && stated !== undefined) {
      const annotation = topology.topologyKey === undefined ? PREFERRED_TOPOLOGY_KEY : TOPOLOGY_KEY;
      return {
        kind: 'invalid',
        source: 'custom',
        problem: `annotation ${annotation} needs a gang on the same pod (${GROUP_NAME} or a PodGroup)`,
      };
    }
    if (minAvailable === undefined) return undefined;
    return {
      kind: 'invalid',
      source: 'custom',
      problem: `annotation ${MIN_AVAILABLE} needs ${GROUP_NAME} on the same pod`,
    };
  }
  const nameProblem = group === '' ? 'must not be empty' : labelValueProblem(group);
  if (nameProblem !== undefined) {
    return {
      kind: 'invalid',
      source: 'custom',
      problem: `invalid annotation ${GROUP_NAME}=${JSON.stringify(group)}: ${nameProblem}`,
    };
  }
  const text = minAvailable?.trim();
  const valid = text !== undefined && /^[1-9][0-9]*$/.test(text) && Number.isSafeInteger(Number(text));
  return {
    kind: 'member',
    source: 'custom',
    name: group,
    field: `annotation ${GROUP_NAME}`,
    quorum: valid ? Number(text) : undefined,
    quorumProblem:
      minAvailable === undefined || valid
        ? undefined
        : `invalid annotation ${MIN_AVAILABLE}=${JSON.stringify(minAvailable)}: must be a positive integer`,
    ...topologyFields(topology),
  };
}

/** Where each source's declaration sits on a pod, as the converter names it. */
const DECLARED_BY: Readonly<Record<GangSource, string>> = {
  custom: `annotation ${GROUP_NAME}`,
  kubernetes: 'spec.schedulingGroup.podGroupName',
  'scheduler-plugins': 'label scheduling.x-k8s.io/pod-group',
  volcano: 'annotation scheduling.k8s.io/group-name',
  kueue: 'label kueue.x-k8s.io/pod-group-name',
};

/** A valid declaration of the gang `name` of `source`, with the quorum the pod states. */
export function gangRef(source: GangSource, name: string, quorum?: number, topology: StatedTopology = {}): GangRef {
  return {
    kind: 'member',
    source,
    name,
    field: DECLARED_BY[source],
    quorum,
    quorumProblem: undefined,
    ...topologyFields(topology),
  };
}

/** A PodGroup in namespace default: a gang of 2 with no terms of its own unless `o` says. */
export function podGroup(source: PodGroupSource, name: string, o: Partial<PodGroup> = {}): PodGroup {
  return {
    source,
    namespace: 'default',
    name,
    quorum: 2,
    priority: undefined,
    preemptionPolicy: 'PreemptLowerPriority',
    disruptionMode: 'single',
    topologyKey: undefined,
    minResources: undefined,
    unsupported: undefined,
    ...o,
  };
}

export function pod(name: string, o: PodOptions = {}): Pod {
  const namespace = o.namespace ?? 'default';
  const annotations: Record<string, string> = { ...o.annotations };
  if (o.group !== undefined) annotations[GROUP_NAME] = o.group;
  if (o.minAvailable !== undefined) annotations[MIN_AVAILABLE] = o.minAvailable;
  if (o.topologyKey !== undefined) annotations[TOPOLOGY_KEY] = o.topologyKey;
  if (o.preferredTopologyKey !== undefined) annotations[PREFERRED_TOPOLOGY_KEY] = o.preferredTopologyKey;
  const custom = customGangRef(o.group, o.minAvailable, o);
  const gangRefs = o.gangRefs ?? (custom === undefined ? undefined : [custom]);
  const nodeName = o.nodeName ?? '';
  return {
    namespace,
    name,
    key: `${namespace}/${name}`,
    uid: o.uid ?? `uid-${name}`,
    schedulerName: o.schedulerName ?? 'custom-scheduler',
    nodeName,
    phase: o.phase ?? (nodeName === '' ? 'Pending' : 'Running'),
    creationTime: o.creationTime ?? T0 + (o.age ?? 0) * 1000,
    deletionTime: o.deletionTime,
    priority: o.priority ?? 0,
    preemptionPolicy: o.preemptionPolicy ?? 'PreemptLowerPriority',
    labels: o.labels ?? {},
    annotations,
    requests: res(o.cpu ?? 1, o.memory ?? 1, o.scalar),
    nodeSelector: o.nodeSelector ?? {},
    requiredAffinity: o.requiredAffinity,
    preferredAffinity: o.preferredAffinity ?? [],
    tolerations: o.tolerations ?? [],
    hostPorts: o.hostPorts ?? [],
    podAffinity: o.podAffinity ?? NO_POD_AFFINITY,
    spread: o.spread ?? [],
    volumes: o.volumes ?? [],
    resourceClaims: o.resourceClaims ?? false,
    nominatedNodeName: o.nominatedNodeName ?? '',
    schedulingGated: o.schedulingGated ?? false,
    ...(gangRefs === undefined ? {} : { gangRefs }),
  };
}

export function pdb(
  name: string,
  matchLabels: Record<string, string>,
  disruptionsAllowed: number,
): PodDisruptionBudget {
  return {
    namespace: 'default',
    name,
    selector: { matchLabels, matchExpressions: [] },
    disruptionsAllowed,
    disruptedPods: new Set(),
  };
}

export function snap(nodes: Node[], pods: Pod[], pdbs: PodDisruptionBudget[] = []): Snapshot {
  return { nodes, pods, pdbs };
}

export function config(o: Partial<PlanConfig> = {}): PlanConfig {
  return { ...DEFAULT_PLAN_CONFIG, ...o };
}

/** Freezes a value and everything reachable from it (Maps and Sets refuse changes too). */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  const refuse = (): never => {
    throw new TypeError('frozen collection');
  };
  if (value instanceof Map) {
    Object.assign(value, { set: refuse, delete: refuse, clear: refuse });
    for (const [k, v] of value) {
      deepFreeze(k);
      deepFreeze(v);
    }
  } else if (value instanceof Set) {
    Object.assign(value, { add: refuse, delete: refuse, clear: refuse });
    for (const v of value) deepFreeze(v);
  } else {
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return Object.freeze(value);
}
