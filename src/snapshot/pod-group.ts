// PodGroup -> core PodGroup, for the three kinds batch users already write, told apart
// by the API group of apiVersion:
//   scheduling.k8s.io/v1beta1      Kubernetes: schedulingPolicy (basic | gang.minCount),
//                                  priority, preemptionPolicy, disruptionMode, topology
//   scheduling.x-k8s.io/v1alpha1   scheduler-plugins coscheduling: minMember, minResources
//   scheduling.volcano.sh/v1beta1  Volcano: minMember, minResources
// Priority: only a number counts. A priorityClassName alone cannot be resolved (a snapshot
// has no PriorityClasses); its members' priority stands in, which Priority admission set
// from their own class.
import { labelKeyProblem } from '../core/labels.js';
import type { MinResources, PodGroup, PodGroupSource } from '../core/model.js';
import { fail, type Result } from '../core/result.js';
import {
  FieldError,
  identify,
  integer,
  isPlain,
  list,
  object,
  optionalObject,
  optionalString,
  type Plain,
  readOrError,
  string,
} from './fields.js';
import { resourceList } from './resources.js';

/** The version read for each PodGroup source's API group. */
const VERSIONS: ReadonlyMap<string, { source: PodGroupSource; version: string }> = new Map([
  ['scheduling.k8s.io', { source: 'kubernetes', version: 'v1beta1' }],
  ['scheduling.x-k8s.io', { source: 'scheduler-plugins', version: 'v1alpha1' }],
  ['scheduling.volcano.sh', { source: 'volcano', version: 'v1beta1' }],
]);

/** Whether an item of kind PodGroup is one of ours (by its apiVersion's group); others are left alone. */
export function isKnownPodGroup(item: Plain): boolean {
  const apiVersion = item['apiVersion'];
  return typeof apiVersion === 'string' && VERSIONS.has(apiVersion.split('/')[0] ?? '');
}

/** A PodGroup of a known group (see isKnownPodGroup), checked field by field. */
export function convertPodGroup(obj: unknown): Result<PodGroup> {
  const raw = isPlain(obj) ? obj : {};
  const apiVersion = typeof raw['apiVersion'] === 'string' ? raw['apiVersion'] : '';
  const [group = '', version = ''] = apiVersion.split('/');
  const known = VERSIONS.get(group);
  const id = identify(obj, `podgroup.${group || 'unknown'}`, true);
  if (!id.ok) return id;
  if (known === undefined)
    return fail(`${id.value.subject}: apiVersion ${JSON.stringify(apiVersion)} is not a PodGroup API`);
  if (version !== known.version) {
    return fail(`${id.value.subject}: apiVersion ${apiVersion} is not supported (expected ${group}/${known.version})`);
  }
  const spec = (): Plain => object(raw['spec'], 'spec');
  const { namespace, name } = id.value;
  return readOrError(id.value.subject, () =>
    Object.freeze(
      known.source === 'kubernetes'
        ? kubernetesGroup(spec(), namespace, name)
        : memberGroup(known.source, spec(), namespace, name),
    ),
  );
}

/**
 * A PodGroup that failed conversion, as a group whose members wait with the error: for a
 * store that must not turn a malformed object into a missing one (its pods would then say
 * it does not exist). Undefined when the object is not a PodGroup of a known group or has no name.
 */
export function unreadablePodGroup(obj: unknown, error: string): PodGroup | undefined {
  const raw = isPlain(obj) ? obj : {};
  const apiVersion = typeof raw['apiVersion'] === 'string' ? raw['apiVersion'] : '';
  const known = VERSIONS.get(apiVersion.split('/')[0] ?? '');
  const id = identify(obj, 'podgroup', true);
  if (known === undefined || !id.ok) return undefined;
  return Object.freeze({
    ...NO_TERMS,
    source: known.source,
    namespace: id.value.namespace,
    name: id.value.name,
    quorum: 1,
    unsupported: `the PodGroup cannot be read: ${error}`,
  });
}

const TOPOLOGY = 'spec.schedulingConstraints.topology';

const NO_TERMS = {
  priority: undefined,
  preemptionPolicy: 'PreemptLowerPriority',
  disruptionMode: 'single',
  topologyKey: undefined,
  minResources: undefined,
  unsupported: undefined,
} satisfies Partial<PodGroup>;

/** Exactly one of the fields of a one-of (`basic | gang`, `single | all`), or undefined when none is set. */
function oneOf<T extends string>(value: Plain, path: string, choices: readonly T[]): T | undefined {
  const set = choices.filter((c) => value[c] !== undefined && value[c] !== null);
  if (set.length > 1) throw new FieldError(path, `exactly one of ${choices.join(', ')} may be set`);
  return set[0];
}

function kubernetesGroup(spec: Plain, namespace: string, name: string): PodGroup {
  const policyPath = 'spec.schedulingPolicy';
  const policy = object(spec['schedulingPolicy'], policyPath);
  const kind = oneOf(policy, policyPath, ['basic', 'gang']);
  if (kind === undefined) throw new FieldError(policyPath, 'one of basic, gang must be set');
  let quorum: number | 'basic' = 'basic';
  if (kind === 'gang') {
    const path = `${policyPath}.gang.minCount`;
    quorum = integer(object(policy['gang'], `${policyPath}.gang`)['minCount'], path, 0);
    if (quorum < 1) throw new FieldError(path, `must be a positive integer, got ${quorum}`);
  }
  const preemptionPolicy = string(spec['preemptionPolicy'], 'spec.preemptionPolicy', 'PreemptLowerPriority');
  if (preemptionPolicy !== 'PreemptLowerPriority' && preemptionPolicy !== 'Never') {
    throw new FieldError('spec.preemptionPolicy', `unknown policy ${JSON.stringify(preemptionPolicy)}`);
  }
  const disruption = oneOf(object(spec['disruptionMode'], 'spec.disruptionMode'), 'spec.disruptionMode', [
    'single',
    'all',
  ]);
  const topology = list(object(spec['schedulingConstraints'], 'spec.schedulingConstraints')['topology'], TOPOLOGY);
  const topologyKeys = topology.map((entry, i) =>
    string(object(entry, `${TOPOLOGY}[${i}]`)['key'], `${TOPOLOGY}[${i}].key`),
  );
  const priority = spec['priority'];
  return {
    source: 'kubernetes',
    namespace,
    name,
    quorum,
    priority: priority === undefined || priority === null ? undefined : integer(priority, 'spec.priority', 0),
    preemptionPolicy,
    disruptionMode: disruption ?? 'single',
    topologyKey: topologyKeys[0] === '' ? undefined : topologyKeys[0],
    minResources: undefined,
    unsupported: unsupportedKubernetesFields(spec, topologyKeys),
  };
}

/** Fields of a Kubernetes PodGroup this scheduler cannot honour, named with why. */
function unsupportedKubernetesFields(spec: Plain, topologyKeys: readonly string[]): string | undefined {
  if (topologyKeys.length > 1) return `${TOPOLOGY}: more than one topology constraint is not supported`;
  if (topologyKeys[0] === '') return `${TOPOLOGY}[0].key: must not be empty`;
  const key = topologyKeys[0];
  const keyProblem = key === undefined ? undefined : labelKeyProblem(key);
  if (keyProblem !== undefined) return `${TOPOLOGY}[0].key ${JSON.stringify(key)}: ${keyProblem}`;
  const parent = optionalString(spec['parentCompositePodGroupName'], 'spec.parentCompositePodGroupName');
  if (parent !== undefined) return `spec.parentCompositePodGroupName: composite pod groups are not supported`;
  if (list(spec['resourceClaims'], 'spec.resourceClaims').length > 0) {
    return 'spec.resourceClaims: devices are not allocated by this scheduler';
  }
  return undefined;
}

/**
 * scheduler-plugins and Volcano: spec.minMember is the quorum; 0 or unset asks nothing of
 * the group (both schedulers then admit each pod alone), so it is the basic policy here.
 * Volcano's queue, minTaskMember and priorityClassName are not read (see the README).
 */
function memberGroup(source: PodGroupSource, spec: Plain, namespace: string, name: string): PodGroup {
  const minMember = integer(spec['minMember'], 'spec.minMember', 0);
  if (minMember < 0) throw new FieldError('spec.minMember', `must not be negative, got ${minMember}`);
  return {
    ...NO_TERMS,
    source,
    namespace,
    name,
    quorum: minMember === 0 ? 'basic' : minMember,
    minResources: minResources(spec),
    unsupported: source === 'volcano' ? hardNetworkTopology(spec) : undefined,
  };
}

function minResources(spec: Plain): MinResources | undefined {
  if (optionalObject(spec['minResources'], 'spec.minResources') === undefined) return undefined;
  return Object.freeze(resourceList(spec['minResources'], 'spec.minResources'));
}

/** Volcano's hard network topology is a rule across nodes this scheduler does not know; soft is a wish. */
function hardNetworkTopology(spec: Plain): string | undefined {
  const topology = optionalObject(spec['networkTopology'], 'spec.networkTopology');
  if (topology === undefined) return undefined;
  const mode = string(topology['mode'], 'spec.networkTopology.mode', 'hard');
  return mode === 'hard' ? 'spec.networkTopology: hard network topology is not supported' : undefined;
}
