// A Watch without a network, for tests of the informers: `send` delivers an event to the
// callback of the last watch request, `end` finishes that request.
import { KubeConfig, Watch } from '@kubernetes/client-node';

type Callback = (phase: string, apiObj: unknown, watchObj?: unknown) => void;

export class FakeWatch extends Watch {
  readonly requests: { path: string; queryParams: Record<string, unknown> }[] = [];
  readonly controller = new AbortController();
  private callback: Callback = () => undefined;
  private done: (err: unknown) => void = () => undefined;

  constructor() {
    super(new KubeConfig());
  }

  override watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: Callback,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    this.requests.push({ path, queryParams });
    this.callback = callback;
    this.done = done;
    return Promise.resolve(this.controller);
  }

  send(type: string, object: unknown): void {
    this.callback(type, object, { type, object });
  }

  end(err: unknown): void {
    this.done(err);
  }
}
