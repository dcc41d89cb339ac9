/** A store call that did not finish in the time it was given. */
export class DeadlineExceeded extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not finish within ${Math.round(ms)} ms`);
    this.name = 'DeadlineExceeded';
  }
}

/**
 * Runs `work` and settles within `ms`, whatever `work` does: at the deadline its signal is aborted (so the SDK
 * drops the request and any retry back-off) and the returned promise rejects with DeadlineExceeded, even if
 * `work` ignores the signal — a lazy module load, a DNS lookup or a socket wait cannot stretch the answer.
 */
export function withinDeadline<T>(ms: number, what: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = new DeadlineExceeded(what, ms);
      controller.abort(error);
      reject(error);
    }, Math.max(0, ms));
    let running: Promise<T>;
    try {
      running = work(controller.signal);
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
