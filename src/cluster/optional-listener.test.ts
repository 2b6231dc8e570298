import { checkServed, type Serving } from './discovery.js';
import { Listener, type InformerLike } from './listeners.js';
import { OptionalListener } from './optional-listener.js';

const API = { group: 'scheduling.x-k8s.io', version: 'v1alpha1', resource: 'podgroups' };
const NAME = 'podgroups.scheduling.x-k8s.io/v1alpha1';
const NOT_SERVED: Serving = { served: false, reason: `${NAME} is not served by this cluster`, definite: true };
const UNKNOWN: Serving = {
  served: false,
  reason: `could not ask whether ${NAME} is served: HTTP 503`,
  definite: false,
};

class FakeInformer implements InformerLike<{ name: string }> {
  starts = 0;
  stops = 0;
  items: { name: string }[] = [{ name: 'train' }];
  on(): void {}
  async start(): Promise<void> {
    this.starts++;
  }
  async stop(): Promise<void> {
    this.stops++;
  }
  list(): readonly { name: string }[] {
    return this.items;
  }
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 50; i++) await Promise.resolve();
};

function setup(answers: Serving[]) {
  const informer = new FakeInformer();
  const logs: string[] = [];
  const waiting: (() => void)[] = [];
  const listener = new Listener(informer, {
    name: 'podgroups',
    restartInitialDelayMs: 100,
    restartMaxDelayMs: 1_000,
    quietMs: 60_000,
    now: () => 0,
    delay: async () => undefined,
    log: () => undefined,
  });
  const optional = new OptionalListener({
    api: API,
    purpose: 'gang source scheduler-plugins',
    listener,
    check: async () => answers.shift() ?? NOT_SERVED,
    recheckMs: 60_000,
    delay: (_ms, signal) =>
      new Promise<void>((resolve, reject) => {
        waiting.push(resolve);
        signal.addEventListener('abort', () => reject(new Error('stopped')));
      }),
    log: (_level, message) => logs.push(message),
  });
  /** Lets the next re-check happen. */
  const recheck = async (): Promise<void> => {
    await settle();
    waiting.shift()?.();
    await settle();
  };
  return { informer, optional, logs, recheck };
}

describe('OptionalListener', () => {
  it('an API not served lists nothing, says why once, and is listened to once it is served', async () => {
    const { informer, optional, logs, recheck } = setup([NOT_SERVED, NOT_SERVED, { served: true }]);
    await optional.start();
    expect(optional.list()).toEqual([]);
    expect(optional.unavailable()).toBe(`${NAME} is not served by this cluster`);
    expect(informer.starts).toBe(0);
    await recheck(); // still not served: nothing new to say
    expect(logs).toEqual([
      `gang source scheduler-plugins: ${NAME} is not served by this cluster; pods that need it wait, checked again every 60 s`,
    ]);
    await recheck();
    expect(informer.starts).toBe(1);
    expect(optional.unavailable()).toBeUndefined();
    expect(optional.list()).toEqual([{ name: 'train' }]);
    expect(logs[1]).toBe(`gang source scheduler-plugins: ${NAME} is served now; listening`);
    await optional.stop();
    expect(informer.stops).toBe(1);
  });

  it('keeps listening through a failed check, and stops when the API is gone', async () => {
    const { informer, optional, recheck } = setup([{ served: true }, UNKNOWN, NOT_SERVED]);
    await optional.start();
    expect(optional.unavailable()).toBeUndefined();
    await recheck();
    expect(optional.unavailable()).toBeUndefined();
    expect(informer.stops).toBe(0);
    await recheck();
    expect(informer.stops).toBe(1);
    expect(optional.list()).toEqual([]);
    expect(optional.unavailable()).toBe(`${NAME} is not served by this cluster`);
    await optional.stop();
  });

  it('a check that fails before anything was listened to is unavailable with its reason', async () => {
    const { optional } = setup([UNKNOWN]);
    await optional.start();
    expect(optional.unavailable()).toBe(`could not ask whether ${NAME} is served: HTTP 503`);
    await optional.stop();
  });
});

describe('checkServed', () => {
  const answer = (status: number, body: unknown) => async () => ({ status, body: JSON.stringify(body) });

  it('is served when discovery lists the resource', async () => {
    const body = { kind: 'APIResourceList', resources: [{ name: 'podgroups' }, { name: 'podgroups/status' }] };
    expect(await checkServed(answer(200, body), API)).toEqual({ served: true });
  });

  it('is not served when the group/version is unknown or does not list the resource', async () => {
    expect(await checkServed(answer(404, {}), API)).toEqual(NOT_SERVED);
    expect(await checkServed(answer(200, { resources: [{ name: 'other' }] }), API)).toEqual(NOT_SERVED);
  });

  it('a failed question is not definite', async () => {
    expect(await checkServed(answer(503, {}), API)).toEqual(UNKNOWN);
    const refused = async () => {
      throw new Error('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
    };
    expect(await checkServed(refused, API)).toEqual({
      served: false,
      reason: `could not ask whether ${NAME} is served: fetch failed (connect ECONNREFUSED 127.0.0.1:1)`,
      definite: false,
    });
  });
});
