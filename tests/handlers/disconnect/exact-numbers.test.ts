/**
 * Every JSON number a callback carries is stored with the value it was sent, read back from dynalite as the number
 * text DynamoDB returns (dynalite keeps 38 significant digits, as DynamoDB does); a number DynamoDB cannot hold is
 * refused with the precise 422 and quarantined as sent. The same in the GET form and in replay.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { localDynamoClient } from '../../../tools/local-stage/stores.ts';
import { disconnectCallback, errorBody, send } from '../../support/callbacks.ts';
import {
  freshStores,
  type Handler,
  httpApiEvent,
  loadHandler,
  parkedObjects,
  type TestStores,
} from '../../support/recorder.ts';
import { replay, tableDown } from '../../support/replay.ts';

let stores: TestStores;
let handler: Handler;
const dynamo = () => localDynamoClient(stores.dynamoEndpoint);

beforeAll(async () => {
  stores = await freshStores();
  handler = await loadHandler(stores);
});

/** The stored item's attribute as DynamoDB's wire format holds it (`{"N": "..."}`), no SDK conversion. */
async function storedAttribute(callId: string, name: string): Promise<unknown> {
  const client = dynamo();
  const { Item } = await client.send(
    new GetItemCommand({ TableName: stores.tableName, Key: { callId: { S: callId } } }),
  );
  client.destroy();
  return Item?.[name];
}

/** The callback's JSON text with `field` set to the number token exactly as written. */
function withNumber(callback: { callId: string }, field: string, token: string): string {
  return JSON.stringify(callback).replace(/}$/, `,"${field}":${token}}`);
}

/** Sent (token) → the number text DynamoDB holds (normalised as DynamoDB normalises: no exponent, no trailing 0s). */
const exact: [sent: string, held: string][] = [
  ['3.141592653589793238462643383279', '3.141592653589793238462643383279'],
  ['0.1000000000000000055511151231257827', '0.1000000000000000055511151231257827'],
  ['100.000000000000000000001', '100.000000000000000000001'],
  ['100000000000000000000', '100000000000000000000'],
  ['-150000000000000000000.5', '-150000000000000000000.5'],
  ['9007199254740993', '9007199254740993'],
  ['1.5e20', '150000000000000000000'],
  ['12345678901234567890123456789012345678', '12345678901234567890123456789012345678'],
  ['1e-130', `0.${'0'.repeat(129)}1`],
  ['486', '486'],
  ['0.25', '0.25'],
];

describe('a JSON number is stored with the value it was sent', () => {
  it.each(exact)('%s is stored as %s, answered 204', async (sent, held) => {
    const callback = disconnectCallback();
    const answer = await send(handler, httpApiEvent({ body: withNumber(callback, 'extraNumber', sent) }));
    expect(answer.status).toBe(204);
    expect(await storedAttribute(callback.callId, 'extraNumber')).toEqual({ N: held });
  });

  it('keeps exact numbers inside lists and maps, at any depth', async () => {
    const callback = disconnectCallback();
    const body = JSON.stringify(callback).replace(
      /}$/,
      ',"nested":{"list":[1,3.141592653589793238,{"big":100000000000000000001}],"plain":2}}',
    );
    expect((await send(handler, httpApiEvent({ body }))).status).toBe(204);
    expect(await storedAttribute(callback.callId, 'nested')).toEqual({
      M: {
        list: { L: [{ N: '1' }, { N: '3.141592653589793238' }, { M: { big: { N: '100000000000000000001' } } }] },
        plain: { N: '2' },
      },
    });
  });

  it('stores a second delivery once: the first one wins, exact', async () => {
    const callback = disconnectCallback();
    const body = withNumber(callback, 'n', '0.30000000000000000000000000000001');
    expect((await send(handler, httpApiEvent({ body }))).status).toBe(204);
    expect((await send(handler, httpApiEvent({ body }))).status).toBe(204);
    expect(await storedAttribute(callback.callId, 'n')).toEqual({ N: '0.30000000000000000000000000000001' });
  });
});

describe('a number DynamoDB cannot hold is refused, precisely, and quarantined as sent', () => {
  it.each([
    ['1e-400', 'it is too small in magnitude'],
    ['1e126', 'it is too large in magnitude'],
    [`1.${'1'.repeat(38)}`, 'it has more than 38 significant digits'],
  ])('%s: 422 naming the field and the limit', async (token, why) => {
    const callback = disconnectCallback();
    const body = withNumber(callback, 'extraNumber', token);
    const answer = await send(handler, httpApiEvent({ body }));
    expect(answer.status).toBe(422);
    expect(errorBody(answer)).toEqual({
      error: 'the callback cannot be stored in DynamoDB',
      details: [`extraNumber is a number DynamoDB cannot store exactly: ${why}`],
    });
    const kept = (await parkedObjects(stores, 'quarantine/')).find((parked) => parked.callId === callback.callId);
    expect(kept?.input.body).toBe(body);
  });
});

describe('the GET form and replay keep numbers exactly too', () => {
  it('a GET sipResponseCode of more digits than a double holds is stored as sent (a spec deviation, named)', async () => {
    const callback = disconnectCallback();
    const query = { eventType: 'disconnect', callId: callback.callId, sipResponseCode: '48600000000000000000001' };
    const answer = await send(handler, httpApiEvent({ method: 'GET', query }));
    expect(answer.status).toBe(204);
    expect(await storedAttribute(callback.callId, 'sipResponseCode')).toEqual({ N: '48600000000000000000001' });
  });

  it('a parked callback replayed keeps its exact numbers', async () => {
    const down = await tableDown(stores);
    const callback = disconnectCallback();
    const text = withNumber(callback, 'pi', '3.14159265358979323846264338327950288');
    // Delivered through the live handler with the table down: parked as sent.
    const sent = await send(down, httpApiEvent({ body: text }));
    expect(sent.headers['x-disconnect-outcome']).toBe('parked');
    const report = await replay(stores);
    expect(report.replayed).toBeGreaterThanOrEqual(1);
    expect(await storedAttribute(callback.callId, 'pi')).toEqual({ N: '3.14159265358979323846264338327950288' });
  });
});
