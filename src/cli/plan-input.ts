// Reading the `plan` command's snapshot files: kubectl JSON from files or stdin, items
// of every file concatenated, converted to one Snapshot. Any problem is one line that
// names the file.
import { fail, ok, type Result, type Snapshot } from '../core/index.js';
import { DEFAULT_POD_CONVERSION, SnapshotBuilder, type PodConversion } from '../snapshot/convert.js';
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

export async function readSnapshot(
  files: readonly string[],
  source: InputSource,
  conversion: PodConversion = DEFAULT_POD_CONVERSION,
): Promise<Result<Snapshot>> {
  // One builder for every file: the same object in two files would be planned twice.
  const builder = new SnapshotBuilder(conversion);
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

    const errors = builder.add(items.value);
    const [first] = errors;
    if (first !== undefined) {
      const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
      return fail(`${name}: ${oneLine(first)}${more}`);
    }
  }
  return ok(builder.snapshot());
}
