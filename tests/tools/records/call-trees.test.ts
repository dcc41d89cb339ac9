/**
 * A call and its transfer legs read together, against a real (dynalite) table written by the real handler: `get`
 * shows a call with its legs and a leg with its call (the byParent index), `list` and the CSV say which records are
 * legs, `report` counts calls and legs apart, each by cause.
 */
import { CreateTableCommand, type CreateTableCommandInput, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { localDynamoClient, tableDefinition } from '../../../tools/local-stage/stores.ts';
import { disconnectCallback, send, transferDisconnectCallback } from '../../support/callbacks.ts';
import { freshStores, httpApiEvent, loadHandler, type TestStores } from '../../support/recorder.ts';
import { records, recordsJson, storeArguments } from './run-records.ts';

interface Tree {
  record: Record<string, unknown>;
  parent: { callId: string; record: Record<string, unknown> | null } | null;
  legs: Record<string, unknown>[];
}

let stores: TestStores;
const call = disconnectCallback({
  cause: 'hangup',
  answerTime: '2026-11-20T15:54:25.000Z',
  endTime: '2026-11-20T15:58:04.911Z',
});
const busyLeg = transferDisconnectCallback(call.callId, {
  cause: 'busy',
  answerTime: undefined,
  endTime: '2026-11-20T15:55:00.000Z',
  transferTo: '+15556660001',
});
const answeredLeg = transferDisconnectCallback(call.callId, { endTime: '2026-11-20T15:58:04.900Z' });
const orphanLeg = transferDisconnectCallback('c-call-without-record', { cause: 'timeout', answerTime: undefined });
const range = ['--from', '2026-11-20', '--to', '2026-11-21'];

beforeAll(async () => {
  stores = await freshStores();
  const handler = await loadHandler(stores);
  for (const callback of [call, busyLeg, answeredLeg, orphanLeg]) {
    expect((await send(handler, httpApiEvent({ body: JSON.stringify(callback) }))).status).toBe(204);
  }
});

describe('records get: a call with two legs, read as a tree', () => {
  it('the call comes with both legs, oldest end first, each as stored', async () => {
    const tree = await recordsJson<Tree>(stores, ['get', call.callId]);
    expect(tree.record).toMatchObject(call);
    expect(tree.parent).toBeNull();
    expect(tree.legs.map((leg) => leg['callId'])).toEqual([busyLeg.callId, answeredLeg.callId]);
    expect(tree.legs[0]).toMatchObject(JSON.parse(JSON.stringify(busyLeg)) as Record<string, unknown>);
  });

  it('a leg comes with the call it belongs to', async () => {
    const tree = await recordsJson<Tree>(stores, ['get', answeredLeg.callId]);
    expect(tree.record).toMatchObject(answeredLeg);
    expect(tree.parent?.callId).toBe(call.callId);
    expect(tree.parent?.record).toMatchObject(call);
    expect(tree.legs).toEqual([]);
  });

  it('a leg whose call has no record names the call all the same', async () => {
    const tree = await recordsJson<Tree>(stores, ['get', orphanLeg.callId]);
    expect(tree.parent).toEqual({ callId: 'c-call-without-record', record: null });
    const run = await records(['get', orphanLeg.callId, ...storeArguments(stores)]);
    expect(run.stdout).toContain('Transfer leg of call c-call-without-record, which has no record (yet).');
  });

  it('as text: the call, then a line per leg with its cause and the number it went to', async () => {
    const run = await records(['get', call.callId, ...storeArguments(stores)]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    const start = lines.indexOf('TRANSFER LEGS (2)');
    expect(start).toBeGreaterThan(0);
    expect(lines[start + 1]).toMatch(/^ENDED AT\s+CAUSE\s+DURATION\s+TRANSFER TO\s+CALL ID\s+RECORDED FROM$/);
    expect(lines[start + 2]).toMatch(
      new RegExp(`^2026-11-20T15:55:00.000Z\\s+busy\\s+-\\s+\\+15556660001\\s+${busyLeg.callId}\\s+callback$`),
    );
    expect(lines[start + 3]).toContain(answeredLeg.callId);
  });

  it('as text, a leg says whose leg it is', async () => {
    const run = await records(['get', busyLeg.callId, ...storeArguments(stores)]);
    expect(run.stdout).toContain(`Transfer leg of call ${call.callId}: hangup, ended 2026-11-20T15:58:04.911Z.`);
  });
});

describe('records list and the CSV say which records are legs', () => {
  it('list: a LEG OF CALL column naming the call of each leg, empty for calls', async () => {
    const run = await records(['list', ...range, ...storeArguments(stores)]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/CALL ID\s+LEG OF CALL$/);
    const row = (callId: string) => lines.find((line) => line.includes(callId)) ?? '';
    expect(row(busyLeg.callId)).toMatch(new RegExp(`${busyLeg.callId}\\s+${call.callId}$`));
    const legIds = [busyLeg.callId, answeredLeg.callId];
    const callRow = lines.find((line) => line.includes(call.callId) && !legIds.some((id) => line.includes(id))) ?? '';
    expect(callRow.trimEnd()).toMatch(new RegExp(`\\s${call.callId}$`));
    expect(lines.filter((line) => line.includes(call.callId))).toHaveLength(3);
  });

  it('CSV: eventType and parentCallId columns', async () => {
    const run = await records(['list', ...range, '--csv', ...storeArguments(stores)]);
    const [header = '', ...rows] = run.stdout.trimEnd().split('\r\n');
    const names = header.split(',');
    expect(names.slice(0, 3)).toEqual(['callId', 'eventType', 'parentCallId']);
    const byCallId = new Map(rows.map((row) => [row.split(',')[0], row.split(',')]));
    expect(byCallId.get(busyLeg.callId)?.slice(1, 3)).toEqual(['transferDisconnect', call.callId]);
    expect(byCallId.get(call.callId)?.slice(1, 3)).toEqual(['disconnect', '']);
  });
});

describe('records report counts calls and legs apart', () => {
  it('JSON: the call among calls, the three legs apart, each by cause', async () => {
    const report = await recordsJson<Record<string, unknown>>(stores, ['report', ...range]);
    expect(report).toMatchObject({
      records: 1,
      byCause: [{ name: 'hangup', count: 1 }],
      answered: 1,
      legs: {
        records: 3,
        byCause: [
          { name: 'busy', count: 1 },
          { name: 'hangup', count: 1 },
          { name: 'timeout', count: 1 },
        ],
        answered: 1,
        neverAnswered: 2,
        recordedFrom: { callback: 3, callList: 0 },
      },
    });
  });

  it('text: the calls first, the legs in a section of their own', async () => {
    const run = await records(['report', ...range, ...storeArguments(stores)]);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^Disconnects that ended from .*: 1$/);
    expect(lines[1]).toBe('Transfer legs (counted apart, below): 3');
    expect(lines.some((line) => /^TRANSFER LEG CAUSE\s+COUNT/.test(line))).toBe(true);
  });
});

describe('parentCallId null or empty links to no call (legOf, the index key, is left out)', () => {
  let own: TestStores;
  const parent = disconnectCallback({ cause: 'hangup' });
  const nullParent = disconnectCallback({ parentCallId: null });
  const emptyParent = transferDisconnectCallback('', { cause: 'busy' });
  const realLeg = transferDisconnectCallback(parent.callId);

  beforeAll(async () => {
    own = await freshStores();
    const handler = await loadHandler(own);
    for (const callback of [parent, nullParent, emptyParent, realLeg]) {
      expect((await send(handler, httpApiEvent({ body: JSON.stringify(callback) }))).status).toBe(204);
    }
  });

  it('get: the call has only its real leg; the others are stored as sent and belong to no call', async () => {
    const tree = await recordsJson<Tree>(own, ['get', parent.callId]);
    expect(tree.legs.map((leg) => leg['callId'])).toEqual([realLeg.callId]);
    expect(tree.legs[0]).toMatchObject({ parentCallId: parent.callId, legOf: parent.callId });
    for (const callback of [nullParent, emptyParent]) {
      const alone = await recordsJson<Tree>(own, ['get', callback.callId]);
      expect(alone.record).toMatchObject(callback);
      expect(alone.record).not.toHaveProperty('legOf');
      expect(alone).toMatchObject({ parent: null, legs: [] });
    }
    const leg = await recordsJson<Tree>(own, ['get', emptyParent.callId]);
    expect(leg.record['specDeviations']).toEqual(['parentCallId must not be empty']);
  });

  it('list: the LEG OF CALL column names the call of the real leg only', async () => {
    const run = await records(['list', ...range, ...storeArguments(own)]);
    const row = (callId: string) => (run.stdout.split('\n').find((line) => line.includes(callId)) ?? '').trimEnd();
    expect(row(realLeg.callId)).toMatch(new RegExp(`${realLeg.callId}\\s+${parent.callId}$`));
    expect(row(emptyParent.callId)).toMatch(new RegExp(`\\s${emptyParent.callId}$`));
    expect(row(nullParent.callId)).toMatch(new RegExp(`\\s${nullParent.callId}$`));
  });
});

describe('a table whose byParent index is keyed as before legOf (on parentCallId)', () => {
  it('get exits 3 naming the index it lacks and the fix, instead of DynamoDB words alone', async () => {
    const old = { ...(await freshStores()), tableName: `disconnects-old-${call.callId.slice(2, 10)}` };
    const definition = JSON.parse(
      JSON.stringify(tableDefinition(old.tableName)).replaceAll('"legOf"', '"parentCallId"'),
    );
    const client = localDynamoClient(old.dynamoEndpoint);
    await client.send(new CreateTableCommand(definition as CreateTableCommandInput));
    await client.send(
      new PutItemCommand({
        TableName: old.tableName,
        Item: { callId: { S: 'c-old' }, eventType: { S: 'disconnect' } },
      }),
    );
    client.destroy();
    const run = await records(['get', 'c-old', ...storeArguments(old)]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      'lacks an index the records commands read (byDay on endedDay and endedAt, byParent on legOf)',
    );
    expect(run.stderr).toContain('deploy the current serverless.yml');
  });
});
