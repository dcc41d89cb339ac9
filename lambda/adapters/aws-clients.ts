/**
 * Settings shared by the recorder's AWS clients. An endpoint override means a local DynamoDB- or S3-protocol
 * server (dynalite, s3rver, DynamoDB Local, LocalStack): those take s3rver's well-known local key, so a developer without
 * an AWS account needs none.
 */
export function awsClientConfig(region: string | undefined, endpoint: string | undefined) {
  const local = endpoint !== undefined;
  // Only explicit keys count: a profile exported for real AWS work must not break the local stores.
  const hasCredentials = process.env['AWS_ACCESS_KEY_ID'] !== undefined;
  return {
    region: region ?? (local ? 'us-east-1' : undefined),
    ...(local ? { endpoint } : {}),
    ...(local && !hasCredentials ? { credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } } : {}),
  };
}

/** How long one call to a store may take: per attempt, to connect, and how many attempts. */
export interface CallLimits {
  /** One attempt, from sending the request to the end of the response. */
  attemptTimeoutMs: number;
  /** Opening the TCP (and TLS) connection of one attempt. */
  connectTimeoutMs: number;
  /** The first attempt included. */
  maxAttempts: number;
}

/**
 * The SDK settings that make `CallLimits` hold. Without `throwOnRequestTimeout` the SDK only logs a warning when
 * `requestTimeout` passes and keeps waiting; the retry mode is fixed to `standard` because `adaptive` (which
 * `AWS_RETRY_MODE` could select) may sleep before a first attempt, and that sleep ignores the abort signal.
 * Standard retries back off with jitter (~50 ms doubling; ~1 s doubling after throttling) and draw from a
 * per-client retry quota, so a container facing a long outage soon stops retrying and falls back at once.
 */
export function boundedCalls(limits: CallLimits) {
  return {
    maxAttempts: limits.maxAttempts,
    retryMode: 'standard',
    requestHandler: {
      connectionTimeout: limits.connectTimeoutMs,
      requestTimeout: limits.attemptTimeoutMs,
      throwOnRequestTimeout: true,
    },
  };
}

/**
 * The time limits of every AWS call the recorder makes, one set per use:
 * - `answer`: on the way to an HTTP answer, inside the answer budget (each call is also cut off by its share of
 *   the budget, see deadline.ts, so these only bound one attempt). Attempts are short and several, so a slow or
 *   throttled attempt is retried (standard mode: jittered back-off) while time is left, instead of waiting on it.
 * - `scheduledReplay`: the replay function, where no answer waits but the Lambda's timeout does.
 * - `command`: an operator's command (`npm run replay`, `npm run records`), which may wait longer still.
 */
export const CALL_LIMITS = {
  answer: {
    table: { attemptTimeoutMs: 1_000, connectTimeoutMs: 500, maxAttempts: 3 },
    fallback: { attemptTimeoutMs: 1_500, connectTimeoutMs: 500, maxAttempts: 5 },
    credentials: { attemptTimeoutMs: 800, connectTimeoutMs: 400, maxAttempts: 3 },
  },
  scheduledReplay: {
    table: { attemptTimeoutMs: 3_000, connectTimeoutMs: 500, maxAttempts: 4 },
    fallback: { attemptTimeoutMs: 5_000, connectTimeoutMs: 500, maxAttempts: 3 },
    credentials: { attemptTimeoutMs: 2_000, connectTimeoutMs: 500, maxAttempts: 4 },
  },
  command: {
    table: { attemptTimeoutMs: 5_000, connectTimeoutMs: 1_000, maxAttempts: 4 },
    fallback: { attemptTimeoutMs: 10_000, connectTimeoutMs: 1_000, maxAttempts: 3 },
    credentials: { attemptTimeoutMs: 5_000, connectTimeoutMs: 1_000, maxAttempts: 4 },
  },
} as const satisfies Record<string, Record<'table' | 'fallback' | 'credentials', CallLimits>>;

export type CallUse = keyof typeof CALL_LIMITS;
