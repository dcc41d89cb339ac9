/**
 * How every Bandwidth API request is retried (the token endpoint and the call list alike): 429 and 5xx answers,
 * and a request that failed or timed out, are tried again after an exponential back-off with full jitter, or after
 * the `Retry-After` Bandwidth gives, never longer than `maxWaitMs`. The caller's signal ends the wait: a run
 * stopped by its deadline fails with the signal's own reason, not as an unreachable API.
 */

export interface RetryPolicy {
  /** Per request, the first one included. */
  maxAttempts?: number;
  /** The first back-off; it doubles with each retry (full jitter). */
  backoffMs?: number;
  /** No wait between attempts is longer than this, whatever Retry-After asks. */
  maxWaitMs?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 5;

/** An answer worth trying again: Bandwidth's rate limit, or its own failure. */
export const isRetriedStatus = (status: number): boolean => status === 429 || status >= 500;

/** Retry-After in seconds or as an HTTP date, in milliseconds from now; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The wait before the attempt after `attempt`: what Retry-After asked (capped), else the jittered back-off. */
export function backoffMs(policy: RetryPolicy, attempt: number, asked: number | undefined): number {
  const max = policy.maxWaitMs ?? 30_000;
  if (asked !== undefined) return Math.min(asked, max);
  return Math.min(max, Math.random() * (policy.backoffMs ?? 500) * 2 ** (attempt - 1));
}

/** Waits, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
