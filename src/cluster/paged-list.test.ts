import { ApiException, type KubernetesListObject, type V1Pod } from '@kubernetes/client-node';
import { listInPages, type PageRequest } from './paged-list.js';

const pod = (name: string): V1Pod => ({ metadata: { name, namespace: 'ns' } });

function page(rv: string, names: string[], next?: string): KubernetesListObject<V1Pod> {
  return {
    metadata: { resourceVersion: rv, ...(next === undefined ? {} : { _continue: next }) },
    items: names.map(pod),
  };
}

/** Answers each request with the next of `answers` (a page, or an error to throw), recording the requests. */
function fetcher(answers: (KubernetesListObject<V1Pod> | Error)[]) {
  const requests: PageRequest[] = [];
  const fetchPage = async (request: PageRequest): Promise<KubernetesListObject<V1Pod>> => {
    requests.push(request);
    const answer = answers.shift();
    if (answer === undefined) throw new Error('no more answers');
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { fetchPage, requests };
}

const expired = (): ApiException<string> =>
  new ApiException(410, 'Gone', '{"kind":"Status","reason":"Expired","code":410}', {});
const names = (list: KubernetesListObject<V1Pod>): (string | undefined)[] => list.items.map((p) => p.metadata?.name);
const mark = (p: V1Pod): V1Pod => ({ ...p, metadata: { ...p.metadata, labels: { trimmed: 'yes' } } });
const options = { limit: 2, maxRestarts: 3 };

describe('listInPages', () => {
  it('follows continue tokens and joins the pages, at the resourceVersion of the first page', async () => {
    const { fetchPage, requests } = fetcher([
      page('100', ['a', 'b'], 't1'),
      page('100', ['c', 'd'], 't2'),
      page('105', ['e']),
    ]);
    const list = await listInPages(fetchPage, (p) => p, options);
    expect(names(list)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(list.metadata).toEqual({ resourceVersion: '100' });
    expect(requests).toEqual([{ limit: 2 }, { limit: 2, _continue: 't1' }, { limit: 2, _continue: 't2' }]);
  });

  it('transforms each page before asking for the next', async () => {
    const seen: string[] = [];
    const { fetchPage } = fetcher([page('1', ['a'], 't1'), page('1', ['b'])]);
    const wrapped = async (request: PageRequest): Promise<KubernetesListObject<V1Pod>> => {
      seen.push(`fetch ${request._continue ?? 'first'}`);
      return fetchPage(request);
    };
    const list = await listInPages(
      wrapped,
      (p) => {
        seen.push(`transform ${p.metadata?.name ?? ''}`);
        return mark(p);
      },
      options,
    );
    expect(seen).toEqual(['fetch first', 'transform a', 'fetch t1', 'transform b']);
    expect(list.items.map((p) => p.metadata?.labels)).toEqual([{ trimmed: 'yes' }, { trimmed: 'yes' }]);
  });

  it('reads one page when the first has no continue token (or an empty one)', async () => {
    const { fetchPage, requests } = fetcher([{ metadata: { resourceVersion: '9', _continue: '' }, items: [pod('a')] }]);
    const list = await listInPages(fetchPage, (p) => p, options);
    expect(names(list)).toEqual(['a']);
    expect(list.metadata).toEqual({ resourceVersion: '9' });
    expect(requests).toHaveLength(1);
  });

  it('returns an empty list for an empty kind, without a resourceVersion when the server sent none', async () => {
    const { fetchPage } = fetcher([{ items: [] }]);
    expect(await listInPages(fetchPage, (p) => p, options)).toEqual({ metadata: {}, items: [] });
  });

  it('starts over from the first page when a continue token has expired (410)', async () => {
    const { fetchPage, requests } = fetcher([
      page('100', ['a', 'b'], 't1'),
      expired(),
      page('200', ['a', 'c'], 't3'),
      page('200', ['d']),
    ]);
    const list = await listInPages(fetchPage, (p) => p, options);
    expect(names(list)).toEqual(['a', 'c', 'd']);
    expect(list.metadata).toEqual({ resourceVersion: '200' });
    expect(requests).toEqual([
      { limit: 2 },
      { limit: 2, _continue: 't1' },
      { limit: 2 },
      { limit: 2, _continue: 't3' },
    ]);
  });

  it('gives up with the 410 after maxRestarts lists that all expired', async () => {
    const gone = expired();
    const { fetchPage, requests } = fetcher([
      page('1', ['a'], 't'),
      expired(),
      page('2', ['a'], 't'),
      gone,
      page('3', ['a'], 't'),
    ]);
    await expect(listInPages(fetchPage, (p) => p, { limit: 2, maxRestarts: 1 })).rejects.toBe(gone);
    expect(requests).toHaveLength(4);
  });

  it('throws a 410 on the first page: there is no token to have expired', async () => {
    const gone = expired();
    const { fetchPage, requests } = fetcher([gone, page('1', ['a'])]);
    await expect(listInPages(fetchPage, (p) => p, options)).rejects.toBe(gone);
    expect(requests).toHaveLength(1);
  });

  it('throws any other error, on a first page or a continued one, without listing again', async () => {
    const forbidden = new ApiException(403, 'Forbidden', '', {});
    const first = fetcher([forbidden]);
    await expect(listInPages(first.fetchPage, (p) => p, options)).rejects.toBe(forbidden);
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const later = fetcher([page('1', ['a'], 't'), reset, page('1', ['a'])]);
    await expect(listInPages(later.fetchPage, (p) => p, options)).rejects.toBe(reset);
    expect(later.requests).toHaveLength(2);
  });
});
