// Lists a kind in pages, as kube-scheduler's reflectors do, rather than in one response
// holding every pod of the cluster: the client reads, parses and deserializes one page
// at a time, and each page is trimmed before the next is asked for, so untrimmed objects
// never pile up.
import type { KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import { fail, ok, type Result } from '../core/index.js';
import { httpStatus } from './errors.js';

/** The paging parameters of a generated client's list call. */
export interface PageRequest {
  readonly limit: number;
  readonly _continue?: string;
}

export type PageFetcher<T extends KubernetesObject> = (request: PageRequest) => Promise<KubernetesListObject<T>>;

export interface PagingOptions {
  /** Objects per page. */
  readonly limit: number;
  /** Lists started again after an expired continue token before the 410 is thrown. */
  readonly maxRestarts: number;
}

export const DEFAULT_PAGING: PagingOptions = Object.freeze({ limit: 500, maxRestarts: 3 });

/**
 * Every page joined into one list, each item passed through `transform`. The list's
 * resourceVersion is the first page's: the following pages are read at that same
 * version, so the whole is one consistent snapshot to watch from.
 */
export async function listInPages<T extends KubernetesObject>(
  fetchPage: PageFetcher<T>,
  transform: (item: T) => T,
  options: PagingOptions = DEFAULT_PAGING,
): Promise<KubernetesListObject<T>> {
  for (let restarts = 0; ; restarts++) {
    const listed = await listOnce(fetchPage, transform, options.limit);
    if (listed.ok) return listed.value;
    // A continue token expires once etcd compacts the version it reads at (about five
    // minutes). Pages from a newer version cannot be joined to the ones already read
    // (they would not be one snapshot, and objects could be missed or doubled), so the
    // list starts over. The listener's backoff takes over if it keeps expiring.
    if (restarts >= options.maxRestarts) throw listed.error;
  }
}

/** One paged list; an expired continue token fails it (the 410 is the error), any other error is thrown. */
async function listOnce<T extends KubernetesObject>(
  fetchPage: PageFetcher<T>,
  transform: (item: T) => T,
  limit: number,
): Promise<Result<KubernetesListObject<T>, unknown>> {
  const items: T[] = [];
  let resourceVersion: string | undefined;
  let token: string | undefined;
  let pages = 0;
  do {
    let page: KubernetesListObject<T>;
    try {
      page = await fetchPage(token === undefined ? { limit } : { limit, _continue: token });
    } catch (err) {
      if (token !== undefined && httpStatus(err) === 410) return fail(err);
      throw err;
    }
    if (pages++ === 0) resourceVersion = page.metadata?.resourceVersion;
    // `"items": null` stays null in the generated client (ListWatch guards against it too).
    for (const item of page.items ?? []) items.push(transform(item));
    token = page.metadata?._continue || undefined;
  } while (token !== undefined);
  return ok({ metadata: resourceVersion === undefined ? {} : { resourceVersion }, items });
}
