// A self-signed serving certificate made in memory at start, as kube-scheduler makes one
// when it is given no --tls-cert-file: an ECDSA P-256 key and an X.509 v3 certificate for
// the names and addresses the scheduler answers on. Node can sign but not build
// certificates, so the few DER structures a certificate needs are written out here.
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

export interface ServingCertificate {
  /** PEM of the certificate and of its PKCS#8 private key. */
  readonly cert: string;
  readonly key: string;
}

export interface SelfSignedOptions {
  /** The subject's common name. */
  readonly commonName: string;
  /** DNS names and IP addresses (v4 or v6) for subjectAltName. */
  readonly hosts: readonly string[];
  readonly now: Date;
  readonly validDays: number;
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

export function selfSignedCertificate(options: SelfSignedOptions): ServingCertificate {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  // Node's SPKI export is already the SubjectPublicKeyInfo a certificate carries.
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const signatureAlgorithm = sequence(oid(OID.ecdsaWithSha256));
  const name = sequence(set(sequence(oid(OID.commonName), utf8(options.commonName))));
  const notBefore = new Date(options.now.getTime() - 60 * 60 * 1000); // an hour of clock skew
  const notAfter = new Date(options.now.getTime() + options.validDays * 24 * 60 * 60 * 1000);
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f; // positive
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(serial),
    signatureAlgorithm,
    name, // issuer: itself
    sequence(time(notBefore), time(notAfter)),
    name,
    spki,
    explicit(3, sequence(...extensions(options.hosts))),
  );
  // ECDSA signatures come out DER-encoded (ECDSA-Sig-Value), as X.509 wants them.
  const signature = sign('sha256', tbs, privateKey);
  const der = sequence(tbs, signatureAlgorithm, bitString(signature));
  return {
    cert: pem('CERTIFICATE', der),
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function extensions(hosts: readonly string[]): Buffer[] {
  const altNames = hosts.map((h) => {
    if (isIPv4(h)) return tagged(0x87, Buffer.from(h.split('.').map(Number)));
    if (isIPv6(h)) return tagged(0x87, ipv6Bytes(h));
    return tagged(0x82, Buffer.from(h, 'ascii')); // dNSName
  });
  return [
    extension(OID.basicConstraints, true, sequence()), // not a CA
    extension(OID.keyUsage, true, tagged(0x03, Buffer.from([0x07, 0x80]))), // digitalSignature
    extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))),
    extension(OID.subjectAltName, false, sequence(...altNames)),
  ];
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [tagged(0x01, Buffer.from([0xff]))] : []), tagged(0x04, value));
}

/** The 16 bytes of an IPv6 address, `::` expanded. */
export function ipv6Bytes(address: string): Buffer {
  const [head = '', tail] = address.split('::');
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  const all = [...front, ...Array<string>(8 - front.length - back.length).fill('0'), ...back];
  const bytes = Buffer.alloc(16);
  all.forEach((g, i) => bytes.writeUInt16BE(parseInt(g, 16), i * 2));
  return bytes;
}

// --- DER -------------------------------------------------------------------

function tagged(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const sequence = (...items: Buffer[]): Buffer => tagged(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tagged(0x31, Buffer.concat(items));
const explicit = (n: number, content: Buffer): Buffer => tagged(0xa0 | n, content);
const utf8 = (text: string): Buffer => tagged(0x0c, Buffer.from(text, 'utf8'));
const bitString = (bytes: Buffer): Buffer => tagged(0x03, Buffer.concat([Buffer.from([0]), bytes]));

/** A non-negative INTEGER from its big-endian bytes. */
function integer(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0 && ((bytes[start + 1] ?? 0) & 0x80) === 0) start++;
  const trimmed = bytes.subarray(start);
  return tagged(0x02, ((trimmed[0] ?? 0) & 0x80) !== 0 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const [first = 0, second = 0, ...rest] = arcs;
  const bytes = [40 * first + second];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tagged(0x06, Buffer.from(bytes));
}

/** UTCTime until 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5). */
function time(at: Date): Buffer {
  const iso = at.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  return at.getUTCFullYear() < 2050
    ? tagged(0x17, Buffer.from(`${digits.slice(2)}Z`, 'ascii'))
    : tagged(0x18, Buffer.from(`${digits}Z`, 'ascii'));
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
