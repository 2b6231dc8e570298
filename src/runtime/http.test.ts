import type { AddressInfo } from 'node:net';
import { startHttp } from './http.js';

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
