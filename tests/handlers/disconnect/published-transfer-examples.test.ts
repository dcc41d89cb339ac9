/**
 * Held out: Bandwidth's own published transferDisconnect examples (every version of its BXML callback docs),
 * through the real handler and table. Each is recorded verbatim as a leg of the call that held the <Transfer>,
 * and read back through the byParent index as that call's leg.
 */
import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../../support/callbacks.ts';
import {
  basicAuthorization,
  documentClient,
  freshStores,
  type Handler,
  httpApiEvent,
  loadHandler,
  storedItem,
  type TestStores,
} from '../../support/recorder.ts';
import { PUBLISHED_TRANSFER_EXAMPLES } from './fixtures/bandwidth-published-examples.ts';

const AUTH = { authorization: basicAuthorization('bandwidth', 'published-transfer-examples') };

describe("Bandwidth's published transferDisconnect examples", () => {
  let stores: TestStores;
  let handler: Handler;
  const written: string[] = [];

  beforeAll(async () => {
    stores = await freshStores();
    handler = await loadHandler(stores, {
      BANDWIDTH_CALLBACK_USERNAME: 'bandwidth',
      BANDWIDTH_CALLBACK_PASSWORD: 'published-transfer-examples',
    });
  });
  // The examples share one leg callId: each starts from a table without it (the first delivery would win).
  afterEach(async () => {
    const client = documentClient(stores);
    for (const callId of written.splice(0))
      await client.send(new DeleteCommand({ TableName: stores.tableName, Key: { callId } }));
    client.destroy();
  });

  it('there are the three examples of the current page and the older versions that differ', () => {
    expect(PUBLISHED_TRANSFER_EXAMPLES.length).toBeGreaterThanOrEqual(3);
  });

  it.each(PUBLISHED_TRANSFER_EXAMPLES.map((example) => [example.source, example] as const))(
    '%s: recorded verbatim, a leg of its call',
    async (_, example) => {
      const sent = JSON.parse(example.body) as Record<string, unknown>;
      written.push(String(sent['callId']));
      const answer = await send(handler, httpApiEvent({ body: example.body, headers: AUTH }));
      expect(answer.status).toBe(204);
      const item = await storedItem(stores, String(sent['callId']));
      expect(item).toMatchObject(sent);
      expect(item).not.toHaveProperty('specDeviations');
      expect(item?.['legOf']).toBe(sent['parentCallId']);
      expect(item?.['endedAt']).toBe(new Date(String(sent['endTime'])).toISOString());

      const client = documentClient(stores);
      const { Items } = await client.send(
        new QueryCommand({
          TableName: stores.tableName,
          IndexName: 'byParent',
          KeyConditionExpression: 'legOf = :parent',
          ExpressionAttributeValues: { ':parent': sent['parentCallId'] },
        }),
      );
      client.destroy();
      expect(Items?.map((leg) => leg['callId'])).toEqual([sent['callId']]);
    },
  );
});
