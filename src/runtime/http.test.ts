import type { AddressInfo } from 'node:net';
import { request } from 'node:https';
import { startHttp, type MetricsGuard } from './http.js';
import { selfSignedCertificate } from './self-signed.js';

describe('http server', () => {
  it('answers /healthz, /readyz and /metrics on the loopback address, 503 when not ok', async () => {
    let ready = false;
    const metrics = {
      contentType: 'text/plain; version=0.0.4',
      render: async () => 'custom_scheduler_pending_pods 3\n',
    };
    const server = await startHttp({
      port: 0,
      address: '127.0.0.1',
      probes: { alive: () => true, ready: () => ready },
      metrics,
    });
    expect((server.address() as AddressInfo).address).toBe('127.0.0.1');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
      ready = true;
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      expect((await fetch(`${base}/nothing`)).status).toBe(404);
      const scraped = await fetch(`${base}/metrics`);
      expect(scraped.headers.get('content-type')).toBe('text/plain; version=0.0.4');
      expect(await scraped.text()).toBe('custom_scheduler_pending_pods 3\n');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('https server with a metrics guard', () => {
  const tls = selfSignedCertificate({ commonName: 'test', hosts: ['127.0.0.1'], now: new Date(), validDays: 1 });

  /** GET over TLS trusting the test certificate: status and body. */
  const get = (port: number, path: string, token?: string): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path,
          ca: tls.cert,
          headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
        },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });

  it('asks the guard for /metrics only, and answers with its verdict', async () => {
    const asked: string[] = [];
    const guard: MetricsGuard = async (authorization, { path, verb }) => {
      asked.push(`${authorization ?? '-'} ${verb} ${path}`);
      if (authorization === 'Bearer ok') return { status: 200, user: 'prometheus' };
      if (authorization === 'Bearer broken') throw new Error('boom');
      return { status: 403, message: 'forbidden: user "x" cannot get path "/metrics"' };
    };
    const server = await startHttp({
      port: 0,
      address: '127.0.0.1',
      probes: { alive: () => true, ready: () => true },
      metrics: { contentType: 'text/plain', render: async () => 'm 1\n' },
      tls,
      guard,
    });
    const { port } = server.address() as AddressInfo;
    try {
      expect(await get(port, '/healthz')).toEqual({ status: 200, body: 'ok\n' });
      expect(await get(port, '/readyz')).toEqual({ status: 200, body: 'ok\n' });
      expect(await get(port, '/metrics', 'ok')).toEqual({ status: 200, body: 'm 1\n' });
      expect(await get(port, '/metrics?x=1', 'nope')).toEqual({
        status: 403,
        body: 'forbidden: user "x" cannot get path "/metrics"\n',
      });
      expect(await get(port, '/metrics', 'broken')).toEqual({ status: 500, body: 'authorization failed: boom\n' });
      expect(asked).toEqual(['Bearer ok get /metrics', 'Bearer nope get /metrics', 'Bearer broken get /metrics']);
      // Plain HTTP to the TLS port gets no answer a client could read as metrics.
      await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
