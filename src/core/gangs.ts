// Gangs: pods of one namespace sharing the group-name annotation, placed all or
// nothing. Invalid annotations fail closed: the pods are held with a reason that
// names the annotation, and nothing else is affected.
import { compareStrings } from './compare.js';
import { labelValueProblem } from './labels.js';
import type { Pod } from './model.js';

export interface GangAnnotations {
  readonly groupName: string;
  readonly minAvailable: string;
}

export function gangAnnotations(prefix: string): GangAnnotations {
  return { groupName: `${prefix}/group-name`, minAvailable: `${prefix}/min-available` };
}

/** `namespace/group-name` of the gang the pod names, or undefined (validity is checked elsewhere). */
export function gangKeyOf(pod: Pod, names: GangAnnotations): string | undefined {
  const group = pod.annotations[names.groupName];
  return group === undefined ? undefined : `${pod.namespace}/${group}`;
}

/**
 * The gang a pod counts in, as the planner groups pods: `namespace/group-name`, or
 * undefined when the pod names no gang or an invalid group name (the planner holds such
 * a pod on its own; it belongs to no gang).
 */
export function memberGangKey(pod: Pod, names: GangAnnotations): string | undefined {
  const group = pod.annotations[names.groupName];
  if (group === undefined || groupNameProblem(group) !== undefined) return undefined;
  return `${pod.namespace}/${group}`;
}

/**
 * How many members must be placed together: the largest valid min-available among the
 * members, else every member (all or nothing). Invalid values do not count here; the
 * planner holds their gang with a reason instead.
 */
export function gangQuorum(members: readonly Pod[], names: GangAnnotations): number {
  let quorum = 0;
  for (const p of members) {
    const min = minAvailableOf(p, names);
    if (typeof min === 'number') quorum = Math.max(quorum, min);
  }
  return quorum === 0 ? members.length : quorum;
}

export interface Gang {
  /** `namespace/group-name` */
  readonly key: string;
  /** Every visible member: ours, not Failed, not being deleted. */
  readonly members: readonly Pod[];
  /** Members waiting for a node (pending for us), oldest first. */
  readonly pending: readonly Pod[];
  /** Members bound and alive, plus those that succeeded. */
  readonly placed: number;
  readonly quorum: number;
  /** The highest priority among the members. */
  readonly priority: number;
  /** Set when an annotation is invalid: every pending member is held with this text. */
  readonly invalid: string | undefined;
}

export interface GangIndex {
  readonly gangs: ReadonlyMap<string, Gang>;
  /** Pods whose own annotations are invalid and so belong to no gang: key -> reason. */
  readonly invalidPods: ReadonlyMap<string, string>;
}

const POSITIVE_INTEGER = /^[1-9][0-9]*$/;

/** Why a group name is not valid: it must be a non-empty label value. */
export function groupNameProblem(value: string): string | undefined {
  if (value === '') return 'must not be empty';
  return labelValueProblem(value);
}

/** A pod's min-available: absent, a positive integer, or 'invalid'. */
function minAvailableOf(pod: Pod, names: GangAnnotations): number | 'invalid' | undefined {
  const raw = pod.annotations[names.minAvailable];
  if (raw === undefined) return undefined;
  const text = raw.trim();
  return POSITIVE_INTEGER.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : 'invalid';
}

function isAlive(p: Pod): boolean {
  return p.deletionTime === undefined && p.phase !== 'Failed';
}

export function indexGangs(
  pods: readonly Pod[],
  ours: (p: Pod) => boolean,
  isPending: (p: Pod) => boolean,
  names: GangAnnotations,
): GangIndex {
  const invalidPods = new Map<string, string>();
  const byGang = new Map<string, Pod[]>();
  for (const p of pods) {
    if (!ours(p) || !isAlive(p)) continue;
    const group = p.annotations[names.groupName];
    if (group === undefined) {
      if (names.minAvailable in p.annotations) {
        invalidPods.set(p.key, `annotation ${names.minAvailable} needs ${names.groupName} on the same pod`);
      }
      continue;
    }
    const problem = groupNameProblem(group);
    if (problem !== undefined) {
      invalidPods.set(p.key, `invalid annotation ${names.groupName}=${JSON.stringify(group)}: ${problem}`);
      continue;
    }
    const key = `${p.namespace}/${group}`;
    let members = byGang.get(key);
    if (members === undefined) byGang.set(key, (members = []));
    members.push(p);
  }

  const gangs = new Map<string, Gang>();
  for (const [key, members] of byGang) gangs.set(key, describeGang(key, members, isPending, names));
  return { gangs, invalidPods };
}

function describeGang(key: string, members: Pod[], isPending: (p: Pod) => boolean, names: GangAnnotations): Gang {
  let invalid: string | undefined;
  let priority = Number.NEGATIVE_INFINITY;
  let placed = 0;
  const pending: Pod[] = [];
  for (const p of members) {
    priority = Math.max(priority, p.priority);
    if (p.phase === 'Succeeded' || p.nodeName !== '') placed++;
    else if (isPending(p)) pending.push(p);
    if (minAvailableOf(p, names) === 'invalid') {
      const raw = p.annotations[names.minAvailable] ?? '';
      invalid ??= `gang ${key}: pod ${p.name} has invalid annotation ${names.minAvailable}=${JSON.stringify(raw)}: must be a positive integer`;
    }
  }
  pending.sort(olderFirst);
  const quorum = gangQuorum(members, names);
  return { key, members, pending, placed, quorum, priority, invalid };
}

/** Creation time, then namespace/name: the order pods of equal priority are served in. */
export function olderFirst(a: Pod, b: Pod): number {
  if (a.creationTime !== b.creationTime) return a.creationTime - b.creationTime;
  return compareStrings(a.key, b.key);
}
