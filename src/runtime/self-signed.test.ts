import { describe, expect, test } from '@jest/globals';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { once } from 'node:events';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ipv6Bytes, selfSignedCertificate } from './self-signed.js';

const NOW = new Date('2026-11-23T12:00:00Z');

describe('selfSignedCertificate', () => {
  const made = selfSignedCertificate({
    commonName: 'custom-scheduler',
    hosts: ['localhost', 'scheduler-0', '127.0.0.1', '::1', 'fd00::12:3'],
    now: NOW,
    validDays: 365,
  });
  const cert = new X509Certificate(made.cert);

  test('is an X.509 certificate signed by its own key', () => {
    expect(cert.subject).toBe('CN=custom-scheduler');
    expect(cert.issuer).toBe('CN=custom-scheduler');
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.checkPrivateKey(createPrivateKey(made.key))).toBe(true);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
  });

  test('names every host and address', () => {
    expect(cert.subjectAltName).toBe(
      'DNS:localhost, DNS:scheduler-0, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:FD00:0:0:0:0:0:12:3',
    );
    expect(cert.checkHost('scheduler-0')).toBe('scheduler-0');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
  });

  test('is valid from an hour before now for the days asked', () => {
    expect(new Date(cert.validFrom).toISOString()).toBe('2026-11-23T11:00:00.000Z');
    expect(new Date(cert.validTo).toISOString()).toBe('2027-11-23T12:00:00.000Z');
  });

  test('dates from 2050 are GeneralizedTime', () => {
    const late = new X509Certificate(
      selfSignedCertificate({ commonName: 'x', hosts: ['x'], now: new Date('2049-12-01T00:00:00Z'), validDays: 60 })
        .cert,
    );
    expect(new Date(late.validTo).toISOString()).toBe('2050-01-30T00:00:00.000Z');
  });

  test('serves TLS that a client trusting it accepts', async () => {
    const server = createServer({ cert: made.cert, key: made.key }, (_req, res) => res.end('hello'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      const body = await new Promise<string>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/', ca: made.cert, servername: 'localhost' }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end();
      });
      expect(body).toBe('hello');
    } finally {
      server.close();
    }
  });
});

test('ipv6Bytes expands ::', () => {
  expect(ipv6Bytes('::1').toString('hex')).toBe('00000000000000000000000000000001');
  expect(ipv6Bytes('fe80::1:2').toString('hex')).toBe('fe800000000000000000000000010002');
  expect(ipv6Bytes('1:2:3:4:5:6:7:8').toString('hex')).toBe('00010002000300040005000600070008');
});
