import type { KubernetesListObject, V1Pod } from '@kubernetes/client-node';
import { FakeWatch } from './fake-watch.js';
import { trimmedInformer } from './informers.js';
import type { PageRequest } from './paged-list.js';
import { LAST_APPLIED } from './trim.js';
import { TrimmingWatch } from './trimming-watch.js';

const managedFields = [{ manager: 'kwok', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': {} } }];

function pod(name: string, resourceVersion: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'ns',
      resourceVersion,
      annotations: { [LAST_APPLIED]: '{}', keep: 'me' },
      managedFields,
    },
    spec: { containers: [{ name: 'c' }] },
  };
}

const lean = (name: string, resourceVersion: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'ns',
    resourceVersion,
    annotations: { keep: 'me' },
  },
  spec: { containers: [{ name: 'c' }] },
});

describe('TrimmingWatch', () => {
  it('hands the request to the inner watch and delivers each event with its object trimmed', async () => {
    const inner = new FakeWatch();
    const events: [string, unknown, unknown][] = [];
    let doneWith: unknown = 'not yet';
    const controller = await new TrimmingWatch(inner).watch(
      '/api/v1/pods',
      { resourceVersion: '5' },
      (phase, obj, event) => events.push([phase, obj, event]),
      (err) => (doneWith = err),
    );
    expect(controller).toBe(inner.controller);
    expect(inner.requests).toEqual([{ path: '/api/v1/pods', queryParams: { resourceVersion: '5' } }]);

    const status = { kind: 'Status', code: 410, metadata: {} };
    inner.send('ADDED', pod('a', '6'));
    inner.send('DELETED', pod('a', '7'));
    inner.send('ERROR', status);
    inner.send('BOOKMARK', 'not an object');
    expect(events).toEqual([
      ['ADDED', lean('a', '6'), { type: 'ADDED', object: lean('a', '6') }],
      ['DELETED', lean('a', '7'), { type: 'DELETED', object: lean('a', '7') }],
      ['ERROR', status, { type: 'ERROR', object: status }],
      ['BOOKMARK', 'not an object', { type: 'BOOKMARK', object: 'not an object' }],
    ]);
    expect(events[2]?.[1]).toBe(status);

    const gone = new Error('Gone');
    inner.end(gone);
    expect(doneWith).toBe(gone);
  });
});

describe('trimmedInformer', () => {
  it('keeps listed and watched objects trimmed, and watches from the first page’s resourceVersion', async () => {
    const inner = new FakeWatch();
    const pages: KubernetesListObject<V1Pod>[] = [
      { metadata: { resourceVersion: '10', _continue: 't' }, items: [pod('a', '3'), pod('b', '4')] },
      { metadata: { resourceVersion: '10' }, items: [pod('c', '5')] },
    ];
    const requests: PageRequest[] = [];
    const fetchPage = (request: PageRequest): Promise<KubernetesListObject<V1Pod>> => {
      requests.push(request);
      const next = pages.shift();
      return next === undefined ? Promise.reject(new Error('no more pages')) : Promise.resolve(next);
    };
    const informer = trimmedInformer<V1Pod>('/api/v1/pods', inner, fetchPage, { limit: 2, maxRestarts: 3 });
    await informer.start();

    expect(requests).toEqual([{ limit: 2 }, { limit: 2, _continue: 't' }]);
    expect(inner.requests).toEqual([{ path: '/api/v1/pods', queryParams: { resourceVersion: '10' } }]);
    expect(informer.list()).toEqual([lean('a', '3'), lean('b', '4'), lean('c', '5')]);

    inner.send('MODIFIED', pod('b', '11'));
    inner.send('ADDED', pod('d', '12'));
    expect(informer.get('b', 'ns')).toEqual(lean('b', '11'));
    expect(informer.get('d', 'ns')).toEqual(lean('d', '12'));
    expect(informer.latestResourceVersion()).toBe('12');
    await informer.stop();
  });
});
