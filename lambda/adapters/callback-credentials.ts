import type { SSMClient } from '@aws-sdk/client-ssm';
import type { CallbackAuthConfig } from '../config.ts';
import { logger } from '../log/logger.ts';
import { boundedCalls } from './aws-clients.ts';
import type { AcceptedCredentials, BasicAuthOptions, BasicCredentials } from '../http/basic-auth.ts';

/** How long a password fetched from SSM is trusted before it is fetched again (rotation needs no redeploy). */
export const PASSWORD_CACHE_SECONDS = 300;

/**
 * One fetch of the password may take at most ~1.7 s (2 attempts of 800 ms, a short back-off): it happens before the
 * record is kept, inside the answer budget, on a cold start or once per cache period.
 */
export const PASSWORD_FETCH_LIMITS = { attemptTimeoutMs: 800, connectTimeoutMs: 400, maxAttempts: 2 } as const;

/**
 * After a rotation this instance sees, the password before it is still accepted this long: Bandwidth may go on
 * sending it until `npm run wire` (or your create-call code) hands it the new one.
 */
export const PREVIOUS_PASSWORD_GRACE_SECONDS = 600;

/** After a failed refresh, callbacks are answered with the last password, without trying SSM, for this long. */
export const PASSWORD_RETRY_SECONDS = 30;

/**
 * The credentials Bandwidth must present: from the environment, or with the password read from SSM Parameter
 * Store (SecureString, decrypted) at run time and cached for PASSWORD_CACHE_SECONDS. The SSM client is the Lambda
 * runtime's own AWS SDK, loaded on first use: it costs nothing at cold start or in the bundle.
 * When a refresh fails (SSM throttled or unreachable), the last password fetched stays in use: the alternative is
 * answering every callback with an error until SSM is back, and Bandwidth never retries those. Such a failure is
 * not retried for PASSWORD_RETRY_SECONDS, so an SSM outage does not slow every answer down.
 *
 * Rotation: credentials that do not match make basic-auth ask `refreshCredentials`, which reads the parameter
 * again at once (at most once per PASSWORD_RETRY_SECONDS, so wrong passwords cannot flood SSM). The first callback
 * carrying a new password is then accepted, instead of being refused until the cache expires; the password before it
 * stays accepted until PREVIOUS_PASSWORD_GRACE_SECONDS after the rotation (the parameter's LastModifiedDate), so
 * callbacks still carrying it are not refused either — by containers that saw the change and by containers started
 * after it alike (those read the version before the current one once, at start).
 */
export function callbackCredentials(
  auth: CallbackAuthConfig,
): Pick<BasicAuthOptions, 'credentials' | 'refreshCredentials'> {
  if ('password' in auth) {
    const credentials = { username: auth.username, password: auth.password };
    return { credentials: () => credentials };
  }
  let ssm: Promise<{ client: SSMClient; sdk: typeof import('@aws-sdk/client-ssm') }> | undefined;
  let current: BasicCredentials | undefined;
  let previous: { credentials: BasicCredentials; acceptedUntil: number } | undefined;
  /** Until when `current` is used without asking SSM: the cache period, or the pause after a failed read. */
  let freshUntil = 0;
  let nextForcedReadAt = 0;

  const accepted = (credentials: BasicCredentials): AcceptedCredentials =>
    previous !== undefined && Date.now() < previous.acceptedUntil ? [credentials, previous.credentials] : credentials;

  const client = () =>
    (ssm ??= import('@aws-sdk/client-ssm').then((sdk) => ({
      sdk,
      client: new sdk.SSMClient(boundedCalls(PASSWORD_FETCH_LIMITS)),
    })));

  /** One version of the parameter (`name:version`, SSM's selector), or the current one. */
  const fetchParameter = async (version?: number, abortSignal?: AbortSignal) => {
    const { client: ssmClient, sdk } = await client();
    const name = version === undefined ? auth.passwordParameter : `${auth.passwordParameter}:${version}`;
    const command = new sdk.GetParameterCommand({ Name: name, WithDecryption: true });
    const { Parameter } = await ssmClient.send(command, abortSignal === undefined ? {} : { abortSignal });
    return Parameter;
  };

  /**
   * A container that starts shortly after a rotation still accepts the password before it, until the grace period
   * counted from the rotation (the parameter's LastModifiedDate) ends — as a container that saw the change does.
   * Without it, callbacks still carrying the old password would be refused by every new container until
   * Bandwidth is given the new one. Best effort: if that version cannot be read, only the current one is accepted.
   */
  const previousAtStart = async (version: number | undefined, changedAt: number | undefined) => {
    if (version === undefined || version < 2 || changedAt === undefined) return undefined;
    const acceptedUntil = changedAt + PREVIOUS_PASSWORD_GRACE_SECONDS * 1000;
    if (Date.now() >= acceptedUntil) return undefined;
    try {
      // Best effort, so it gets one attempt's time: the answer budget already paid for the current version.
      const password = (await fetchParameter(version - 1, AbortSignal.timeout(PASSWORD_FETCH_LIMITS.attemptTimeoutMs)))?.Value;
      return password === undefined || password === '' ? undefined : { credentials: { username: auth.username, password }, acceptedUntil };
    } catch (error) {
      logger.warn('the password before the latest rotation could not be read; only the current one is accepted', {
        parameter: auth.passwordParameter,
        reason: error instanceof Error ? error.message : String(error),
      });
      return undefined;
    }
  };

  const read = async (): Promise<BasicCredentials> => {
    let parameter: Awaited<ReturnType<typeof fetchParameter>>;
    try {
      parameter = await fetchParameter();
    } catch (error) {
      if (current === undefined) throw error;
      freshUntil = Date.now() + PASSWORD_RETRY_SECONDS * 1000;
      logger.warn('callback password refresh failed, keeping the last one', {
        parameter: auth.passwordParameter,
        reason: error instanceof Error ? error.message : String(error),
      });
      return current;
    }
    const password = parameter?.Value;
    if (password === undefined || password === '') {
      throw new Error(`SSM parameter ${auth.passwordParameter} holds no password`);
    }
    const changedAt = parameter?.LastModifiedDate?.getTime();
    freshUntil = Date.now() + PASSWORD_CACHE_SECONDS * 1000;
    // Same object while the password is unchanged, so basic-auth keeps its digests.
    if (current === undefined) {
      previous = await previousAtStart(parameter?.Version, changedAt);
      current = { username: auth.username, password };
    } else if (current.password !== password) {
      // Counted from the rotation when SSM says when it was, else from now.
      previous = { credentials: current, acceptedUntil: (changedAt ?? Date.now()) + PREVIOUS_PASSWORD_GRACE_SECONDS * 1000 };
      current = { username: auth.username, password };
    }
    return current;
  };

  return {
    // Synchronous while the cached password is fresh: the usual callback waits for nothing.
    credentials: () => (current !== undefined && Date.now() < freshUntil ? accepted(current) : read().then(accepted)),
    refreshCredentials: async () => {
      if (current !== undefined && Date.now() < nextForcedReadAt) return accepted(current);
      nextForcedReadAt = Date.now() + PASSWORD_RETRY_SECONDS * 1000;
      return accepted(await read());
    },
  };
}
