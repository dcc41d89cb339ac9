import type { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { CallbackAuthConfig } from '../config.ts';
import { logger } from '../log/logger.ts';
import { boundedCalls } from '../store/aws-client-config.ts';
import type { BasicAuthOptions, BasicCredentials } from './basic-auth.ts';

/** How long a password fetched from SSM is trusted before it is fetched again (rotation needs no redeploy). */
export const PASSWORD_CACHE_SECONDS = 300;

/**
 * One fetch of the password may take at most ~1.7 s (2 attempts of 800 ms, a short back-off): it happens before the
 * record is kept, inside the answer budget, on a cold start or once per cache period.
 */
export const PASSWORD_FETCH_LIMITS = { attemptTimeoutMs: 800, connectTimeoutMs: 400, maxAttempts: 2 } as const;

/** After a failed refresh, callbacks are answered with the last password, without trying SSM, for this long. */
export const PASSWORD_RETRY_SECONDS = 30;

/**
 * The credentials Bandwidth must present: from the environment, or with the password read from SSM Parameter
 * Store (SecureString) at run time through Powertools Parameters, cached. The SSM client loads on first use.
 * When a refresh fails (SSM throttled or unreachable), the last password fetched stays in use: the alternative is
 * answering every callback with an error until SSM is back, and Bandwidth never retries those. Such a failure is
 * not retried for PASSWORD_RETRY_SECONDS, so an SSM outage does not slow every answer down.
 *
 * Rotation: credentials that do not match make basic-auth ask `refreshCredentials`, which reads the parameter
 * again at once (at most once per PASSWORD_RETRY_SECONDS, so wrong passwords cannot flood SSM). The first callback
 * carrying a new password is then accepted, instead of being refused until the cache expires.
 */
export function callbackCredentials(
  auth: CallbackAuthConfig,
): Pick<BasicAuthOptions, 'credentials' | 'refreshCredentials'> {
  if ('password' in auth) {
    const credentials = { username: auth.username, password: auth.password };
    return { credentials: () => credentials };
  }
  let provider: Promise<SSMProvider> | undefined;
  let current: BasicCredentials | undefined;
  let nextRefreshAt = 0;
  let nextForcedRefreshAt = 0;

  const fetch = async (forceFetch: boolean): Promise<BasicCredentials> => {
    provider ??= import('@aws-lambda-powertools/parameters/ssm').then(
      ({ SSMProvider }) => new SSMProvider({ clientConfig: boundedCalls(PASSWORD_FETCH_LIMITS) }),
    );
    let password: unknown;
    try {
      password = await (await provider).get(auth.passwordParameter, {
        decrypt: true,
        maxAge: PASSWORD_CACHE_SECONDS,
        forceFetch,
      });
    } catch (error) {
      if (current === undefined) throw error;
      nextRefreshAt = Date.now() + PASSWORD_RETRY_SECONDS * 1000;
      logger.warn('callback password refresh failed, keeping the last one', {
        parameter: auth.passwordParameter,
        reason: error instanceof Error ? error.message : String(error),
      });
      return current;
    }
    if (typeof password !== 'string' || password === '') {
      throw new Error(`SSM parameter ${auth.passwordParameter} holds no password`);
    }
    // Same object while the password is unchanged, so basic-auth keeps its digests.
    if (current?.password !== password) current = { username: auth.username, password };
    return current;
  };

  return {
    credentials: async () => (current !== undefined && Date.now() < nextRefreshAt ? current : fetch(false)),
    refreshCredentials: async () => {
      if (current !== undefined && Date.now() < nextForcedRefreshAt) return current;
      nextForcedRefreshAt = Date.now() + PASSWORD_RETRY_SECONDS * 1000;
      return fetch(true);
    },
  };
}
