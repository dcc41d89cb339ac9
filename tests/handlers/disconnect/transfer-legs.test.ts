/**
 * Transfer legs through the real handler and real local stores: a transferDisconnect is recorded at the same
 * endpoint as a disconnect, verbatim, under its own callId, with the same auth, tiers, idempotency, fallback,
 * quarantine and replay; POST and the GET form, HTTP API and REST API events alike.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENTED_CAUSES } from '../../../lambda/domain/callback/validate.ts';
import {
  disconnectCallback,
  errorBody,
  postedCallback,
  queryParameters,
  send,
  timedAnswer,
  transferDisconnectCallback,
} from '../../support/callbacks.ts';
import { captureLogs } from '../../support/captured-logs.ts';
import {
  allItems,
  basicAuthorization,
  freshStores,
  type Handler,
  httpApiEvent,
  loadHandler,
  parkedObjects,
  restApiEvent,
  storedItem,
  type TestStores,
} from '../../support/recorder.ts';
import { replay, tableDown } from '../../support/replay.ts';

const USER = 'bandwidth';
const PASSWORD = 'transfer-legs';
const AUTH = { authorization: basicAuthorization(USER, PASSWORD) };
const PARENT = 'c-95ac8d6e-2c7ae496-7558-47a4-b291-4f02a3ca6942';

describe('a transferDisconnect callback', () => {
  let stores: TestStores;
  let handler: Handler;
  beforeAll(async () => {
    stores = await freshStores();
    handler = await loadHandler(stores, { BANDWIDTH_CALLBACK_USERNAME: USER, BANDWIDTH_CALLBACK_PASSWORD: PASSWORD });
  });

  const expectRecordedVerbatim = async (sent: Record<string, unknown>) => {
    const item = await storedItem(stores, String(sent['callId']));
    expect(item).toMatchObject(sent);
    expect(item).not.toHaveProperty('specDeviations');
    expect(item).not.toHaveProperty('recordedFrom');
    expect(item?.['eventType']).toBe('transferDisconnect');
  };

  it('POSTed through an HTTP API is challenged first, then recorded verbatim under its own callId', async () => {
    const leg = transferDisconnectCallback(PARENT);
    const challenge = await send(handler, httpApiEvent({ body: JSON.stringify(leg) }));
    expect(challenge.status).toBe(401);
    expect(challenge.headers['www-authenticate']).toMatch(/^Basic realm="/);
    const answer = await send(handler, httpApiEvent({ body: JSON.stringify(leg), headers: AUTH }));
    expect(answer.status).toBe(204);
    await expectRecordedVerbatim(leg);
  });

  it('POSTed through a REST API, base64-encoded, is recorded verbatim', async () => {
    const leg = transferDisconnectCallback(PARENT, { cause: 'busy', answerTime: undefined });
    const body = JSON.stringify(leg);
    expect((await send(handler, restApiEvent({ body, headers: AUTH, base64: true }))).status).toBe(204);
    await expectRecordedVerbatim(JSON.parse(body) as Record<string, unknown>);
  });

  it.each([
    ['HTTP API', httpApiEvent],
    ['REST API', restApiEvent],
  ] as const)('sent as the GET form through the %s, is recorded with every parameter as sent', async (_, event) => {
    const leg = queryParameters(transferDisconnectCallback(PARENT, { tag: 'agent-queue-7' }));
    expect((await send(handler, event({ method: 'GET', query: leg, headers: AUTH }))).status).toBe(204);
    await expectRecordedVerbatim(leg);
  });

  it('delivered again is stored once: the first delivery wins', async () => {
    const leg = transferDisconnectCallback(PARENT);
    const first = await send(handler, httpApiEvent({ body: JSON.stringify(leg), headers: AUTH }));
    const again = await send(
      handler,
      httpApiEvent({ body: JSON.stringify({ ...leg, cause: 'error' }), headers: AUTH }),
    );
    expect([first.status, again.status]).toEqual([204, 204]);
    expect(await storedItem(stores, leg.callId)).toMatchObject({ cause: 'hangup' });
  });

  it('off the spec (a number as transferTo) is stored as sent, the deviation named', async () => {
    const leg = transferDisconnectCallback(PARENT, { transferTo: 15556667777 });
    expect((await send(handler, httpApiEvent({ body: JSON.stringify(leg), headers: AUTH }))).status).toBe(204);
    expect(await storedItem(stores, leg.callId)).toMatchObject({
      transferTo: 15556667777,
      specDeviations: ['transferTo must be a string'],
    });
  });

  it('links to its call through legOf, the byParent index key, parentCallId kept as sent', async () => {
    const leg = transferDisconnectCallback(PARENT);
    expect((await send(handler, httpApiEvent({ body: JSON.stringify(leg), headers: AUTH }))).status).toBe(204);
    expect(await storedItem(stores, leg.callId)).toMatchObject({ parentCallId: PARENT, legOf: PARENT });
  });

  it.each([
    ['null', null, 'parentCallId must be a string'],
    ['empty', '', 'parentCallId must not be empty'],
    ['a number', 42, 'parentCallId must be a string'],
    ['longer than a key can hold', 'c'.repeat(2049), 'parentCallId must be at most 2048 bytes of UTF-8'],
  ])(
    'with a parentCallId off the spec (%s) is stored as sent, the deviation named, linked to no call',
    async (_, parentCallId, deviation) => {
      const leg = transferDisconnectCallback(PARENT, { parentCallId });
      const answer = await send(handler, httpApiEvent({ body: JSON.stringify(leg), headers: AUTH }));
      expect(answer.status).toBe(204);
      const item = await storedItem(stores, leg.callId);
      expect(item).toMatchObject({ ...leg, specDeviations: [deviation] });
      expect(item?.['parentCallId']).toStrictEqual(parentCallId);
      expect(item).not.toHaveProperty('legOf');
      const quarantined = await parkedObjects(stores, 'quarantine/');
      expect(quarantined.filter((parked) => parked.callId === leg.callId)).toEqual([]);
    },
  );

  it('may not carry legOf itself: the recorder owns that name', async () => {
    const leg = transferDisconnectCallback(PARENT, { legOf: 'c-someone-else' });
    const answer = await send(handler, httpApiEvent({ body: JSON.stringify(leg), headers: AUTH }));
    expect(answer.status).toBe(422);
    expect(errorBody(answer).details).toEqual(['legOf is reserved for the recorder and cannot be sent']);
    expect(await storedItem(stores, leg.callId)).toBeUndefined();
  });

  it('logs its own numbers masked like from and to, with its parentCallId and the cause metric', async () => {
    const logged = await loadHandler(stores, {
      BANDWIDTH_CALLBACK_USERNAME: USER,
      BANDWIDTH_CALLBACK_PASSWORD: PASSWORD,
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
    const logs = captureLogs();
    try {
      const leg = transferDisconnectCallback(PARENT, { cause: 'callback-error' });
      await send(logged, httpApiEvent({ body: JSON.stringify(leg), headers: AUTH }));
      const line = logs.lines().find((entry) => entry['message'] === 'disconnect callback' && entry['status'] === 204);
      expect(line).toMatchObject({
        callId: leg.callId,
        parentCallId: PARENT,
        cause: 'callback-error',
        from: '+1555***2222',
        transferCallerId: '+1555***5555',
        transferTo: '+1555***7777',
      });
      expect(logs.text()).not.toContain('15556667777');
      expect(logs.text()).not.toContain('15551115555');
      expect(DOCUMENTED_CAUSES.has(String(line?.['cause']))).toBe(true);
    } finally {
      logs.restore();
      process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
    }
  });
});

describe("a disconnect carrying parentCallId (no field of Bandwidth's disconnect: an unknown field)", () => {
  let stores: TestStores;
  let handler: Handler;
  beforeAll(async () => {
    stores = await freshStores();
    handler = await loadHandler(stores);
  });

  it.each([
    ['null', null],
    ['empty', ''],
    ['a number', 42],
    ['longer than a key can hold', 'c'.repeat(2049)],
  ])('with parentCallId %s is recorded as sent (204), no deviation, linked to no call', async (_, parentCallId) => {
    const call = disconnectCallback({ parentCallId });
    expect((await send(handler, httpApiEvent({ body: JSON.stringify(call) }))).status).toBe(204);
    const item = await storedItem(stores, call.callId);
    expect(item).toMatchObject(call);
    expect(item?.['parentCallId']).toStrictEqual(parentCallId);
    expect(item).not.toHaveProperty('legOf');
    expect(item).not.toHaveProperty('specDeviations');
  });

  it('sent as the GET form with an empty parentCallId is recorded with it as sent', async () => {
    const call = queryParameters(disconnectCallback({ parentCallId: '' }));
    expect((await send(handler, httpApiEvent({ method: 'GET', query: call }))).status).toBe(204);
    const item = await storedItem(stores, String(call['callId']));
    expect(item?.['parentCallId']).toBe('');
    expect(item).not.toHaveProperty('legOf');
  });
});

describe('a transferDisconnect when the table is down', () => {
  it('is parked, answered 204, and replay stores it verbatim', async () => {
    const stores = await freshStores();
    const leg = transferDisconnectCallback(PARENT);
    const answer = await timedAnswer(await tableDown(stores), postedCallback(leg));
    expect(answer).toMatchObject({ status: 204, outcome: 'parked' });
    expect(await allItems(stores)).toEqual([]);
    expect(await replay(stores)).toMatchObject({ replayed: 1, stillFailing: 0 });
    expect(await storedItem(stores, leg.callId)).toMatchObject(leg);
  });
});
