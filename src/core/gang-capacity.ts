// A quick "can never fit" for gangs that state what they need in all (minResources):
// compared with the allocatable of every ready, schedulable node together. Taints,
// selectors and what other pods hold are left to the placement itself; this check only
// spares the cluster a gang that could not fit even if every such node were empty.
import type { MinResources, Node } from './model.js';

export interface Capacity {
  readonly amounts: ReadonlyMap<string, number>;
  readonly pods: number;
}

/** Allocatable of every ready node that takes new pods (not cordoned), by resource name. */
export function clusterCapacity(nodes: readonly Node[]): Capacity {
  const amounts = new Map<string, number>();
  let pods = 0;
  const add = (name: string, amount: number): void => {
    amounts.set(name, (amounts.get(name) ?? 0) + amount);
  };
  for (const n of nodes) {
    if (!n.ready || n.unschedulable) continue;
    add('cpu', n.allocatable.cpu);
    add('memory', n.allocatable.memory);
    add('ephemeral-storage', n.allocatable.ephemeralStorage);
    for (const [name, amount] of n.allocatable.scalar) add(name, amount);
    pods += n.allocatablePods;
  }
  return { amounts, pods };
}

const KIB = 1024;
const BINARY: readonly (readonly [string, number])[] = [
  ['Ti', KIB ** 4],
  ['Gi', KIB ** 3],
  ['Mi', KIB ** 2],
  ['Ki', KIB],
];

/** An amount as a quantity reads: cpu in cores or millicores, bytes in binary units when whole. */
function quantity(name: string, amount: number): string {
  if (name === 'cpu') return amount % 1000 === 0 ? String(amount / 1000) : `${amount}m`;
  if (name === 'memory' || name === 'ephemeral-storage' || name.startsWith('hugepages-')) {
    const unit = BINARY.find(([, size]) => amount >= size && amount % size === 0);
    if (unit !== undefined) return `${amount / unit[1]}${unit[0]}`;
  }
  return String(amount);
}

/** What of `min` exceeds the capacity, as `cpu 64 > 48`; undefined when all of it fits. */
export function beyondCapacity(min: MinResources, capacity: Capacity): string | undefined {
  const wanted: Array<[string, number]> = [
    ['cpu', min.resources.cpu],
    ['memory', min.resources.memory],
    ['ephemeral-storage', min.resources.ephemeralStorage],
    ...[...min.resources.scalar].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ['pods', min.pods],
  ];
  const over: string[] = [];
  for (const [name, amount] of wanted) {
    const has = name === 'pods' ? capacity.pods : (capacity.amounts.get(name) ?? 0);
    if (amount > has) over.push(`${name} ${quantity(name, amount)} > ${quantity(name, has)}`);
  }
  return over.length === 0 ? undefined : over.join(', ');
}
