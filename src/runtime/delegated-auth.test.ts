import { describe, expect, test } from '@jest/globals';
import type { AccessReviews, NonResourceRequest, UserInfo } from '../cluster/index.js';
import { bearerToken, DelegatedAuth } from './delegated-auth.js';

const METRICS: NonResourceRequest = { path: '/metrics', verb: 'get' };
const user = (username: string): UserInfo => ({ username, uid: `${username}-uid`, groups: ['team'], extra: {} });

/** Tokens "good-*" belong to the user after the dash; only "prometheus" may read /metrics. */
function fakeReviews(): AccessReviews & { tokenCalls: number; accessCalls: number; failing: boolean } {
  const reviews = {
    tokenCalls: 0,
    accessCalls: 0,
    failing: false,
    reviewToken: async (token: string) => {
      reviews.tokenCalls++;
      if (reviews.failing) throw new Error('connect ECONNREFUSED 127.0.0.1:6443');
      return token.startsWith('good-')
        ? { authenticated: true as const, user: user(token.slice(5)) }
        : { authenticated: false as const, reason: 'token has expired' };
    },
    reviewAccess: async (u: UserInfo, request: NonResourceRequest) => {
      reviews.accessCalls++;
      if (reviews.failing) throw new Error('POST /apis/authorization.k8s.io/v1/subjectaccessreviews: HTTP 403');
      return u.username === 'prometheus' && request.path === '/metrics'
        ? { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "metrics"' }
        : { allowed: false, reason: '' };
    },
  };
  return reviews;
}

describe('DelegatedAuth', () => {
  test('lets an allowed user in, keeps others out with the reason', async () => {
    const auth = new DelegatedAuth({ reviews: fakeReviews(), now: () => 0 });
    expect(await auth.check('Bearer good-prometheus', METRICS)).toEqual({ status: 200, user: 'prometheus' });
    expect(await auth.check('Bearer good-mallory', METRICS)).toEqual({
      status: 403,
      message: 'forbidden: user "mallory" cannot get path "/metrics"',
    });
    expect(await auth.check('Bearer stolen', METRICS)).toEqual({
      status: 401,
      message: 'Unauthorized: token has expired',
    });
    expect(await auth.check(undefined, METRICS)).toEqual({
      status: 401,
      message: 'Unauthorized: a bearer token is required',
    });
    expect(await auth.check('Basic dXNlcjpwYXNz', METRICS)).toMatchObject({ status: 401 });
  });

  test('keeps verdicts for the TTL, then asks again', async () => {
    let now = 0;
    const reviews = fakeReviews();
    const auth = new DelegatedAuth({ reviews, now: () => now, ttlMs: 10_000 });
    await auth.check('Bearer good-prometheus', METRICS);
    await auth.check('Bearer good-mallory', METRICS);
    await auth.check('Bearer bad', METRICS);
    now = 9_999;
    await auth.check('Bearer good-prometheus', METRICS);
    await auth.check('Bearer good-mallory', METRICS);
    await auth.check('Bearer bad', METRICS);
    expect([reviews.tokenCalls, reviews.accessCalls]).toEqual([3, 2]);
    now = 10_000;
    await auth.check('Bearer good-prometheus', METRICS);
    expect([reviews.tokenCalls, reviews.accessCalls]).toEqual([4, 3]);
  });

  test('keeps at most maxEntries verdicts, dropping the oldest', async () => {
    const reviews = fakeReviews();
    const auth = new DelegatedAuth({ reviews, now: () => 0, maxEntries: 2 });
    for (const t of ['a', 'b', 'c']) await auth.check(`Bearer bad-${t}`, METRICS);
    await auth.check('Bearer bad-c', METRICS); // kept
    expect(reviews.tokenCalls).toBe(3);
    await auth.check('Bearer bad-a', METRICS); // dropped
    expect(reviews.tokenCalls).toBe(4);
  });

  test('an API server that gives no verdict is a 500 naming why, and is asked again next time', async () => {
    const reviews = fakeReviews();
    const auth = new DelegatedAuth({ reviews, now: () => 0 });
    reviews.failing = true;
    expect(await auth.check('Bearer good-prometheus', METRICS)).toEqual({
      status: 500,
      message: 'the token could not be reviewed: connect ECONNREFUSED 127.0.0.1:6443',
    });
    reviews.failing = false;
    expect(await auth.check('Bearer good-prometheus', METRICS)).toMatchObject({ status: 200 });
    expect(reviews.tokenCalls).toBe(2);
  });

  test('a failed access review is a 500 and not kept', async () => {
    const reviews = fakeReviews();
    const auth = new DelegatedAuth({ reviews, now: () => 0 });
    await auth.check('Bearer good-prometheus', { path: '/other', verb: 'get' });
    reviews.failing = true;
    expect(await auth.check('Bearer good-prometheus', METRICS)).toEqual({
      status: 500,
      message: 'access could not be reviewed: POST /apis/authorization.k8s.io/v1/subjectaccessreviews: HTTP 403',
    });
    reviews.failing = false;
    expect(await auth.check('Bearer good-prometheus', METRICS)).toMatchObject({ status: 200 });
  });
});

test('bearerToken reads the scheme in any case', () => {
  expect(bearerToken('Bearer abc.def')).toBe('abc.def');
  expect(bearerToken('bearer   abc ')).toBe('abc');
  expect(bearerToken('Bearer')).toBeUndefined();
  expect(bearerToken('Bearer a b')).toBeUndefined();
  expect(bearerToken(undefined)).toBeUndefined();
});
