import { ApiException } from '@kubernetes/client-node';
import { classifyError } from './errors.js';

const api = (code: number, body: unknown = ''): ApiException<unknown> =>
  new ApiException(code, `HTTP ${code}`, body, {});

describe('classifyError', () => {
  it.each([
    [404, 'gone'],
    [409, 'conflict'],
    [403, 'forbidden'],
    [429, 'transient'],
    [500, 'transient'],
    [503, 'transient'],
    [400, 'invalid'],
    [422, 'invalid'],
  ])('HTTP %i is %s', (code, kind) => {
    expect(classifyError(api(code)).kind).toBe(kind);
  });

  it('reads the Status message from a raw text body', () => {
    const body = JSON.stringify({ kind: 'Status', message: 'pod x is already assigned to node "n1"', code: 409 });
    expect(classifyError(api(409, body))).toEqual({
      kind: 'conflict',
      status: 409,
      message: 'pod x is already assigned to node "n1"',
    });
  });

  it('keeps the permission named in a 403', () => {
    const body = { message: 'pods "p" is forbidden: User "u" cannot create resource "pods/binding"' };
    expect(classifyError(api(403, body)).message).toContain('pods/binding');
  });

  it('treats network failures and timeouts as transient', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const fetchFailed = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });
    const timeout = new DOMException('timed out', 'TimeoutError');
    expect(classifyError(reset).kind).toBe('transient');
    expect(classifyError(fetchFailed).kind).toBe('transient');
    expect(classifyError(timeout).kind).toBe('transient');
  });

  it('does not retry our own bugs', () => {
    expect(classifyError(new TypeError('x is undefined')).kind).toBe('invalid');
  });
});
