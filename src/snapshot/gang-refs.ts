// A pod's gang declarations in every dialect batch users write, read where the pod is
// converted, so the planner sees one model and no annotation or API names:
//   custom             annotations <prefix>/group-name and <prefix>/min-available
//   kubernetes         spec.schedulingGroup.podGroupName (a scheduling.k8s.io PodGroup)
//   scheduler-plugins  label scheduling.x-k8s.io/pod-group (a scheduling.x-k8s.io PodGroup)
//   volcano            annotation scheduling.k8s.io/group-name (a scheduling.volcano.sh PodGroup)
//   kueue              label kueue.x-k8s.io/pod-group-name, annotation kueue.x-k8s.io/pod-group-total-count
// Where a gang runs, <prefix>/topology-key and <prefix>/preferred-topology-key, is stated
// on the pod whatever declares its gang, so it joins every declaration of the pod.
// An invalid value is not an error of the pod: it becomes a declaration with a problem,
// and the planner holds the pod (or its gang) with that text.
import { isDnsSubdomain, labelKeyProblem, labelValueProblem } from '../core/labels.js';
import type { GangRef, GangSource } from '../core/model.js';
import { frozenList, object, optionalString, type Plain } from './fields.js';

export const SCHEDULER_PLUGINS_LABEL = 'scheduling.x-k8s.io/pod-group';
export const VOLCANO_ANNOTATION = 'scheduling.k8s.io/group-name';
export const KUEUE_NAME_LABEL = 'kueue.x-k8s.io/pod-group-name';
export const KUEUE_COUNT_ANNOTATION = 'kueue.x-k8s.io/pod-group-total-count';
const POD_GROUP_NAME = 'spec.schedulingGroup.podGroupName';

const POSITIVE_INTEGER = /^[1-9][0-9]*$/;

/** The custom annotations of one prefix. */
interface CustomNames {
  readonly groupName: string;
  readonly minAvailable: string;
  readonly topologyKey: string;
  readonly preferredTopologyKey: string;
}

const customNames = new Map<string, CustomNames>();

function namesOf(prefix: string): CustomNames {
  let names = customNames.get(prefix);
  if (names === undefined) {
    names = {
      groupName: `${prefix}/group-name`,
      minAvailable: `${prefix}/min-available`,
      topologyKey: `${prefix}/topology-key`,
      preferredTopologyKey: `${prefix}/preferred-topology-key`,
    };
    if (customNames.size >= 16) customNames.clear();
    customNames.set(prefix, names);
  }
  return names;
}

// Members of one gang declare the same thing: they share one frozen ref (bounded, so a
// stream of distinct names cannot grow it without end).
const interned = new Map<string, GangRef>();
const INTERNED_MAX = 10_000;

function intern(id: string, make: () => GangRef): GangRef {
  const known = interned.get(id);
  if (known !== undefined) return known;
  const ref = Object.freeze(make());
  if (interned.size >= INTERNED_MAX) interned.clear();
  interned.set(id, ref);
  return ref;
}

function invalid(source: GangSource, problem: string): GangRef {
  return intern(`invalid\n${source}\n${problem}`, () => ({ kind: 'invalid', source, problem }));
}

/** A positive integer stated in an annotation, or undefined; `problem` says why when the text is not one. */
function statedQuorum(annotation: string, raw: string | undefined): { quorum?: number; problem?: string } {
  if (raw === undefined) return {};
  const text = raw.trim();
  if (POSITIVE_INTEGER.test(text) && Number.isSafeInteger(Number(text))) return { quorum: Number(text) };
  return { problem: `invalid annotation ${annotation}=${JSON.stringify(raw)}: must be a positive integer` };
}

/** What the pod states about where its gang runs: node label keys, or why one is invalid. */
interface Topology {
  readonly topologyKey: string | undefined;
  readonly preferredTopologyKey: string | undefined;
  readonly topologyProblem: string | undefined;
}

const NO_TOPOLOGY: Topology = Object.freeze({
  topologyKey: undefined,
  preferredTopologyKey: undefined,
  topologyProblem: undefined,
});

/** `invalid annotation <name>="<key>": why`, or undefined when the key is absent or valid. */
function keyProblem(annotation: string, key: string | undefined): string | undefined {
  const problem = key === undefined ? undefined : labelKeyProblem(key);
  return problem === undefined ? undefined : `invalid annotation ${annotation}=${JSON.stringify(key)}: ${problem}`;
}

function statedTopology(annotations: Readonly<Record<string, string>>, names: CustomNames): Topology {
  const required = annotations[names.topologyKey];
  const preferred = annotations[names.preferredTopologyKey];
  if (required === undefined && preferred === undefined) return NO_TOPOLOGY;
  const topologyProblem = keyProblem(names.topologyKey, required) ?? keyProblem(names.preferredTopologyKey, preferred);
  if (topologyProblem !== undefined)
    return { topologyKey: undefined, preferredTopologyKey: undefined, topologyProblem };
  return { topologyKey: required, preferredTopologyKey: preferred, topologyProblem: undefined };
}

function member(
  source: GangSource,
  name: string,
  field: string,
  topology: Topology,
  annotation = '',
  raw?: string,
): GangRef {
  const { topologyKey, preferredTopologyKey, topologyProblem } = topology;
  const where = `${topologyKey ?? ''}\n${preferredTopologyKey ?? ''}\n${topologyProblem ?? ''}`;
  return intern(`member\n${source}\n${name}\n${field}\n${raw ?? ''}\n${where}`, () => {
    const stated = statedQuorum(annotation, raw);
    return { kind: 'member', source, name, field, quorum: stated.quorum, quorumProblem: stated.problem, ...topology };
  });
}

/** Why a custom or Kueue gang name is not valid: it must be a non-empty label value. */
function groupNameProblem(value: string): string | undefined {
  return value === '' ? 'must not be empty' : labelValueProblem(value);
}

/** A PodGroup named by a label or annotation: the value must be an object name. */
function podGroupRef(
  source: GangSource,
  kind: 'label' | 'annotation',
  key: string,
  value: string,
  topology: Topology,
): GangRef {
  if (isDnsSubdomain(value)) return member(source, value, `${kind} ${key}`, topology);
  return invalid(source, `invalid ${kind} ${key}=${JSON.stringify(value)}: must name a PodGroup (a DNS subdomain)`);
}

function kubernetesRef(spec: Plain, topology: Topology): GangRef | undefined {
  const group = spec['schedulingGroup'];
  if (group === undefined || group === null) return undefined;
  const name = optionalString(object(group, 'spec.schedulingGroup')['podGroupName'], POD_GROUP_NAME);
  if (name === undefined)
    return invalid('kubernetes', `spec.schedulingGroup names no PodGroup (${POD_GROUP_NAME} is not set)`);
  if (isDnsSubdomain(name)) return member('kubernetes', name, POD_GROUP_NAME, topology);
  return invalid(
    'kubernetes',
    `invalid ${POD_GROUP_NAME} ${JSON.stringify(name)}: must name a PodGroup (a DNS subdomain)`,
  );
}

function customRef(
  annotations: Readonly<Record<string, string>>,
  names: CustomNames,
  topology: Topology,
): GangRef | undefined {
  const group = annotations[names.groupName];
  const min = annotations[names.minAvailable];
  if (group === undefined) {
    if (min === undefined) return undefined;
    return invalid('custom', `annotation ${names.minAvailable} needs ${names.groupName} on the same pod`);
  }
  const problem = groupNameProblem(group);
  if (problem !== undefined) {
    return invalid('custom', `invalid annotation ${names.groupName}=${JSON.stringify(group)}: ${problem}`);
  }
  return member('custom', group, `annotation ${names.groupName}`, topology, names.minAvailable, min);
}

function kueueRef(
  labels: Readonly<Record<string, string>>,
  annotations: Readonly<Record<string, string>>,
  topology: Topology,
): GangRef | undefined {
  const group = labels[KUEUE_NAME_LABEL];
  const count = annotations[KUEUE_COUNT_ANNOTATION];
  if (group === undefined) {
    if (count === undefined) return undefined;
    return invalid('kueue', `annotation ${KUEUE_COUNT_ANNOTATION} needs label ${KUEUE_NAME_LABEL} on the same pod`);
  }
  const problem = groupNameProblem(group);
  if (problem !== undefined) {
    return invalid('kueue', `invalid label ${KUEUE_NAME_LABEL}=${JSON.stringify(group)}: ${problem}`);
  }
  return member('kueue', group, `label ${KUEUE_NAME_LABEL}`, topology, KUEUE_COUNT_ANNOTATION, count);
}

/** Every declaration of the pod, objects first (the planner's key order); the shared empty list when none. */
export function gangRefs(
  spec: Plain,
  labels: Readonly<Record<string, string>>,
  annotations: Readonly<Record<string, string>>,
  annotationPrefix: string,
): readonly GangRef[] {
  const refs: GangRef[] = [];
  const add = (ref: GangRef | undefined): void => {
    if (ref !== undefined) refs.push(ref);
  };
  const names = namesOf(annotationPrefix);
  const topology = statedTopology(annotations, names);
  add(kubernetesRef(spec, topology));
  const plugins = labels[SCHEDULER_PLUGINS_LABEL];
  if (plugins !== undefined) add(podGroupRef('scheduler-plugins', 'label', SCHEDULER_PLUGINS_LABEL, plugins, topology));
  const volcano = annotations[VOLCANO_ANNOTATION];
  if (volcano !== undefined) add(podGroupRef('volcano', 'annotation', VOLCANO_ANNOTATION, volcano, topology));
  add(customRef(annotations, names, topology));
  add(kueueRef(labels, annotations, topology));
  if (refs.length === 0 && topology !== NO_TOPOLOGY) {
    // A place for a gang on a pod of no gang: never scheduled as if it were not there.
    const stated = annotations[names.topologyKey] === undefined ? names.preferredTopologyKey : names.topologyKey;
    add(invalid('custom', `annotation ${stated} needs a gang on the same pod (${names.groupName} or a PodGroup)`));
  }
  return frozenList(refs);
}
