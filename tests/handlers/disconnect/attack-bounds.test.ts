/**
 * Bounded under attack (docs/deploying.md, "Bounded under attack"): with the password store throttling, a flood of
 * distinct wrong passwords buys at most MAX_UNVERIFIED_CANDIDATES unverified credentials (and so scrypt hashes) per
 * container, at most one store read a second, and no container held waiting for reads; another username buys
 * nothing. Each test measures what the attacker got against the bound. Bandwidth's callbacks with the right
 * password are unaffected on a container that knows it, and a rotation still lets the first new password in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_UNVERIFIED_CANDIDATES } from '../../../lambda/adapters/presented-credentials.ts';
import { disconnectCallback, timedAnswer } from '../../support/callbacks.ts';
import { type FakeSecretStore, fakeSecretStore } from '../../support/fake-secret-stores.ts';
import {
  basicAuthorization,
  freshStores,
  type Handler,
  httpApiEvent,
  loadHandler,
  parkedObjects,
  type TestStores,
} from '../../support/recorder.ts';

const USER = 'bandwidth';
const PASSWORD = 'attack-bounds-password';
const SECRET = 'bandwidth-disconnect-recorder/test/attack-bounds';
const FLOOD = 60;
let secrets: FakeSecretStore;
const saved = { ...process.env };

beforeAll(async () => {
  secrets = await fakeSecretStore(PASSWORD);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
  });
});
afterAll(async () => {
  await secrets.close();
  for (const name of ['AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

function signed(password: string, username = USER) {
  return httpApiEvent({
    body: JSON.stringify(disconnectCallback()),
    headers: { authorization: basicAuthorization(username, password) },
  });
}

async function recorder(): Promise<{ stores: TestStores; handler: Handler }> {
  const stores = await freshStores();
  const handler = await loadHandler(stores, {
    BANDWIDTH_CALLBACK_USERNAME: USER,
    BANDWIDTH_CALLBACK_PASSWORD_SECRET: SECRET,
  });
  return { stores, handler };
}

/** What a flood of distinct wrong passwords, one after another, got from one container. */
async function flood(handler: Handler, username = USER) {
  const readsBefore = secrets.requests.length;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const answers = [];
  for (let index = 0; index < FLOOD; index += 1)
    answers.push(await timedAnswer(handler, signed(`wrong-${index}`, username)));
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (performance.now() - started) / 1000;
  const held = answers.map((answer) => answer.ms).sort((a, b) => a - b);
  return {
    answers,
    seconds,
    cpuMs: (cpu.user + cpu.system) / 1000,
    storeReads: secrets.requests.length - readsBefore,
    medianHeldMs: held[Math.floor(held.length / 2)] ?? 0,
  };
}

describe('a flood of distinct wrong passwords during a store outage', () => {
  it(`a new container keeps at most ${MAX_UNVERIFIED_CANDIDATES} unverified, reads the store at most once a second, holds nothing`, async () => {
    const { stores, handler } = await recorder();
    secrets.behaviour = 'throttle';
    const got = await flood(handler);
    const kept = await parkedObjects(stores, 'unverified/');
    const hashes = new Set(kept.map((object) => object.credentials?.passwordHash));
    console.info(
      `attack-bounds (store throttled, new container): ${FLOOD} distinct wrong passwords → ${kept.length} objects, ` +
        `${hashes.size} scrypt hashes, ${got.storeReads} store requests in ${got.seconds.toFixed(1)} s, ` +
        `median answer ${got.medianHeldMs.toFixed(0)} ms, ${got.cpuMs.toFixed(0)} ms CPU`,
    );
    expect(kept.length).toBeLessThanOrEqual(MAX_UNVERIFIED_CANDIDATES);
    expect(hashes.size).toBeLessThanOrEqual(MAX_UNVERIFIED_CANDIDATES);
    // One read (its SDK attempts: up to 3) per second at most, however many requests came.
    expect(got.storeReads).toBeLessThanOrEqual(3 * (Math.ceil(got.seconds) + 1));
    // Most answers wait for no read at all.
    expect(got.medianHeldMs).toBeLessThan(200);
    expect(got.answers.filter((answer) => answer.status === 401).length).toBeGreaterThanOrEqual(
      FLOOD - MAX_UNVERIFIED_CANDIDATES,
    );
    secrets.behaviour = 'answer';
  }, 60_000);

  it('a container that knows the password: wrong ones are refused, the right one recorded, nothing kept unverified', async () => {
    const { stores, handler } = await recorder();
    expect((await timedAnswer(handler, signed(PASSWORD))).outcome).toBe('recorded');
    secrets.behaviour = 'throttle';
    const got = await flood(handler);
    const right = await timedAnswer(handler, signed(PASSWORD));
    const kept = await parkedObjects(stores, 'unverified/');
    console.info(
      `attack-bounds (store throttled, password cached): ${FLOOD} wrong → ${kept.length} objects, ` +
        `${got.storeReads} store requests in ${got.seconds.toFixed(1)} s, median answer ${got.medianHeldMs.toFixed(0)} ms`,
    );
    expect(right).toMatchObject({ status: 204, outcome: 'recorded' });
    expect(kept.length).toBeLessThanOrEqual(MAX_UNVERIFIED_CANDIDATES);
    expect(got.storeReads).toBeLessThanOrEqual(3 * (Math.ceil(got.seconds) + 1));
    expect(got.medianHeldMs).toBeLessThan(200);
    secrets.behaviour = 'answer';
  }, 60_000);

  it('another username buys nothing: no object, no hash, no store read', async () => {
    const { stores, handler } = await recorder();
    expect((await timedAnswer(handler, signed(PASSWORD))).outcome).toBe('recorded');
    secrets.behaviour = 'throttle';
    const got = await flood(handler, 'someone-else');
    expect(got.answers.every((answer) => answer.status === 401)).toBe(true);
    expect(got.storeReads).toBe(0);
    expect(await parkedObjects(stores, 'unverified/')).toHaveLength(0);
    secrets.behaviour = 'answer';
  }, 60_000);

  it('after a flood, a rotation still lets the first callback with the new password in', async () => {
    const { stores, handler } = await recorder();
    expect((await timedAnswer(handler, signed(PASSWORD))).outcome).toBe('recorded');
    // The store answering: one wrong password after another, each not seen before.
    const got = await flood(handler);
    const kept = await parkedObjects(stores, 'unverified/');
    console.info(
      `attack-bounds (store answering): ${FLOOD} wrong → ${kept.length} objects, ${got.storeReads} store requests in ` +
        `${got.seconds.toFixed(1)} s, median answer ${got.medianHeldMs.toFixed(0)} ms`,
    );
    expect(kept.length).toBeLessThanOrEqual(MAX_UNVERIFIED_CANDIDATES);
    expect(got.storeReads).toBeLessThanOrEqual(Math.ceil(got.seconds) + 1);
    expect(got.medianHeldMs).toBeLessThan(200);
    secrets.rotate('rotated-after-flood');
    // The refusal pause is one second at most: the next read is free again.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const answer = await timedAnswer(handler, signed('rotated-after-flood'));
    expect(answer).toMatchObject({ status: 204, outcome: 'recorded' });
  }, 60_000);
});
