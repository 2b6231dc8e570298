// Reading the `plan` command's snapshot files: kubectl JSON from files or stdin, items
// of every file concatenated, converted to one Snapshot. Any problem is one line that
// names the file.
import {
  fail,
  ok,
  type Claim,
  type CsiNode,
  type Namespace,
  type Node,
  type PersistentVolume,
  type Pod,
  type PodDisruptionBudget,
  type Result,
  type Snapshot,
  type StorageClass,
} from '../core/index.js';
import { snapshotFromItems } from '../snapshot/convert.js';
import { isPlain } from '../snapshot/fields.js';

export interface InputSource {
  readFile(path: string): Promise<string>;
  readStdin(): Promise<string>;
}

const STDIN = '-';

function displayName(file: string): string {
  return file === STDIN ? '<stdin>' : file;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** The message of a thrown value (duck-typed: errors from node:fs may come from another realm). */
function messageOf(err: unknown): string {
  const message = typeof err === 'object' && err !== null && 'message' in err ? String(err.message) : String(err);
  // "ENOENT: no such file or directory, open 'x.json'": the file is named already.
  return oneLine(message.replace(/, \w+ '[^']*'$/, ''));
}

/** The items of a List, of any object with `items`, or the object itself. */
function itemsOf(text: string): Result<readonly unknown[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return fail(`not JSON (${messageOf(err)})`);
  }
  if (!isPlain(parsed)) return fail('expected a JSON object (a List or a Kubernetes object)');
  if ('items' in parsed) {
    const items = parsed['items'];
    // kubectl writes `"items": []` for an empty list; a null is the same to us.
    if (items === null) return ok([]);
    if (!Array.isArray(items)) return fail('items: expected a list');
    return ok(items);
  }
  if (typeof parsed['kind'] === 'string') return ok([parsed]);
  return fail('no items (expected a List, an object with items, or one object with a kind)');
}

/** Each list of a snapshot, and how the objects in it are told apart across files. */
const LISTS = {
  nodes: (n: Node) => `node ${n.name}`,
  pods: (p: Pod) => `pod ${p.key}`,
  pdbs: (b: PodDisruptionBudget) => `poddisruptionbudget ${b.namespace}/${b.name}`,
  namespaces: (n: Namespace) => `namespace ${n.name}`,
  claims: (c: Claim) => `persistentvolumeclaim ${c.key}`,
  volumes: (v: PersistentVolume) => `persistentvolume ${v.name}`,
  storageClasses: (c: StorageClass) => `storageclass ${c.name}`,
  csiNodes: (n: CsiNode) => `csinode ${n.name}`,
};

interface Merged {
  nodes: Node[];
  pods: Pod[];
  pdbs: PodDisruptionBudget[];
  namespaces: Namespace[];
  claims: Claim[];
  volumes: PersistentVolume[];
  storageClasses: StorageClass[];
  csiNodes: CsiNode[];
}

/** The identities of one file's objects, every list in LISTS. */
function identities(snapshot: Snapshot): string[] {
  return [
    ...snapshot.nodes.map(LISTS.nodes),
    ...snapshot.pods.map(LISTS.pods),
    ...snapshot.pdbs.map(LISTS.pdbs),
    ...(snapshot.namespaces ?? []).map(LISTS.namespaces),
    ...(snapshot.claims ?? []).map(LISTS.claims),
    ...(snapshot.volumes ?? []).map(LISTS.volumes),
    ...(snapshot.storageClasses ?? []).map(LISTS.storageClasses),
    ...(snapshot.csiNodes ?? []).map(LISTS.csiNodes),
  ];
}

function append(into: Merged, snapshot: Snapshot): void {
  into.nodes.push(...snapshot.nodes);
  into.pods.push(...snapshot.pods);
  into.pdbs.push(...snapshot.pdbs);
  into.namespaces.push(...(snapshot.namespaces ?? []));
  into.claims.push(...(snapshot.claims ?? []));
  into.volumes.push(...(snapshot.volumes ?? []));
  into.storageClasses.push(...(snapshot.storageClasses ?? []));
  into.csiNodes.push(...(snapshot.csiNodes ?? []));
}

/** A list known only from the input: present when some file lists one (as `kubectl get` would). */
function known<K extends string, T>(key: K, items: readonly T[]): Partial<Record<K, readonly T[]>> {
  const out: Partial<Record<K, readonly T[]>> = {};
  if (items.length > 0) out[key] = Object.freeze(items);
  return out;
}

export async function readSnapshot(files: readonly string[], source: InputSource): Promise<Result<Snapshot>> {
  const merged: Merged = {
    nodes: [],
    pods: [],
    pdbs: [],
    namespaces: [],
    claims: [],
    volumes: [],
    storageClasses: [],
    csiNodes: [],
  };
  const seen = new Set<string>();
  let stdin: Promise<string> | undefined;

  for (const file of files) {
    const name = displayName(file);
    let text: string;
    try {
      text = file === STDIN ? await (stdin ??= source.readStdin()) : await source.readFile(file);
    } catch (err) {
      return fail(`${name}: cannot read (${messageOf(err)})`);
    }
    const items = itemsOf(text);
    if (!items.ok) return fail(`${name}: ${items.error}`);

    const { snapshot, errors } = snapshotFromItems(items.value);
    const [first] = errors;
    if (first !== undefined) {
      const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
      return fail(`${name}: ${oneLine(first)}${more}`);
    }
    // The same object in two files would be planned twice.
    const ids = identities(snapshot);
    const repeated = ids.find((id) => seen.has(id));
    if (repeated !== undefined) return fail(`${name}: ${repeated}: appears twice`);
    for (const id of ids) seen.add(id);
    append(merged, snapshot);
  }
  return ok(
    Object.freeze({
      nodes: Object.freeze(merged.nodes),
      pods: Object.freeze(merged.pods),
      pdbs: Object.freeze(merged.pdbs),
      ...known('namespaces', merged.namespaces),
      ...known('claims', merged.claims),
      ...known('volumes', merged.volumes),
      ...known('storageClasses', merged.storageClasses),
      ...known('csiNodes', merged.csiNodes),
    }),
  );
}
