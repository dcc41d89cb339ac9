/**
 * The callback password read from SSM Parameter Store at run time, against a fake SSM on loopback (the SDK's
 * AWS_ENDPOINT_URL_SSM points at it): fetched decrypted, cached, refreshed after the cache period, and kept when a
 * refresh fails.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { answerCallLimits } from '../../../lambda/adapters/aws-clients.ts';
import {
  CredentialsUnavailable,
  callbackCredentials,
  FORCED_READ_SPACING_MS,
  PASSWORD_CACHE_SECONDS,
  PASSWORD_RETRY_SECONDS,
  PREVIOUS_PASSWORD_GRACE_SECONDS,
  WAIT_SPACING_MS,
} from '../../../lambda/adapters/callback-credentials.ts';
import {
  basicAuthorization,
  freshStores,
  httpApiEvent,
  lambdaContext,
  loadHandler,
  storedItem,
} from '../../support/recorder.ts';

interface SsmRequest {
  target: string | undefined;
  body: unknown;
}

/**
 * What the fake answers: the current value (with its version and when it was set, when given, and older versions
 * for `name:version` selectors), or a server error (the SDK retries it, then gives up).
 */
let answer:
  | { value: string; version?: number; modifiedAt?: number; versions?: Readonly<Record<number, string>> }
  | { failure: true } = { value: 'first-password' };
const requests: SsmRequest[] = [];
let ssm: Server;

beforeAll(async () => {
  ssm = createServer(async (request, response) => {
    const body: unknown = JSON.parse(await text(request));
    requests.push({ target: request.headers['x-amz-target'] as string | undefined, body });
    response.setHeader('Content-Type', 'application/x-amz-json-1.1');
    if ('failure' in answer) {
      response.statusCode = 500;
      response.end(JSON.stringify({ __type: 'InternalServerError', message: 'SSM is down' }));
      return;
    }
    const { Name } = body as { Name: string };
    const selector = /^(.*):(\d+)$/.exec(Name);
    if (selector !== null) {
      const value = answer.versions?.[Number(selector[2])];
      if (value === undefined) {
        response.statusCode = 400;
        response.end(JSON.stringify({ __type: 'ParameterVersionNotFound', message: `no version ${selector[2]}` }));
        return;
      }
      response.end(
        JSON.stringify({
          Parameter: {
            Name: selector[1],
            Selector: `:${selector[2]}`,
            Type: 'SecureString',
            Value: value,
            Version: Number(selector[2]),
          },
        }),
      );
      return;
    }
    response.end(
      JSON.stringify({
        Parameter: {
          Name,
          Type: 'SecureString',
          Value: answer.value,
          Version: answer.version ?? 1,
          // The JSON protocol's timestamps are epoch seconds.
          ...(answer.modifiedAt === undefined ? {} : { LastModifiedDate: answer.modifiedAt / 1000 }),
        },
      }),
    );
  });
  await new Promise<void>((resolve) => ssm.listen(0, '127.0.0.1', resolve));
  const { port } = ssm.address() as AddressInfo;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SSM: `http://127.0.0.1:${port}`,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test-key',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
  });
});

afterAll(async () => {
  await new Promise<void>((resolve) => ssm.close(() => resolve()));
});

let now = Date.now();
beforeEach(() => {
  requests.length = 0;
  answer = { value: 'first-password' };
  now = Date.now();
  vi.spyOn(Date, 'now').mockImplementation(() => now);
  return () => vi.restoreAllMocks();
});

const passwordParameter = '/bandwidth-disconnect-recorder/test/callback-password';
const LIMITS = answerCallLimits(5_000).credentials;
const TIME_LIMIT_MS = 2_000;

describe('callback credentials from SSM Parameter Store', () => {
  it('reads the password from the SecureString parameter, decrypted', async () => {
    const { credentials } = callbackCredentials({ username: 'bandwidth', passwordParameter }, LIMITS);

    await expect(credentials(TIME_LIMIT_MS)).resolves.toEqual({ username: 'bandwidth', password: 'first-password' });
    expect(requests).toEqual([
      { target: 'AmazonSSM.GetParameter', body: { Name: passwordParameter, WithDecryption: true } },
    ]);
  });

  it('asks SSM once per cache period, and a changed parameter takes effect after it without a redeploy', async () => {
    const { credentials } = callbackCredentials({ username: 'bandwidth', passwordParameter }, LIMITS);
    const first = await credentials(TIME_LIMIT_MS);
    now += (PASSWORD_CACHE_SECONDS - 1) * 1000;
    answer = { value: 'rotated-password' };

    expect(await credentials(TIME_LIMIT_MS)).toBe(first);
    expect(requests).toHaveLength(1);

    now += 2_000;
    // The new password, and for a grace period the one before it (Bandwidth may still be sending it).
    expect(await credentials(TIME_LIMIT_MS)).toEqual([
      { username: 'bandwidth', password: 'rotated-password' },
      { username: 'bandwidth', password: 'first-password' },
    ]);
    expect(requests).toHaveLength(2);
  });

  it('accepts the previous password only for the grace period after a rotation', async () => {
    const { credentials } = callbackCredentials({ username: 'bandwidth', passwordParameter }, LIMITS);
    await credentials(TIME_LIMIT_MS);
    now += (PASSWORD_CACHE_SECONDS + 1) * 1000;
    answer = { value: 'rotated-password' };
    expect(await credentials(TIME_LIMIT_MS)).toHaveLength(2);

    now += PREVIOUS_PASSWORD_GRACE_SECONDS * 1000;
    expect(await credentials(TIME_LIMIT_MS)).toEqual({ username: 'bandwidth', password: 'rotated-password' });
  });

  it('keeps the same credentials object while the password is unchanged', async () => {
    const { credentials } = callbackCredentials({ username: 'bandwidth', passwordParameter }, LIMITS);
    const first = await credentials(TIME_LIMIT_MS);
    now += (PASSWORD_CACHE_SECONDS + 1) * 1000;

    expect(await credentials(TIME_LIMIT_MS)).toBe(first);
    expect(requests).toHaveLength(2);
  });

  it('keeps answering with the last password when a refresh fails, and leaves SSM alone for a while', async () => {
    const { credentials } = callbackCredentials({ username: 'bandwidth', passwordParameter }, LIMITS);
    await credentials(TIME_LIMIT_MS);
    now += (PASSWORD_CACHE_SECONDS + 1) * 1000;
    answer = { failure: true };

    expect(await credentials(TIME_LIMIT_MS)).toEqual({ username: 'bandwidth', password: 'first-password' });
    const afterFailure = requests.length;
    expect(afterFailure).toBeGreaterThan(1);

    now += (PASSWORD_RETRY_SECONDS - 1) * 1000;
    expect(await credentials(TIME_LIMIT_MS)).toEqual({ username: 'bandwidth', password: 'first-password' });
    expect(requests).toHaveLength(afterFailure);

    now += 2_000;
    answer = { value: 'rotated-password' };
    expect(await credentials(TIME_LIMIT_MS)).toEqual([
      { username: 'bandwidth', password: 'rotated-password' },
      { username: 'bandwidth', password: 'first-password' },
    ]);
    expect(requests).toHaveLength(afterFailure + 1);
  });

  it('fails when the first fetch fails: there is no password to check against', async () => {
    answer = { failure: true };
    const { credentials } = callbackCredentials({ username: 'bandwidth', passwordParameter }, LIMITS);

    await expect(credentials(TIME_LIMIT_MS)).rejects.toBeInstanceOf(CredentialsUnavailable);
  });

  it('refuses an empty parameter rather than accepting an empty password', async () => {
    answer = { value: '' };
    const { credentials } = callbackCredentials({ username: 'bandwidth', passwordParameter }, LIMITS);

    await expect(credentials(TIME_LIMIT_MS)).rejects.toThrow(`SSM parameter ${passwordParameter} holds no password`);
  });

  it('uses a password given in the environment as it is, without SSM', async () => {
    const { credentials } = callbackCredentials({ username: 'bandwidth', password: 'from-the-environment' }, LIMITS);

    expect(await credentials(TIME_LIMIT_MS)).toEqual({ username: 'bandwidth', password: 'from-the-environment' });
    expect(requests).toHaveLength(0);
  });

  it('a rotated password is read at once when credentials do not match, not after the cache period', async () => {
    const { credentials, refreshCredentials } = callbackCredentials(
      { username: 'bandwidth', passwordParameter },
      LIMITS,
    );
    await credentials(TIME_LIMIT_MS);
    answer = { value: 'rotated-password' };

    const rotated = [
      { username: 'bandwidth', password: 'rotated-password' },
      { username: 'bandwidth', password: 'first-password' },
    ];
    expect(await refreshCredentials?.(TIME_LIMIT_MS)).toEqual(rotated);
    expect(await credentials(TIME_LIMIT_MS)).toEqual(rotated);
    expect(requests).toHaveLength(2);
  });

  it('wrong passwords cannot flood SSM: forced reads are a second apart, and mismatches waiting share the next one', async () => {
    const { credentials, refreshCredentials } = callbackCredentials(
      { username: 'bandwidth', passwordParameter },
      LIMITS,
    );
    await credentials(TIME_LIMIT_MS);
    await Promise.all(Array.from({ length: 5 }, () => refreshCredentials?.(TIME_LIMIT_MS)));
    // The first read at once, the other four together at the next slot.
    expect(requests).toHaveLength(3);

    // The shared slot was a second after the first forced read; the next is free a second after that.
    now += 2 * FORCED_READ_SPACING_MS + 1;
    await refreshCredentials?.(TIME_LIMIT_MS);
    expect(requests).toHaveLength(4);
  });

  it('a container waits for a read at most once in WAIT_SPACING_MS: another wait is unavailable at once, no read', async () => {
    const { credentials, refreshCredentials } = callbackCredentials(
      { username: 'bandwidth', passwordParameter },
      LIMITS,
    );
    await credentials(TIME_LIMIT_MS);
    await refreshCredentials?.(TIME_LIMIT_MS);
    // Waits for the next slot (the one wait allowed), then reads.
    await refreshCredentials?.(TIME_LIMIT_MS);
    expect(requests).toHaveLength(3);
    now += FORCED_READ_SPACING_MS + 1;
    await expect(refreshCredentials?.(TIME_LIMIT_MS)).rejects.toBeInstanceOf(CredentialsUnavailable);
    expect(requests).toHaveLength(3);
    now += WAIT_SPACING_MS;
    await refreshCredentials?.(TIME_LIMIT_MS);
    expect(requests).toHaveLength(4);
  });

  it('a forced read that cannot get a slot in the time given says the password is unavailable, without a read', async () => {
    const { credentials, refreshCredentials } = callbackCredentials(
      { username: 'bandwidth', passwordParameter },
      LIMITS,
    );
    await credentials(TIME_LIMIT_MS);
    await refreshCredentials?.(TIME_LIMIT_MS);

    await expect(refreshCredentials?.(FORCED_READ_SPACING_MS / 2)).rejects.toBeInstanceOf(CredentialsUnavailable);
    expect(requests).toHaveLength(2);
  });

  it('a forced read the store does not answer says the password is unavailable, not the old password', async () => {
    const { credentials, refreshCredentials } = callbackCredentials(
      { username: 'bandwidth', passwordParameter },
      LIMITS,
    );
    await credentials(TIME_LIMIT_MS);
    answer = { failure: true };

    await expect(refreshCredentials?.(TIME_LIMIT_MS)).rejects.toBeInstanceOf(CredentialsUnavailable);
  });

  it('a container started within the grace period after a rotation also accepts the password before it', async () => {
    answer = { value: 'rotated-password', version: 2, modifiedAt: now - 60_000, versions: { 1: 'first-password' } };
    const { credentials } = callbackCredentials({ username: 'bandwidth', passwordParameter }, LIMITS);

    expect(await credentials(TIME_LIMIT_MS)).toEqual([
      { username: 'bandwidth', password: 'rotated-password' },
      { username: 'bandwidth', password: 'first-password' },
    ]);
    expect(requests.map(({ body }) => (body as { Name: string }).Name)).toEqual([
      passwordParameter,
      `${passwordParameter}:1`,
    ]);

    // The grace period counts from the rotation, not from when this container started.
    now += (PREVIOUS_PASSWORD_GRACE_SECONDS - 60) * 1000;
    expect(await credentials(TIME_LIMIT_MS)).toEqual({ username: 'bandwidth', password: 'rotated-password' });
  });

  it.each<[string, { modifiedAt?: number; version: number }]>([
    [
      'the rotation was longer ago than the grace period',
      { modifiedAt: -(PREVIOUS_PASSWORD_GRACE_SECONDS + 1) * 1000, version: 2 },
    ],
    ['the parameter has no earlier version', { modifiedAt: -60_000, version: 1 }],
    ['SSM does not say when the parameter changed', { version: 2 }],
  ])('a container started when %s reads only the current password', async (_, shape) => {
    answer = {
      value: 'rotated-password',
      version: shape.version,
      ...(shape.modifiedAt === undefined ? {} : { modifiedAt: now + shape.modifiedAt }),
      versions: { 1: 'first-password' },
    };
    const { credentials } = callbackCredentials({ username: 'bandwidth', passwordParameter }, LIMITS);
    expect(await credentials(TIME_LIMIT_MS)).toEqual({ username: 'bandwidth', password: 'rotated-password' });
    expect(requests).toHaveLength(1);
  });

  it('a container started after a rotation whose earlier version cannot be read accepts the current password', async () => {
    answer = { value: 'rotated-password', version: 3, modifiedAt: now - 60_000, versions: {} };
    const { credentials } = callbackCredentials({ username: 'bandwidth', passwordParameter }, LIMITS);
    expect(await credentials(TIME_LIMIT_MS)).toEqual({ username: 'bandwidth', password: 'rotated-password' });
    expect(requests.map(({ body }) => (body as { Name: string }).Name)).toEqual([
      passwordParameter,
      `${passwordParameter}:2`,
    ]);
  });

  it('a container that sees a rotation counts the grace period from the rotation SSM reports', async () => {
    const { credentials } = callbackCredentials({ username: 'bandwidth', passwordParameter }, LIMITS);
    await credentials(TIME_LIMIT_MS);
    now += (PASSWORD_CACHE_SECONDS + 1) * 1000;
    answer = { value: 'rotated-password', version: 2, modifiedAt: now - 240_000, versions: { 1: 'first-password' } };
    expect(await credentials(TIME_LIMIT_MS)).toHaveLength(2);
    // Only the current version was read: this container knew the one before.
    expect(requests).toHaveLength(2);

    now += (PREVIOUS_PASSWORD_GRACE_SECONDS - 240) * 1000;
    expect(await credentials(TIME_LIMIT_MS)).toEqual({ username: 'bandwidth', password: 'rotated-password' });
  });

  it('a password from the environment has nothing to refresh', () => {
    expect(callbackCredentials({ username: 'bandwidth', password: 'p' }, LIMITS).refreshCredentials).toBeUndefined();
  });
});

describe('the recorder with its password in SSM', () => {
  it('accepts the first callback sent with a rotated password, and the old one only for the grace period', async () => {
    const stores = await freshStores();
    const handler = await loadHandler(stores, {
      BANDWIDTH_CALLBACK_USERNAME: 'bandwidth',
      BANDWIDTH_CALLBACK_PASSWORD_PARAMETER: passwordParameter,
    });
    const send = (password: string, callId: string) =>
      handler(
        httpApiEvent({
          body: JSON.stringify({ eventType: 'disconnect', callId, cause: 'hangup' }),
          headers: { authorization: basicAuthorization('bandwidth', password) },
        }),
        lambdaContext,
      );

    expect((await send('first-password', 'c-rotation-1')).statusCode).toBe(204);
    answer = { value: 'rotated-password' };
    expect((await send('rotated-password', 'c-rotation-2')).statusCode).toBe(204);
    expect((await send('first-password', 'c-rotation-3')).statusCode).toBe(204);
    now += (PREVIOUS_PASSWORD_GRACE_SECONDS + 1) * 1000;
    expect((await send('first-password', 'c-rotation-4')).statusCode).toBe(401);
    expect((await send('rotated-password', 'c-rotation-5')).statusCode).toBe(204);
    expect(await storedItem(stores, 'c-rotation-2')).toBeDefined();
    expect(await storedItem(stores, 'c-rotation-4')).toBeUndefined();
  });
  it('a container started just after a rotation records callbacks still sent with the old password', async () => {
    answer = { value: 'rotated-password', version: 2, modifiedAt: now - 120_000, versions: { 1: 'first-password' } };
    const stores = await freshStores();
    const handler = await loadHandler(stores, {
      BANDWIDTH_CALLBACK_USERNAME: 'bandwidth',
      BANDWIDTH_CALLBACK_PASSWORD_PARAMETER: passwordParameter,
    });
    const answerFor = async (password: string, callId: string) =>
      (
        await handler(
          httpApiEvent({
            body: JSON.stringify({ eventType: 'disconnect', callId, cause: 'hangup' }),
            headers: { authorization: basicAuthorization('bandwidth', password) },
          }),
          lambdaContext,
        )
      ).statusCode;

    expect(await answerFor('first-password', 'c-cold-rotation-1')).toBe(204);
    expect(await answerFor('rotated-password', 'c-cold-rotation-2')).toBe(204);
    expect(await storedItem(stores, 'c-cold-rotation-1')).toBeDefined();
  });
});
