// The gang sources by name: how a gang of each is keyed and named in reasons, and
// whether a pass may use it (the gangSources setting, and what the cluster serves).
import type { GangSource, PodGroupSource, Snapshot } from './model.js';

/** Every source, as settings and usage texts list them. */
export const GANG_SOURCES: readonly GangSource[] = Object.freeze([
  'custom',
  'kubernetes',
  'scheduler-plugins',
  'volcano',
  'kueue',
]);

/** The order in which a pod's agreeing declarations pick the gang's key: objects first. */
export const KEY_ORDER: readonly GangSource[] = ['kubernetes', 'scheduler-plugins', 'volcano', 'custom', 'kueue'];

/** The API group of each PodGroup source, as reasons name it. */
export const POD_GROUP_API: Readonly<Record<PodGroupSource, string>> = {
  kubernetes: 'scheduling.k8s.io',
  'scheduler-plugins': 'scheduling.x-k8s.io',
  volcano: 'scheduling.volcano.sh',
};

export function isPodGroupSource(source: GangSource): source is PodGroupSource {
  return source === 'kubernetes' || source === 'scheduler-plugins' || source === 'volcano';
}

/**
 * The gang's key, the identity a plan's reasons and the runtime use: `namespace/name` for
 * the custom annotations (as before sources existed); other sources add what they are,
 * since two sources may use the same name: `team/train (scheduling.k8s.io PodGroup)`,
 * `team/train (Kueue pod group)`.
 */
export function gangKey(source: GangSource, namespace: string, name: string): string {
  const base = `${namespace}/${name}`;
  if (source === 'custom') return base;
  if (source === 'kueue') return `${base} (Kueue pod group)`;
  return `${base} (${POD_GROUP_API[source]} PodGroup)`;
}

/**
 * Why a source may not be used this pass, or undefined when it may: left out of the
 * gangSources setting, or reported unavailable by the snapshot (an API the cluster does
 * not serve).
 */
export type SourceCheck = (source: GangSource) => string | undefined;

export function sourceCheck(enabled: readonly GangSource[], snapshot: Snapshot): SourceCheck {
  const unavailable = snapshot.unavailableGangSources ?? {};
  return (source) => {
    if (!enabled.includes(source)) return `gang source ${source} is not enabled (setting gangSources)`;
    return unavailable[source];
  };
}
