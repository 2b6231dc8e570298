// A Watch that trims each event's object before ListWatch sees it, so the objects a
// watch adds or updates are kept as lean as the listed ones. ListWatch takes a Watch
// (a class with private members, so a look-alike will not do): this one extends it and
// hands the request to another Watch, which tests replace with a fake.
import { Watch } from '@kubernetes/client-node';
import { isTrimmable, trimObject } from './trim.js';

type QueryParams = Record<string, string | number | boolean | undefined>;
type EventCallback = (phase: string, apiObj: unknown, watchObj?: unknown) => void;

/** Drops more of an object after the trim; returns an object of the same kind. */
export type Keep = <U>(obj: U) => U;

export class TrimmingWatch extends Watch {
  /** `keep`: what else to drop from an object after the trim (default: nothing). */
  constructor(
    private readonly inner: Watch,
    private readonly keep: Keep = (obj) => obj,
  ) {
    super(inner.config);
  }

  override watch(
    path: string,
    queryParams: QueryParams,
    callback: EventCallback,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    // The event passed along holds the trimmed object too: ListWatch reads only the
    // object, but nothing downstream should reach the untrimmed one.
    const trimmed: EventCallback = (phase, apiObj) => {
      const object = isTrimmable(apiObj) ? this.keep(trimObject(apiObj)) : apiObj;
      callback(phase, object, { type: phase, object });
    };
    return this.inner.watch(path, queryParams, trimmed, done);
  }
}
