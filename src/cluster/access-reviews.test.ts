import { describe, expect, test } from '@jest/globals';
import { kubeAccessReviews } from './access-reviews.js';
import type { JsonAsk } from './raw-call.js';

interface Sent {
  readonly path: string;
  readonly body: unknown;
}

function asker(answers: readonly { readonly status: number; readonly body: unknown }[]): JsonAsk & { sent: Sent[] } {
  const sent: Sent[] = [];
  let i = 0;
  const ask = async (path: string, body: unknown) => {
    sent.push({ path, body });
    const answer = answers[i++] ?? { status: 500, body: {} };
    return { status: answer.status, body: typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body) };
  };
  return Object.assign(ask, { sent });
}

describe('kubeAccessReviews', () => {
  test('a TokenReview names the user', async () => {
    const ask = asker([
      {
        status: 201,
        body: {
          status: {
            authenticated: true,
            user: {
              username: 'system:serviceaccount:monitoring:prometheus',
              uid: 'u1',
              groups: ['system:serviceaccounts', 7],
              extra: { 'authentication.kubernetes.io/pod-name': ['prom-0'] },
            },
          },
        },
      },
    ]);
    const verdict = await kubeAccessReviews(ask).reviewToken('tok');
    expect(ask.sent).toEqual([
      {
        path: '/apis/authentication.k8s.io/v1/tokenreviews',
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: 'tok' } },
      },
    ]);
    expect(verdict).toEqual({
      authenticated: true,
      user: {
        username: 'system:serviceaccount:monitoring:prometheus',
        uid: 'u1',
        groups: ['system:serviceaccounts'],
        extra: { 'authentication.kubernetes.io/pod-name': ['prom-0'] },
      },
    });
  });

  test('a token not authenticated gives the error, or "invalid token"', async () => {
    const ask = asker([
      { status: 201, body: { status: { authenticated: false, error: 'token has expired' } } },
      { status: 201, body: { status: {} } },
    ]);
    const reviews = kubeAccessReviews(ask);
    expect(await reviews.reviewToken('a')).toEqual({ authenticated: false, reason: 'token has expired' });
    expect(await reviews.reviewToken('b')).toEqual({ authenticated: false, reason: 'invalid token' });
  });

  test('a SubjectAccessReview asks for the path and verb', async () => {
    const ask = asker([
      { status: 201, body: { status: { allowed: true, reason: 'allowed by ClusterRoleBinding "m"' } } },
      { status: 201, body: { status: { allowed: false, evaluationError: 'no RBAC policy matched' } } },
      { status: 201, body: { status: { allowed: true, denied: true } } },
    ]);
    const reviews = kubeAccessReviews(ask);
    const alice = { username: 'alice', uid: 'a', groups: ['g'], extra: { k: ['v'] } };
    expect(await reviews.reviewAccess(alice, { path: '/metrics', verb: 'get' })).toEqual({
      allowed: true,
      reason: 'allowed by ClusterRoleBinding "m"',
    });
    expect(ask.sent[0]).toEqual({
      path: '/apis/authorization.k8s.io/v1/subjectaccessreviews',
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: 'alice',
          uid: 'a',
          groups: ['g'],
          extra: { k: ['v'] },
          nonResourceAttributes: { path: '/metrics', verb: 'get' },
        },
      },
    });
    expect(await reviews.reviewAccess(alice, { path: '/metrics', verb: 'get' })).toEqual({
      allowed: false,
      reason: 'no RBAC policy matched',
    });
    expect((await reviews.reviewAccess(alice, { path: '/metrics', verb: 'get' })).allowed).toBe(false);
  });

  test('an answer without a verdict rejects, naming the call and the Status message', async () => {
    const ask = asker([
      {
        status: 403,
        body: {
          kind: 'Status',
          message: 'tokenreviews.authentication.k8s.io is forbidden: User "x" cannot create resource "tokenreviews"',
        },
      },
      { status: 201, body: 'not json' },
    ]);
    const reviews = kubeAccessReviews(ask);
    await expect(reviews.reviewToken('t')).rejects.toThrow(
      'POST /apis/authentication.k8s.io/v1/tokenreviews: HTTP 403: tokenreviews.authentication.k8s.io is forbidden',
    );
    await expect(reviews.reviewToken('t')).rejects.toThrow(
      'POST /apis/authentication.k8s.io/v1/tokenreviews: the answer has no status',
    );
  });
});
