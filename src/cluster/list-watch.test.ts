import {
  ListWatch,
  type KubernetesListObject,
  type KubernetesObject,
  type V1Node,
  type V1Pod,
} from '@kubernetes/client-node';
import { FakeWatch } from './fake-watch.js';
import { WholeListWatch } from './list-watch.js';

const pod = (namespace: string, name: string): V1Pod => ({ metadata: { namespace, name, resourceVersion: '1' } });
const node = (name: string, resourceVersion = '1'): V1Node => ({ metadata: { name, resourceVersion } });

function listOf<T extends KubernetesObject>(items: T[]): () => Promise<KubernetesListObject<T>> {
  return () => Promise.resolve({ metadata: { resourceVersion: '1' }, items });
}

// The scale point of the race: 150,000 pods in one namespace.
const MANY = 150_000;

describe('WholeListWatch', () => {
  it('lists a namespace of 150,000 pods, which client-node’s own list() cannot', async () => {
    const pods = [
      ...Array.from({ length: MANY }, (_, i) => pod('big', `p-${i}`)),
      pod('small', 'a'),
      pod('small', 'b'),
    ];
    const plain = new ListWatch<V1Pod>('/api/v1/pods', new FakeWatch(), listOf(pods), false);
    await plain.start();
    expect(() => plain.list()).toThrow(RangeError);
    await plain.stop();

    const informer = new WholeListWatch<V1Pod>('/api/v1/pods', new FakeWatch(), listOf(pods), false);
    await informer.start();
    const all = informer.list();
    expect(all).toHaveLength(MANY + 2);
    expect(new Set(all.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`)).size).toBe(MANY + 2);
    expect(informer.list('small').map((p) => p.metadata?.name)).toEqual(['a', 'b']);
    await informer.stop();
  });

  it('follows namespaces emptied and added by the watch', async () => {
    const watch = new FakeWatch();
    const informer = new WholeListWatch<V1Pod>('/api/v1/pods', watch, listOf([pod('a', 'x')]), false);
    await informer.start();
    watch.send('DELETED', pod('a', 'x'));
    watch.send('ADDED', pod('b', 'y'));
    expect(informer.list().map((p) => p.metadata?.name)).toEqual(['y']);
    await informer.stop();
  });

  it('keeps cluster-scoped objects current through adds, updates, deletes and a re-list', async () => {
    const watch = new FakeWatch();
    let items = [node('n1'), node('n2')];
    const informer = new WholeListWatch<V1Node>('/api/v1/nodes', watch, () => listOf(items)(), false);
    await informer.start();
    expect(informer.list().map((n) => n.metadata?.name)).toEqual(['n1', 'n2']);

    watch.send('MODIFIED', node('n1', '2'));
    watch.send('ADDED', node('n3', '3'));
    watch.send('DELETED', node('n2', '4'));
    expect(informer.list().map((n) => [n.metadata?.name, n.metadata?.resourceVersion])).toEqual([
      ['n1', '2'],
      ['n3', '3'],
    ]);

    // 410 Gone: ListWatch lists again and drops what the new list lacks.
    items = [node('n3', '5'), node('n4', '5')];
    watch.end({ statusCode: 410 });
    await new Promise<void>((resolve) => {
      const check = (): void => (watch.requests.length === 2 ? resolve() : void setImmediate(check));
      check();
    });
    expect(informer.list().map((n) => n.metadata?.name)).toEqual(['n3', 'n4']);
    expect(informer.get('n4')?.metadata?.resourceVersion).toBe('5');
    await informer.stop();
  });

  it('lists again when started after a stop, not only watching on from the last resourceVersion', async () => {
    const watch = new FakeWatch();
    let items = [node('n1', '1'), node('n2', '1')];
    let lists = 0;
    const informer = new WholeListWatch<V1Node>(
      '/api/v1/nodes',
      watch,
      () => {
        lists += 1;
        return Promise.resolve({ metadata: { resourceVersion: String(lists * 10) }, items });
      },
      false,
    );
    await informer.start();
    watch.send('MODIFIED', node('n1', '11'));
    await informer.stop();

    // Meanwhile (the watch was down): n1 changed again, n2 went, n3 came.
    items = [node('n1', '20'), node('n3', '20')];
    await informer.start();
    expect(lists).toBe(2);
    expect(informer.list().map((n) => [n.metadata?.name, n.metadata?.resourceVersion])).toEqual([
      ['n1', '20'],
      ['n3', '20'],
    ]);
    expect(watch.requests.map((r) => r.queryParams['resourceVersion'])).toEqual(['10', '20']);
    await informer.stop();
  });
});
