// How tight a topology domain is for a gang: how many times the gang's demand (its
// `needed` smallest requests of each resource it asks for, and as many pod slots) fits
// in what the domain has free, by the scarcest of those resources. Free is allocatable
// less what is bound and reserved at the gang's priority, summed over the domain's nodes
// the gang may use (ready, schedulable, taints tolerated, selectors matched, judged for
// its oldest pending member). Measured in the gang's own terms, a domain of large nodes
// counts as roomier than one of small nodes with the same share free.
// When every member asks the same, the members each node could still take are counted
// too (`slots`): room in sum is not room on nodes, and a domain cut into pieces too small
// for a member is not worth a try.
import { compareStrings } from './compare.js';
import type { Domain } from './domains.js';
import { checkStatic } from './filters/fit.js';
import type { Pod, Resources } from './model.js';
import type { Usage } from './resources.js';
import type { ClusterState, PodFacts } from './state.js';

/** What a gang asks of a domain: amounts in the planner's units (see Resources), and pod slots. */
export interface Demand {
  readonly cpu: number;
  readonly memory: number;
  readonly ephemeralStorage: number;
  readonly scalar: ReadonlyMap<string, number>;
  readonly pods: number;
  /** The request of every member, when they all ask the same. */
  readonly each: Resources | undefined;
}

/** The sum of the `needed` smallest amounts (members that ask for none count as zero). */
function smallest(amounts: number[], needed: number): number {
  amounts.sort((a, b) => a - b);
  let sum = 0;
  for (let i = 0; i < needed && i < amounts.length; i++) sum += amounts[i] ?? 0;
  return sum;
}

function sameRequests(a: Resources, b: Resources): boolean {
  if (a.cpu !== b.cpu || a.memory !== b.memory || a.ephemeralStorage !== b.ephemeralStorage) return false;
  if (a.scalar.size !== b.scalar.size) return false;
  for (const [name, amount] of a.scalar) if (b.scalar.get(name) !== amount) return false;
  return true;
}

/** The `needed` smallest requests of each resource among the members, summed, and `needed` pod slots. */
export function demandOf(members: readonly PodFacts[], needed: number): Demand {
  const requests = members.map((f) => f.pod.requests);
  const names = new Set(requests.flatMap((r) => [...r.scalar.keys()]));
  const scalar = new Map<string, number>();
  for (const name of [...names].sort(compareStrings)) {
    const amount = smallest(
      requests.map((r) => r.scalar.get(name) ?? 0),
      needed,
    );
    if (amount > 0) scalar.set(name, amount);
  }
  const [first] = requests;
  return {
    cpu: smallest(
      requests.map((r) => r.cpu),
      needed,
    ),
    memory: smallest(
      requests.map((r) => r.memory),
      needed,
    ),
    ephemeralStorage: smallest(
      requests.map((r) => r.ephemeralStorage),
      needed,
    ),
    scalar,
    pods: needed,
    each: first !== undefined && requests.every((r) => sameRequests(r, first)) ? first : undefined,
  };
}

/** How many times the demand fits a domain, and how many members its nodes take: now, and with every pod gone. */
export interface Room {
  readonly free: number;
  readonly capacity: number;
  /** Infinity when the members ask different amounts (not counted). */
  readonly slots: number;
  readonly emptySlots: number;
}

/** Free and total amounts of one resource over a domain's usable nodes. */
class Tally {
  free = 0;
  capacity = 0;
  add(allocatable: number, used: number): void {
    this.free += Math.max(0, allocatable - used);
    this.capacity += allocatable;
  }
}

const NOTHING_USED: Pick<Usage, 'cpu' | 'memory' | 'ephemeralStorage' | 'scalar' | 'pods'> = {
  cpu: 0,
  memory: 0,
  ephemeralStorage: 0,
  scalar: new Map(),
  pods: 0,
};

/** How many pods asking `req` fit beside `used` on a node (ports and per-node limits left out: at most this many). */
function slotsOn(req: Resources, used: typeof NOTHING_USED, alloc: Resources, pods: number): number {
  const times = (has: number, taken: number, asked: number): number =>
    asked > 0 ? Math.floor((has - taken) / asked) : Number.POSITIVE_INFINITY;
  let n = Math.min(
    pods - used.pods,
    times(alloc.cpu, used.cpu, req.cpu),
    times(alloc.memory, used.memory, req.memory),
    times(alloc.ephemeralStorage, used.ephemeralStorage, req.ephemeralStorage),
  );
  for (const [name, asked] of req.scalar)
    n = Math.min(n, times(alloc.scalar.get(name) ?? 0, used.scalar.get(name) ?? 0, asked));
  return Math.max(0, n);
}

/** See the head of this file; `f` is the member whose view is taken (the oldest pending). */
export function roomIn(state: ClusterState, f: PodFacts, demand: Demand, d: Domain): Room {
  const cpu = new Tally();
  const memory = new Tally();
  const storage = new Tally();
  const pods = new Tally();
  const scalar = new Map([...demand.scalar.keys()].map((name) => [name, new Tally()]));
  const each = demand.each;
  let slots = each === undefined ? Number.POSITIVE_INFINITY : 0;
  let emptySlots = slots;
  for (const ns of d.nodes) {
    if (checkStatic(f, ns.node) !== undefined) continue;
    const alloc = ns.node.allocatable;
    const used = state.usageFor(f, ns);
    cpu.add(alloc.cpu, used.cpu);
    memory.add(alloc.memory, used.memory);
    storage.add(alloc.ephemeralStorage, used.ephemeralStorage);
    pods.add(ns.node.allocatablePods, used.pods);
    for (const [name, t] of scalar) t.add(alloc.scalar.get(name) ?? 0, used.scalar.get(name) ?? 0);
    if (each !== undefined) {
      slots += slotsOn(each, used, alloc, ns.node.allocatablePods);
      emptySlots += slotsOn(each, NOTHING_USED, alloc, ns.node.allocatablePods);
    }
  }
  // Integer sums, one division each: equal domains get equal rooms, whatever their node order.
  const wanted: Array<[Tally, number]> = [
    [cpu, demand.cpu],
    [memory, demand.memory],
    [storage, demand.ephemeralStorage],
    [pods, demand.pods],
    ...[...scalar].map(([name, t]): [Tally, number] => [t, demand.scalar.get(name) ?? 0]),
  ];
  let free = Number.POSITIVE_INFINITY;
  let capacity = Number.POSITIVE_INFINITY;
  for (const [t, amount] of wanted) {
    if (amount <= 0) continue;
    free = Math.min(free, t.free / amount);
    capacity = Math.min(capacity, t.capacity / amount);
  }
  return { free, capacity, slots, emptySlots };
}

/**
 * Rooms of the domains as one gang sees them (its node rules, priority and demand),
 * remembered per domain while none of its nodes changes: node versions only grow, so an
 * equal sum of them means the same nodes as before. Gangs of one shape share them.
 */
type KnownRooms = Map<Domain, { readonly version: number; readonly room: Room }>;

export class Rooms {
  private readonly known = new Map<string, KnownRooms>();

  constructor(private readonly state: ClusterState) {}

  /** The room of each domain for a gang of `demand`, seen by `f` (see roomIn). */
  view(f: PodFacts, demand: Demand): (d: Domain) => Room {
    const id = JSON.stringify([
      demand.each === undefined
        ? null
        : [demand.each.cpu, demand.each.memory, demand.each.ephemeralStorage, [...demand.each.scalar]],
      staticRules(f.pod),
      f.priority,
      demand.cpu,
      demand.memory,
      demand.ephemeralStorage,
      [...demand.scalar],
      demand.pods,
    ]);
    let known = this.known.get(id);
    if (known === undefined) {
      known = new Map();
      this.known.set(id, known);
    }
    const rooms: KnownRooms = known;
    return (d) => {
      let version = 0;
      for (const ns of d.nodes) version += ns.version;
      const before = rooms.get(d);
      if (before?.version === version) return before.room;
      const room = roomIn(this.state, f, demand, d);
      rooms.set(d, { version, room });
      return room;
    };
  }
}

/** The rules that decide which nodes a pod may use at all (checkStatic), as one comparable text. */
export function staticRules(p: Pod): string {
  return JSON.stringify([p.tolerations, p.nodeSelector, p.requiredAffinity ?? null]);
}
