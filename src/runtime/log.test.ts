import { PassThrough } from 'node:stream';
import { createLogger, silentLogger, type LoggerOptions } from './log.js';

const AT = new Date(2026, 10, 23, 9, 5, 7, 42);

function capture(options: Omit<LoggerOptions, 'stream' | 'now' | 'isTTY'> & { readonly isTTY?: boolean }): {
  readonly log: ReturnType<typeof createLogger>;
  readonly lines: () => string[];
} {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  const log = createLogger({ isTTY: false, ...options, stream, now: () => AT });
  return {
    log,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l !== ''),
  };
}

describe('logger', () => {
  it('writes JSON lines with the level, message, fields and timestamp', async () => {
    const { log, lines } = capture({ level: 'info', format: 'json' });
    log.info('bound team/a', { action: 'bind', pod: 'team/a', node: 'n1' });
    log.warn('slow', { error: new Error('boom'), big: 10n });
    await log.flush();
    expect(lines().map((l): unknown => JSON.parse(l))).toEqual([
      {
        level: 'info',
        message: 'bound team/a',
        action: 'bind',
        pod: 'team/a',
        node: 'n1',
        timestamp: AT.toISOString(),
      },
      { level: 'warn', message: 'slow', error: 'boom', big: '10', timestamp: AT.toISOString() },
    ]);
  });

  it('keeps the level and message when a field has their name', async () => {
    const { log, lines } = capture({ level: 'info', format: 'json' });
    log.info('planned', { level: 'x', message: 'y', timestamp: 'z', n: 1 });
    await log.flush();
    expect(JSON.parse(lines()[0] ?? '')).toEqual({
      level: 'info',
      message: 'planned',
      n: 1,
      timestamp: AT.toISOString(),
    });
  });

  it('drops lines below its level', async () => {
    const { log, lines } = capture({ level: 'warn', format: 'json' });
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    await log.flush();
    expect(lines().map((l) => (JSON.parse(l) as { message: string }).message)).toEqual(['w', 'e']);
  });

  it('writes readable lines on a terminal', async () => {
    const { log, lines } = capture({ level: 'debug', format: 'auto', isTTY: true });
    log.debug('pass', { pods: 3, reason: 'no node fits', empty: '' });
    await log.flush();
    expect(lines()).toEqual(['09:05:07.042 debug pass pods=3 reason="no node fits" empty=""']);
  });

  it('gathers the lines of one turn of the event loop into one write', async () => {
    const stream = new PassThrough();
    const writes: string[] = [];
    stream.on('data', (c: Buffer) => writes.push(c.toString('utf8')));
    const log = createLogger({ level: 'info', format: 'text', isTTY: false, stream, now: () => AT });
    for (let i = 0; i < 100; i++) log.info(`line ${i}`);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(1);
    expect(writes[0]?.split('\n')).toHaveLength(101);
  });

  it('a silent logger writes nothing and flushes at once', async () => {
    const log = silentLogger();
    log.error('nobody hears this');
    await expect(log.flush()).resolves.toBeUndefined();
  });
});
