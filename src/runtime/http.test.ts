import type { AddressInfo } from 'node:net';
import { startHttp } from './http.js';

describe('probes', () => {
  it('answers /healthz and /readyz from the probes, 503 when not ok', async () => {
    let ready = false;
    const server = await startHttp(0, { alive: () => true, ready: () => ready });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
      ready = true;
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      expect((await fetch(`${base}/nothing`)).status).toBe(404);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
