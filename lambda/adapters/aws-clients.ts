/**
 * Settings shared by the recorder's AWS clients. An endpoint override means a local DynamoDB- or S3-protocol
 * server (dynalite, s3rver, DynamoDB Local, LocalStack): those take s3rver's well-known local key, so a developer without
 * an AWS account needs none.
 */
/** The key every local store takes (s3rver's well-known one; dynalite takes any): stated here once for all. */
export const LOCAL_STORE_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export function awsClientConfig(region: string | undefined, endpoint: string | undefined) {
  const local = endpoint !== undefined;
  // Only explicit keys count: a profile exported for real AWS work must not break the local stores.
  const hasCredentials = process.env['AWS_ACCESS_KEY_ID'] !== undefined;
  return {
    region: region ?? (local ? 'us-east-1' : undefined),
    ...(local ? { endpoint } : {}),
    ...(local && !hasCredentials ? { credentials: LOCAL_STORE_CREDENTIALS } : {}),
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
