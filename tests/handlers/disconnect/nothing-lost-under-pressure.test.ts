/**
 * Nothing lost under pressure (issue 11), against real loopback servers: dynalite and s3rver, a fake Secrets
 * Manager / SSM speaking AWS JSON 1.1 that answers, throttles or does not answer, and proxies that make S3 slow
 * or answer SlowDown. Each case asserts the answer, its time and where the record is.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CALL_LIMITS } from '../../../lambda/adapters/aws-clients.ts';
import { callbackCredentials } from '../../../lambda/adapters/callback-credentials.ts';
import { DEFAULT_ANSWER_BUDGET_MS } from '../../../lambda/config.ts';
import { disconnectCallback, SCHEDULING_SLACK_MS, timedAnswer } from '../../support/callbacks.ts';
import { type FakeSecretStore, fakeSecretStore } from '../../support/fake-secret-stores.ts';
import { closedPort, delayingProxy, type FaultyStore, slowDownProxy } from '../../support/faulty-stores.ts';
import {
  basicAuthorization,
  freshStores,
  httpApiEvent,
  loadHandler,
  parkedObjects,
  storedItem,
  type TestStores,
} from '../../support/recorder.ts';
import { replay } from '../../support/replay.ts';

const USER = 'bandwidth';
const PASSWORD = 'current-password';
const SECRET = 'bandwidth-disconnect-recorder/test/callback-password';
const PARAMETER = '/bandwidth-disconnect-recorder/test/callback-password';
const WITHIN_BUDGET_MS = DEFAULT_ANSWER_BUDGET_MS + SCHEDULING_SLACK_MS;

let secrets: FakeSecretStore;
const opened: FaultyStore[] = [];
const saved = { ...process.env };

beforeAll(async () => {
  secrets = await fakeSecretStore(PASSWORD);
  // The fake secret stores, and keys s3rver accepts (the SDK needs some to sign with).
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    AWS_ENDPOINT_URL_SSM: secrets.endpoint,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
  });
});
afterAll(async () => {
  await secrets.close();
  for (const name of [
    'AWS_ENDPOINT_URL_SECRETS_MANAGER',
    'AWS_ENDPOINT_URL_SSM',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
  ]) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});
afterEach(async () => {
  secrets.behaviour = 'answer';
  secrets.password = PASSWORD;
  secrets.previous = undefined;
  secrets.requests.length = 0;
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

async function faulty<T extends FaultyStore>(store: Promise<T>): Promise<T> {
  const started = await store;
  opened.push(started);
  return started;
}

const fromSecretsManager = {
  BANDWIDTH_CALLBACK_USERNAME: USER,
  BANDWIDTH_CALLBACK_PASSWORD_SECRET: SECRET,
  ANSWER_BUDGET_MS: undefined,
};
const fromParameterStore = {
  BANDWIDTH_CALLBACK_USERNAME: USER,
  BANDWIDTH_CALLBACK_PASSWORD_PARAMETER: PARAMETER,
  ANSWER_BUDGET_MS: undefined,
};

function signed(callback: Record<string, unknown>, password = PASSWORD) {
  return httpApiEvent({
    body: JSON.stringify(callback),
    headers: { authorization: basicAuthorization(USER, password) },
  });
}

async function unverifiedObjects(stores: TestStores) {
  return parkedObjects(stores, 'unverified/');
}

describe('a new container whose password store throttles or does not answer keeps the callback unverified, 204 within the budget', () => {
  it.each([
    ['Secrets Manager answers ThrottlingException', fromSecretsManager, 'throttle'],
    ['Secrets Manager does not answer', fromSecretsManager, 'hang'],
    ['SSM answers ThrottlingException', fromParameterStore, 'throttle'],
    ['SSM does not answer', fromParameterStore, 'hang'],
  ] as const)('%s', async (_, env, behaviour) => {
    const stores = await freshStores();
    const handler = await loadHandler(stores, env);
    secrets.behaviour = behaviour;
    const callback = disconnectCallback();

    const answer = await timedAnswer(handler, signed(callback));

    expect(answer).toMatchObject({ status: 204, outcome: 'unverified' });
    expect(answer.ms).toBeLessThan(WITHIN_BUDGET_MS);
    expect(secrets.requests.length).toBeGreaterThan(0);
    // Never in the table unverified; in the bucket with what replay needs, but not the password.
    expect(await storedItem(stores, callback.callId)).toBeUndefined();
    const [kept, ...more] = await unverifiedObjects(stores);
    expect(more).toHaveLength(0);
    expect(kept).toMatchObject({ kind: 'unverified', input: { form: 'json', body: JSON.stringify(callback) } });
    expect(kept?.credentials?.username).toBe(USER);
    const stored = JSON.stringify(kept);
    expect(stored).not.toContain(PASSWORD);
    expect(stored).not.toContain(Buffer.from(`${USER}:${PASSWORD}`).toString('base64'));
  });

  it('a request without credentials still gets the 401 challenge, and nothing is kept', async () => {
    const stores = await freshStores();
    const handler = await loadHandler(stores, fromSecretsManager);
    secrets.behaviour = 'throttle';

    const answer = await timedAnswer(handler, httpApiEvent({ body: JSON.stringify(disconnectCallback()) }));

    expect(answer.status).toBe(401);
    expect(await unverifiedObjects(stores)).toHaveLength(0);
  });

  it('with the store answering, the password is read from Secrets Manager and the callback recorded', async () => {
    const stores = await freshStores();
    const handler = await loadHandler(stores, fromSecretsManager);
    const callback = disconnectCallback();

    expect(await timedAnswer(handler, signed(callback))).toMatchObject({ status: 204, outcome: 'recorded' });
    expect(await storedItem(stores, callback.callId)).toMatchObject({ callId: callback.callId });
    expect(secrets.requests).toContain('secretsmanager.GetSecretValue');
  });
});

describe('unverified callbacks are verified by replay once the password can be read', () => {
  it('right credentials are stored as a live callback would be; wrong ones are discarded, logged and counted', async () => {
    const stores = await freshStores();
    const handler = await loadHandler(stores, fromSecretsManager);
    secrets.behaviour = 'throttle';
    const genuine = disconnectCallback();
    const forged = disconnectCallback();
    expect((await timedAnswer(handler, signed(genuine))).outcome).toBe('unverified');
    expect((await timedAnswer(handler, signed(forged, 'not-the-password'))).outcome).toBe('unverified');

    // Still unreadable: both stay waiting.
    const credentials = callbackCredentials(
      { username: USER, passwordSecret: SECRET },
      CALL_LIMITS.scheduled.credentials,
    );
    expect(await replay(stores, { kind: 'unverified', credentials, credentialsTimeLimitMs: 1_000 })).toMatchObject({
      stillFailing: 2,
    });
    expect(await storedItem(stores, genuine.callId)).toBeUndefined();

    secrets.behaviour = 'answer';
    const report = await replay(stores, { kind: 'unverified', credentials, credentialsTimeLimitMs: 5_000 });

    expect(report).toMatchObject({ kind: 'unverified', replayed: 1, discarded: 1, stillFailing: 0 });
    expect(await storedItem(stores, genuine.callId)).toMatchObject({ callId: genuine.callId, cause: genuine['cause'] });
    expect(await storedItem(stores, forged.callId)).toBeUndefined();
    expect(await unverifiedObjects(stores)).toHaveLength(0);
  });

  it('a verified callback that fails validation moves to quarantine, not to the table', async () => {
    const stores = await freshStores();
    const handler = await loadHandler(stores, fromSecretsManager);
    secrets.behaviour = 'hang';
    const wrongEvent = disconnectCallback({ eventType: 'answer' });
    expect((await timedAnswer(handler, signed(wrongEvent))).outcome).toBe('unverified');

    secrets.behaviour = 'answer';
    const credentials = callbackCredentials(
      { username: USER, passwordSecret: SECRET },
      CALL_LIMITS.scheduled.credentials,
    );
    expect(await replay(stores, { kind: 'unverified', credentials })).toMatchObject({
      quarantined: 1,
      stillFailing: 0,
    });
    expect(
      (await parkedObjects(stores, 'quarantine/')).map((envelope) => JSON.parse(envelope.input.body).callId),
    ).toEqual([wrongEvent.callId]);
    expect(await storedItem(stores, wrongEvent.callId)).toBeUndefined();
  });
});

describe('rotation without a lost callback', () => {
  it('a wrong password, then a rotation, then the new password: the new password is accepted at once', async () => {
    const stores = await freshStores();
    const handler = await loadHandler(stores, fromSecretsManager);
    expect((await timedAnswer(handler, signed(disconnectCallback()))).status).toBe(204);
    expect((await timedAnswer(handler, signed(disconnectCallback(), 'a-wrong-password'))).status).toBe(401);

    secrets.rotate('rotated-password');
    const callback = disconnectCallback();
    const answer = await timedAnswer(handler, signed(callback, 'rotated-password'));

    expect(answer).toMatchObject({ status: 204, outcome: 'recorded' });
    expect(answer.ms).toBeLessThan(WITHIN_BUDGET_MS);
    expect(await storedItem(stores, callback.callId)).toBeDefined();
  });

  it('the same wrong password sent again is refused without reading the store again', async () => {
    const stores = await freshStores();
    const handler = await loadHandler(stores, fromSecretsManager);
    expect((await timedAnswer(handler, signed(disconnectCallback(), 'a-wrong-password'))).status).toBe(401);
    const reads = secrets.requests.length;

    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await timedAnswer(handler, signed(disconnectCallback(), 'a-wrong-password'))).status).toBe(401);
    }
    expect(secrets.requests).toHaveLength(reads);
  });

  it('a new password arriving while the store is throttled is kept unverified, not refused', async () => {
    const stores = await freshStores();
    const handler = await loadHandler(stores, fromSecretsManager);
    expect((await timedAnswer(handler, signed(disconnectCallback()))).status).toBe(204);
    secrets.rotate('rotated-password');
    secrets.behaviour = 'throttle';

    const answer = await timedAnswer(handler, signed(disconnectCallback(), 'rotated-password'));

    expect(answer).toMatchObject({ status: 204, outcome: 'unverified' });
    expect(await unverifiedObjects(stores)).toHaveLength(1);
  });
});

describe('the fallback gets the time that is left', () => {
  it('table failing, S3 answering in 1.3 s: parked and 204 within the budget', async () => {
    const stores = await freshStores();
    const slowS3 = await faulty(delayingProxy(stores.s3Endpoint, 1_300));
    const handler = await loadHandler(stores, {
      DYNAMODB_ENDPOINT: await closedPort(),
      S3_ENDPOINT: slowS3.endpoint,
      ANSWER_BUDGET_MS: undefined,
    });
    const callback = disconnectCallback();

    const answer = await timedAnswer(handler, signed(callback));

    expect(answer).toMatchObject({ status: 204, outcome: 'parked' });
    expect(answer.ms).toBeLessThan(WITHIN_BUDGET_MS);
    expect((await parkedObjects(stores, 'parked/')).map((envelope) => envelope.callId)).toEqual([callback.callId]);
  });

  it('table failing, S3 slow: an invalid callback gets its 422 and is quarantined', async () => {
    const stores = await freshStores();
    const slowS3 = await faulty(delayingProxy(stores.s3Endpoint, 1_300));
    const handler = await loadHandler(stores, {
      DYNAMODB_ENDPOINT: await closedPort(),
      S3_ENDPOINT: slowS3.endpoint,
      ANSWER_BUDGET_MS: undefined,
    });
    const invalid = disconnectCallback({ eventType: 'answer' });

    const answer = await timedAnswer(handler, signed(invalid));

    expect(answer.status).toBe(422);
    expect(answer.ms).toBeLessThan(WITHIN_BUDGET_MS);
    expect((await parkedObjects(stores, 'quarantine/')).map((envelope) => envelope.callId)).toEqual([invalid.callId]);
  });

  it('table failing, S3 answering SlowDown twice per object: parked and 204 within the budget', async () => {
    const stores = await freshStores();
    const throttledS3 = await faulty(slowDownProxy(stores.s3Endpoint, 2));
    const handler = await loadHandler(stores, {
      DYNAMODB_ENDPOINT: await closedPort(),
      S3_ENDPOINT: throttledS3.endpoint,
      ANSWER_BUDGET_MS: undefined,
    });
    const callback = disconnectCallback();

    const answer = await timedAnswer(handler, signed(callback));

    expect(answer).toMatchObject({ status: 204, outcome: 'parked' });
    expect(answer.ms).toBeLessThan(WITHIN_BUDGET_MS);
    expect(throttledS3.slowDowns).toBe(2);
    expect((await parkedObjects(stores, 'parked/')).map((envelope) => envelope.callId)).toEqual([callback.callId]);
  });
});

describe('keys for any callId', () => {
  it.each([
    ['a lone UTF-16 surrogate', 'c-\ud800'],
    ['control characters', 'c-\u0000\u001f\n'],
    ['2,048 bytes of %', '%'.repeat(2_048)],
  ])('%s, table down: parked with the callId kept exactly; invalid, quarantined', async (_, callId) => {
    const stores = await freshStores();
    const handler = await loadHandler(stores, { DYNAMODB_ENDPOINT: await closedPort(), ANSWER_BUDGET_MS: undefined });

    expect(await timedAnswer(handler, signed(disconnectCallback({ callId })))).toMatchObject({
      status: 204,
      outcome: 'parked',
    });
    expect((await parkedObjects(stores, 'parked/')).map((envelope) => envelope.callId)).toEqual([callId]);

    const invalid = await timedAnswer(handler, signed(disconnectCallback({ callId, eventType: 'answer' })));
    expect(invalid.status).toBe(422);
    expect((await parkedObjects(stores, 'quarantine/')).map((envelope) => envelope.callId)).toEqual([callId]);
  });
});
