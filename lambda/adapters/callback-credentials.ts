import type { CallbackAuthConfig } from '../config.ts';
import { logger } from '../log/logger.ts';
import { reasonOf } from '../log/reason.ts';
import type { CallLimits } from './aws-clients.ts';
import { withinDeadline } from './deadline.ts';
import { parameterStore, type StoredPassword, secretsManagerStore } from './password-stores.ts';
import { forgetUnverifiedCandidates } from './presented-credentials.ts';

/** Credentials a callback must present. */
export interface BasicCredentials {
  username: string;
  password: string;
}

/** One pair, or several accepted at once (a rotated password and the one before it, for a grace period). */
export type AcceptedCredentials = BasicCredentials | readonly BasicCredentials[];

/** The expected credentials, and how to read them anew; every read is bounded by the time the caller gives it. */
export interface CallbackCredentials {
  /** Synchronous while a fetched password is fresh (the usual callback waits for nothing). */
  credentials: (timeLimitMs: number) => AcceptedCredentials | Promise<AcceptedCredentials>;
  /** The password read again now (a rotation), at most once per FORCED_READ_SPACING_MS; absent for a fixed password. */
  refreshCredentials?: (timeLimitMs: number) => Promise<AcceptedCredentials>;
  /** The username every accepted pair has (a rotation changes only the password); absent when not fixed. */
  username?: string;
}

/** The password could not be read in the time given (store throttled, down or slow): nothing to check against. */
export class CredentialsUnavailable extends Error {
  constructor(reason: string) {
    super(`the callback password could not be read: ${reason}`);
    this.name = 'CredentialsUnavailable';
  }
}

/** How long a fetched password is trusted before it is fetched again (rotation needs no redeploy). */
export const PASSWORD_CACHE_SECONDS = 300;

/**
 * After a rotation this instance sees, the password before it is still accepted this long: Bandwidth may go on
 * sending it until `npm run wire` (or your create-call code) hands it the new one.
 */
export const PREVIOUS_PASSWORD_GRACE_SECONDS = 600;

/** After a failed scheduled refresh, callbacks are checked against the last password, without asking, for this long. */
export const PASSWORD_RETRY_SECONDS = 30;

/**
 * Reads forced by credentials that do not match are at least this far apart: wrong passwords cannot flood the
 * store (at most one read a second per container), and the first callback with a rotated password waits at most
 * this long for its read.
 */
export const FORCED_READ_SPACING_MS = 1_000;

/**
 * A mismatch waits for the next free read at most once in this long per container: a flood of distinct wrong
 * passwords cannot hold containers a second each; the first callback after a rotation still waits and gets in.
 */
export const WAIT_SPACING_MS = 10_000;

/**
 * The credentials Bandwidth must present: from the environment, or with the password read at run time from
 * Secrets Manager or SSM Parameter Store (see docs/deploying.md for which, by the numbers) and cached for
 * PASSWORD_CACHE_SECONDS. The store's client ships in a chunk of its own beside the handler, loaded on first use
 * (docs/performance.md): it costs nothing at cold start. Each read gets the time its caller gives it (a share of the answer
 * budget), retried with jitter inside it; when no password is known and none can be read in that time, the read
 * fails with CredentialsUnavailable, and the caller keeps the callback unverified instead of losing it.
 * When a scheduled refresh fails, the last password stays in use and the store is left alone for
 * PASSWORD_RETRY_SECONDS, so an outage does not slow every answer down.
 *
 * Rotation: credentials that do not match make basic-auth ask `refreshCredentials`, which reads the password again
 * (reads spaced FORCED_READ_SPACING_MS apart, joined by every mismatch waiting for the same slot). The first
 * callback carrying a new password is then accepted at once; the password before it stays accepted until
 * PREVIOUS_PASSWORD_GRACE_SECONDS after the rotation, by containers that saw the change and by containers started
 * after it alike (those read the version before the current one once, at start).
 */
export function callbackCredentials(
  auth: CallbackAuthConfig,
  limits: CallLimits,
  { pauseAfterFailedReadMs = 0 }: { pauseAfterFailedReadMs?: number } = {},
): CallbackCredentials {
  if ('password' in auth) {
    const credentials = { username: auth.username, password: auth.password };
    return { username: auth.username, credentials: () => credentials };
  }
  const store =
    'passwordSecret' in auth
      ? secretsManagerStore(auth.passwordSecret, limits)
      : parameterStore(auth.passwordParameter, limits);
  let current: BasicCredentials | undefined;
  let previous: { credentials: BasicCredentials; acceptedUntil: number } | undefined;
  /** Until when `current` is used without asking the store: the cache period, or the pause after a failed read. */
  let freshUntil = 0;
  /** The next forced read, while it waits for its slot; mismatches arriving meanwhile join it. */
  let scheduled: { at: number; read: Promise<AcceptedCredentials> } | undefined;
  let lastForcedReadAt = Number.NEGATIVE_INFINITY;
  let lastWaitAt = Number.NEGATIVE_INFINITY;
  /**
   * After a failed read, no read until then (`pauseAfterFailedReadMs` later; the recorder's answers pause
   * FORCED_READ_SPACING_MS): during an outage a container reads the store at most once a second, and no request
   * waits for a read that would fail; it is answered at once. Replay and the commands retry at once (no pause).
   */
  let unreadableUntil = 0;
  const unreadable = () =>
    Date.now() < unreadableUntil
      ? new CredentialsUnavailable('the store failed its last read; not read again yet')
      : undefined;

  const accepted = (credentials: BasicCredentials): AcceptedCredentials =>
    previous !== undefined && Date.now() < previous.acceptedUntil ? [credentials, previous.credentials] : credentials;

  /** A container started within the grace period also accepts the password before the current one: best effort. */
  const previousAtStart = async (stored: StoredPassword, timeLeftMs: number) => {
    if (stored.changedAt === undefined) return undefined;
    const acceptedUntil = stored.changedAt + PREVIOUS_PASSWORD_GRACE_SECONDS * 1000;
    if (Date.now() >= acceptedUntil) return undefined;
    try {
      // At most one attempt's time, and only what is left of the read's share of the budget.
      const password = await stored.previous(
        AbortSignal.timeout(Math.max(0, Math.min(limits.attemptTimeoutMs, timeLeftMs))),
      );
      return password === undefined || password === ''
        ? undefined
        : { credentials: { username: auth.username, password }, acceptedUntil };
    } catch (error) {
      logger.warn('the password before the latest rotation could not be read; only the current one is accepted', {
        store: store.name,
        reason: reasonOf(error),
      });
      return undefined;
    }
  };

  const readStore = (timeLimitMs: number): Promise<StoredPassword> =>
    withinDeadline(timeLimitMs, `reading the ${store.name}`, (signal) => store.current(signal)).catch(
      (error: unknown) => {
        unreadableUntil = Date.now() + pauseAfterFailedReadMs;
        throw new CredentialsUnavailable(reasonOf(error));
      },
    );

  /** A password read becomes the current one; the one it replaces stays accepted for the grace period. */
  const adopt = async (stored: StoredPassword, timeLeftMs: number): Promise<AcceptedCredentials> => {
    const { password, changedAt } = stored;
    // An empty password is a configuration error: never accepted as "anything goes", and, like an outage, it costs
    // no record (the callback is kept unverified until the store holds a password).
    if (password === undefined || password === '') {
      logger.error('the callback password store holds no password', { store: store.name });
      throw new CredentialsUnavailable(`${store.name} holds no password`);
    }
    freshUntil = Date.now() + PASSWORD_CACHE_SECONDS * 1000;
    // A new password: what was kept unverified before it is replay's to check; the candidates start over.
    if (current?.password !== password) forgetUnverifiedCandidates();
    // Same object while the password is unchanged, so basic-auth keeps its digests.
    if (current === undefined) {
      previous = await previousAtStart(stored, timeLeftMs);
      current = { username: auth.username, password };
    } else if (current.password !== password) {
      // Counted from the rotation when the store says when it was, else from now.
      previous = {
        credentials: current,
        acceptedUntil: (changedAt ?? Date.now()) + PREVIOUS_PASSWORD_GRACE_SECONDS * 1000,
      };
      current = { username: auth.username, password };
    }
    return accepted(current);
  };

  /** The cache expired: read again, and keep the last password when the store fails. */
  const refresh = async (timeLimitMs: number): Promise<AcceptedCredentials> => {
    const started = Date.now();
    let stored: StoredPassword;
    try {
      const paused = unreadable();
      if (paused !== undefined) throw paused;
      stored = await readStore(timeLimitMs);
    } catch (error) {
      if (current === undefined) throw error;
      freshUntil = Date.now() + PASSWORD_RETRY_SECONDS * 1000;
      logger.warn('callback password refresh failed, keeping the last one', {
        store: store.name,
        reason: reasonOf(error),
      });
      return accepted(current);
    }
    return adopt(stored, timeLimitMs - (Date.now() - started));
  };

  /**
   * Credentials did not match: read now, or at the next free slot (joined by every mismatch waiting for it). A
   * store that does not answer in time is CredentialsUnavailable, even with a password known: the credentials
   * presented may be the rotated one.
   */
  const forcedRead = (timeLimitMs: number): Promise<AcceptedCredentials> => {
    const now = Date.now();
    if (scheduled !== undefined && scheduled.at > now) return scheduled.read;
    const paused = unreadable();
    if (paused !== undefined) return Promise.reject(paused);
    const at = Math.max(now, lastForcedReadAt + FORCED_READ_SPACING_MS);
    const wait = at - now;
    // Waiting holds the container: at most one wait per WAIT_SPACING_MS; other mismatches go on unverified (bounded).
    if (wait >= timeLimitMs || (wait > 0 && now - lastWaitAt < WAIT_SPACING_MS))
      return Promise.reject(new CredentialsUnavailable('no read of the password is free in time'));
    if (wait > 0) lastWaitAt = now;
    lastForcedReadAt = at;
    const read = (wait > 0 ? new Promise<void>((resolve) => setTimeout(resolve, wait)) : Promise.resolve())
      .then(() => readStore(timeLimitMs - wait))
      .then((stored) => adopt(stored, timeLimitMs - (Date.now() - now)));
    scheduled = { at, read };
    return read;
  };

  return {
    username: auth.username,
    credentials: (timeLimitMs) =>
      current !== undefined && Date.now() < freshUntil ? accepted(current) : refresh(timeLimitMs),
    refreshCredentials: forcedRead,
  };
}
