// How the HTTP server serves when secureServing is on: HTTPS with the given certificate or a
// self-signed one, and /metrics behind delegated authentication and authorization.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { jsonAsker, kubeAccessReviews, type KubeConfig } from '../cluster/index.js';
import { DelegatedAuth } from './delegated-auth.js';
import type { HttpOptions } from './http.js';
import type { Logger } from './log.js';
import { selfSignedCertificate } from './self-signed.js';

export interface ServingOptions {
  readonly tls: { readonly certFile: string; readonly keyFile: string };
  /** The address listened on: named in a self-signed certificate unless it is a wildcard. */
  readonly address: string;
  readonly kubeConfig: KubeConfig;
  readonly now: () => number;
  readonly log: Logger;
}

/** Throws, naming the file, when a certificate or key cannot be read. */
export function secureServing(options: ServingOptions): Required<Pick<HttpOptions, 'tls' | 'guard'>> {
  const auth = new DelegatedAuth({ reviews: kubeAccessReviews(jsonAsker(options.kubeConfig)), now: options.now });
  return {
    tls: certificate(options),
    guard: async (authorization, request) => {
      const verdict = await auth.check(authorization, request);
      // The caller sees the reason too; the log says why nobody can scrape.
      if (verdict.status === 500)
        options.log.warn('cannot authorize a request', { path: request.path, error: verdict.message });
      return verdict;
    },
  };
}

function certificate(options: ServingOptions): { readonly cert: string; readonly key: string } {
  const { certFile, keyFile } = options.tls;
  if (certFile !== '') return { cert: readPem(certFile, 'tlsCertFile'), key: readPem(keyFile, 'tlsPrivateKeyFile') };
  const wildcard = options.address === '0.0.0.0' || options.address === '::';
  const hosts = ['localhost', hostname(), '127.0.0.1', '::1', ...(wildcard ? [] : [options.address])];
  return selfSignedCertificate({
    commonName: 'custom-scheduler',
    hosts: [...new Set(hosts)],
    now: new Date(options.now()),
    validDays: 365,
  });
}

function readPem(file: string, setting: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${setting} ${file} cannot be read: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
}
