/**
 * Polls `check` until it returns a value other than `undefined`, `null` or `false`, and
 * resolves with that value. A check that throws counts as "not yet"; its last error is
 * reported if the deadline passes. On the deadline it throws an error naming `what`.
 */
export interface WaitOptions {
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  /** What is awaited, for the error message: "pod x to be Running". */
  what: string;
  /** Pause between checks; 200 ms unless told. */
  intervalMs?: number;
  /** What was last seen, for the error message when the deadline passes (e.g. a condition's message). */
  lastSeen?: () => string | undefined;
}

export type Check<T> = () => Promise<T | undefined | null | false> | T | undefined | null | false;

export async function waitFor<T>(check: Check<T>, options: WaitOptions): Promise<T> {
  const { timeoutMs, what, intervalMs = 200, lastSeen } = options;
  const deadline = Date.now() + timeoutMs;
  let last: string;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
      last = `the last check returned ${String(value)}`;
    } catch (error) {
      last = `the last check threw: ${describeError(error)}`;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      const seen = lastSeen?.();
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}; ${seen === undefined ? last : `it last said "${seen}"`}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, remaining)));
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' || typeof code === 'number' ? `${error.message} (code ${code})` : error.message;
  }
  return String(error);
}
