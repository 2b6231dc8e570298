// Which gang a pod belongs to this pass: its declarations (read when the pod was
// converted) resolved against the PodGroups of the snapshot and the sources in use.
// Per pod and cheap (map lookups), so converted pods can be cached across passes.
import { KEY_ORDER, gangKey, isPodGroupSource, POD_GROUP_API, type SourceCheck } from './gang-sources.js';
import type { GangRef, GangSource, Pod, PodGroup, Snapshot } from './model.js';
import type { PendingReason } from './plan-types.js';

/** Why pods are held, as the plan reports it. */
export interface Hold {
  readonly reason: PendingReason;
  readonly message: string;
}

type MemberRef = Extract<GangRef, { kind: 'member' }>;

/** What a pod's declarations amount to. */
export type Membership =
  | { readonly kind: 'none' }
  | { readonly kind: 'held'; readonly hold: Hold }
  | {
      readonly kind: 'member';
      readonly key: string;
      readonly source: GangSource;
      /** The PodGroup object, for the PodGroup sources. */
      readonly group: PodGroup | undefined;
      /** The quorum the pod states itself; undefined when it states none. */
      readonly quorum: number | undefined;
      /** The node label every member must share a value of: its PodGroup's, else the one the pod states. */
      readonly topologyKey: string | undefined;
      /** The node label whose tightest domain the pod would have its gang tried in first. */
      readonly preferredTopologyKey: string | undefined;
      /** The pod's stated quorum or topology is invalid, or disagrees with its PodGroup: the gang is held with this. */
      readonly problem: Hold | undefined;
    };

const NO_GANG: Membership = Object.freeze({ kind: 'none' });

/** The custom annotations keep their reason; every other source's declarations are `InvalidGang`. */
export function invalidReason(source: GangSource): PendingReason {
  return source === 'custom' ? 'InvalidAnnotation' : 'InvalidGang';
}

function held(reason: PendingReason, message: string): Membership {
  return { kind: 'held', hold: { reason, message } };
}

interface Candidate {
  readonly ref: MemberRef;
  readonly key: string;
  readonly group: PodGroup | undefined;
  /** The object's quorum, else the pod's own. */
  readonly quorum: number | 'basic' | undefined;
}

const rank = (source: GangSource): number => KEY_ORDER.indexOf(source);

function describe(c: Candidate): string {
  const quorum =
    c.quorum === 'basic' ? ' (basic policy: no gang)' : c.quorum === undefined ? '' : ` (quorum ${c.quorum})`;
  return `${c.ref.field}=${c.ref.name}${quorum}`;
}

/** Two declarations of one pod are one gang when they name the same and state no different quorum. */
function agree(a: Candidate, b: Candidate): boolean {
  if (a.ref.name !== b.ref.name) return false;
  if (a.quorum === 'basic' || b.quorum === 'basic') return a.quorum === b.quorum;
  return a.quorum === undefined || b.quorum === undefined || a.quorum === b.quorum;
}

export class GangResolver {
  /** PodGroups by the key of the gang they make. */
  private readonly groups = new Map<string, PodGroup>();

  constructor(
    snapshot: Snapshot,
    private readonly check: SourceCheck,
  ) {
    for (const g of snapshot.podGroups ?? []) this.groups.set(gangKey(g.source, g.namespace, g.name), g);
  }

  /**
   * The pod's gang. Held: a source not in use, an invalid declaration, a PodGroup that
   * does not exist, or two declarations that disagree. No gang: none declared, or a
   * PodGroup with the basic policy. Agreeing declarations make one gang, keyed by the
   * first source in KEY_ORDER.
   */
  resolve(pod: Pod): Membership {
    const refs = pod.gangRefs;
    if (refs === undefined || refs.length === 0) return NO_GANG;
    const ordered = refs.length === 1 ? refs : [...refs].sort((a, b) => rank(a.source) - rank(b.source));
    const candidates: Candidate[] = [];
    for (const ref of ordered) {
      const off = this.check(ref.source);
      if (off !== undefined) {
        const declared = ref.kind === 'member' ? `${ref.field}=${ref.name}` : `a gang of source ${ref.source}`;
        return held('GangWaiting', `${declared}: ${off}`);
      }
      if (ref.kind === 'invalid') return held(invalidReason(ref.source), ref.problem);
      const key = gangKey(ref.source, pod.namespace, ref.name);
      if (!isPodGroupSource(ref.source)) {
        candidates.push({ ref, key, group: undefined, quorum: ref.quorum });
        continue;
      }
      const group = this.groups.get(key);
      if (group === undefined) {
        const api = POD_GROUP_API[ref.source];
        return held('GangWaiting', `waiting for PodGroup ${pod.namespace}/${ref.name} (${api}) which does not exist`);
      }
      candidates.push({ ref, key, group, quorum: group.quorum });
    }
    const [first, ...others] = candidates;
    if (first === undefined) return NO_GANG;
    for (const other of others) {
      if (!agree(first, other)) {
        return held('InvalidGang', `gang declarations disagree: ${describe(first)} but ${describe(other)}`);
      }
    }
    if (first.quorum === 'basic') return NO_GANG;
    const stated = candidates.find((c) => c.ref.quorum !== undefined)?.ref.quorum;
    const wrong = candidates.find((c) => c.ref.quorumProblem !== undefined);
    const problem =
      wrong?.ref.quorumProblem === undefined
        ? topologyProblem(pod, first)
        : {
            reason: invalidReason(wrong.ref.source),
            message: `gang ${first.key}: pod ${pod.name} has ${wrong.ref.quorumProblem}`,
          };
    return {
      kind: 'member',
      key: first.key,
      source: first.ref.source,
      group: first.group,
      quorum: stated,
      topologyKey: first.group?.topologyKey ?? first.ref.topologyKey,
      preferredTopologyKey: first.ref.preferredTopologyKey,
      problem,
    };
  }
}

/**
 * The pod's topology annotations are invalid, or name another key than its PodGroup's
 * topology constraint (every declaration of a pod carries the same annotations).
 */
function topologyProblem(pod: Pod, c: Candidate): Hold | undefined {
  if (c.ref.topologyProblem !== undefined) {
    return { reason: 'InvalidAnnotation', message: `gang ${c.key}: pod ${pod.name} has ${c.ref.topologyProblem}` };
  }
  const stated = c.ref.topologyKey;
  const declared = c.group?.topologyKey;
  if (stated === undefined || declared === undefined || stated === declared) return undefined;
  return {
    reason: 'InvalidGang',
    message: `gang ${c.key}: pod ${pod.name} states topology key ${stated} but its PodGroup's spec.schedulingConstraints.topology[0].key is ${declared}`,
  };
}
