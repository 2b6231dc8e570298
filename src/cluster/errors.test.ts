import { ApiException } from '@kubernetes/client-node';
import { bindRetryable, classifyError } from './errors.js';

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

describe('bindRetryable', () => {
  const conflict = (message: string) => ({ kind: 'conflict' as const, status: 409, message });

  it('sends a bind again after a transient error or a 409 that carries a storage failure', () => {
    expect(bindRetryable({ kind: 'transient', status: 503, message: 'unavailable' })).toBe(true);
    expect(
      bindRetryable(
        conflict(
          'Operation cannot be fulfilled on pods/binding "p-0031": rpc error: code = Unavailable desc = error reading from server: EOF',
        ),
      ),
    ).toBe(true);
  });

  it('does not when the pod is bound already, is another pod now, or the request is wrong', () => {
    expect(
      bindRetryable(
        conflict(
          'Operation cannot be fulfilled on pods/binding "p-0071": pod p-0071 is already assigned to node "n134"',
        ),
      ),
    ).toBe(false);
    expect(bindRetryable(conflict('Precondition failed: UID in precondition: a, UID in object meta: b'))).toBe(false);
    expect(bindRetryable({ kind: 'invalid', status: 422, message: 'bad' })).toBe(false);
    expect(bindRetryable({ kind: 'gone', status: 404, message: 'not found' })).toBe(false);
  });
});
