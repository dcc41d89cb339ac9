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
    const timer = setTimeout(
      () => {
        const error = new DeadlineExceeded(what, ms);
        controller.abort(error);
        reject(error);
      },
      Math.max(0, ms),
    );
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

/** Time kept back for answering (and logging) after the last store gives up. */
const ANSWER_MARGIN_MS = 250;
/**
 * Time already gone when the request reaches the handler (a cold start) is taken from the budget, but never more
 * than this share of it: a skewed clock or an old `timeEpoch` must not starve the stores.
 */
const MAX_SPENT_SHARE = 0.4;
/** The password read may use at most this share of the budget: the rest keeps an unverified callback. */
const CREDENTIALS_SHARE = 0.4;
/** The table may use at most this share of what is left when it is asked: the fallback gets all the rest. */
const TABLE_SHARE = 0.5;
/** The fallback always gets this long, even late: a slightly late answer beats a record certainly lost. */
const MIN_FALLBACK_MS = 100;

/**
 * Every share of one answer's time budget, in one place. The budget counts from API Gateway's receipt; each step
 * asks for its share when it starts, so what an earlier step did not use goes to the later ones: the password read
 * gets a bounded share, the table half of what is left, and the fallback (parking, quarantine, keeping an
 * unverified callback) everything up to the answer margin.
 */
export class AnswerBudget {
  /** When the last store must have given up (epoch ms). */
  readonly storesEndAt: number;
  private readonly budgetMs: number;

  constructor(budgetMs: number, receivedAt: number, now = Date.now()) {
    const spent = Math.min(Math.max(now - receivedAt, 0), budgetMs * MAX_SPENT_SHARE);
    const margin = Math.min(ANSWER_MARGIN_MS, budgetMs / 10);
    this.storesEndAt = now - spent + budgetMs - margin;
    this.budgetMs = budgetMs;
  }

  private left(now: number): number {
    return Math.max(this.storesEndAt - now, 0);
  }

  /** Reading the callback password (on a cold start or a rotation). */
  credentialsMs(now = Date.now()): number {
    return Math.min(this.left(now), this.budgetMs * CREDENTIALS_SHARE);
  }

  /** The table write, retries included. */
  tableMs(now = Date.now()): number {
    return this.left(now) * TABLE_SHARE;
  }

  /** The fallback bucket: parking, quarantining or keeping an unverified callback, retries included. */
  fallbackMs(now = Date.now()): number {
    return Math.max(this.left(now), MIN_FALLBACK_MS);
  }
}
