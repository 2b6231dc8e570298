import type { V1Pod } from '@kubernetes/client-node';
import { httpStatus } from './errors.js';
import { ListError, parseListPage } from './raw-list.js';

describe('parseListPage', () => {
  it('keeps the items as plain JSON, with the resourceVersion and the continue token', () => {
    const page = parseListPage<V1Pod>(
      JSON.stringify({
        kind: 'PodList',
        metadata: { resourceVersion: '12', continue: 'next' },
        items: [{ metadata: { name: 'a', creationTimestamp: '2026-11-23T10:00:00Z' } }],
      }),
      '/api/v1/pods',
    );
    expect(page.metadata).toEqual({ resourceVersion: '12', _continue: 'next' });
    expect(page.items).toEqual([{ metadata: { name: 'a', creationTimestamp: '2026-11-23T10:00:00Z' } }]);
  });

  it('reads the last page (no continue token) and "items": null as no items', () => {
    const page = parseListPage<V1Pod>(
      '{"metadata":{"resourceVersion":"3","continue":""},"items":null}',
      '/api/v1/pods',
    );
    expect(page).toEqual({ metadata: { resourceVersion: '3' }, items: [] });
  });

  it('fails with the path on a body that is not a list', () => {
    expect(() => parseListPage('<html>', '/api/v1/nodes')).toThrow('list /api/v1/nodes: the response is not JSON');
    expect(() => parseListPage('[]', '/api/v1/nodes')).toThrow('list /api/v1/nodes: the response is not an object');
    expect(() => parseListPage('{"items":{}}', '/api/v1/nodes')).toThrow('list /api/v1/nodes: items is not a list');
  });

  it('an API error carries its status where the listener and the pager look for it', () => {
    expect(httpStatus(new ListError('list /api/v1/pods: 410 Gone', 410))).toBe(410);
  });
});
