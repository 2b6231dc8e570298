// Reading the `plan` command's snapshot files: kubectl JSON from files or stdin, items
// of every file concatenated, converted to one Snapshot. Any problem is one line that
// names the file.
import type { Namespace, Node, Pod, PodDisruptionBudget, Snapshot } from '../core/model.js';
import { snapshotFromItems } from '../snapshot/convert.js';

export interface InputSource {
  readFile(path: string): Promise<string>;
  readStdin(): Promise<string>;
}

export type SnapshotResult =
  { readonly ok: true; readonly value: Snapshot } | { readonly ok: false; readonly error: string };

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
function itemsOf(text: string): { ok: true; items: readonly unknown[] } | { ok: false; error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `not JSON (${messageOf(err)})` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, error: 'expected a JSON object (a List or a Kubernetes object)' };
  }
  const object = parsed as Readonly<Record<string, unknown>>;
  if ('items' in object) {
    const items = object['items'];
    // kubectl writes `"items": []` for an empty list; a null is the same to us.
    if (items === null) return { ok: true, items: [] };
    if (!Array.isArray(items)) return { ok: false, error: 'items: expected a list' };
    return { ok: true, items };
  }
  if (typeof object['kind'] === 'string') return { ok: true, items: [object] };
  return { ok: false, error: 'no items (expected a List, an object with items, or one object with a kind)' };
}

export async function readSnapshot(files: readonly string[], source: InputSource): Promise<SnapshotResult> {
  const nodes: Node[] = [];
  const pods: Pod[] = [];
  const pdbs: PodDisruptionBudget[] = [];
  const namespaces: Namespace[] = [];
  const seen = new Set<string>();
  let stdin: Promise<string> | undefined;

  for (const file of files) {
    const name = displayName(file);
    let text: string;
    try {
      text = file === STDIN ? await (stdin ??= source.readStdin()) : await source.readFile(file);
    } catch (err) {
      return { ok: false, error: `${name}: cannot read (${messageOf(err)})` };
    }
    const items = itemsOf(text);
    if (!items.ok) return { ok: false, error: `${name}: ${items.error}` };

    const { snapshot, errors } = snapshotFromItems(items.items);
    const [first] = errors;
    if (first !== undefined) {
      const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
      return { ok: false, error: `${name}: ${oneLine(first)}${more}` };
    }
    // The same object in two files would be planned twice.
    const ids = [
      ...snapshot.nodes.map((n) => `node ${n.name}`),
      ...snapshot.pods.map((p) => `pod ${p.key}`),
      ...snapshot.pdbs.map((b) => `poddisruptionbudget ${b.namespace}/${b.name}`),
      ...(snapshot.namespaces ?? []).map((n) => `namespace ${n.name}`),
    ];
    const repeated = ids.find((id) => seen.has(id));
    if (repeated !== undefined) return { ok: false, error: `${name}: ${repeated}: appears twice` };
    for (const id of ids) seen.add(id);
    nodes.push(...snapshot.nodes);
    pods.push(...snapshot.pods);
    pdbs.push(...snapshot.pdbs);
    namespaces.push(...(snapshot.namespaces ?? []));
  }
  // Namespaces are known only when the input lists some (kubectl get ns -o json).
  const known = namespaces.length > 0 ? { namespaces: Object.freeze(namespaces) } : {};
  return {
    ok: true,
    value: Object.freeze({
      nodes: Object.freeze(nodes),
      pods: Object.freeze(pods),
      pdbs: Object.freeze(pdbs),
      ...known,
    }),
  };
}
