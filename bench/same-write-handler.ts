/**
 * The second reference beside the floor: the bare handler writing what the recorder writes — the callback plus
 * the recorder's attributes (so dynalite also maintains the `byDay` index, as the table defines it), with the
 * recorder's condition (first callback wins; an item reconciliation backfilled from the call list is replaced). Between it and the recorder lies only the recorder's own work per answer: auth, the
 * intake's steps, validation, the answer budget and the log line.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DisconnectCallback } from '../lambda/domain/callback/validate.ts';
import { CALL_LIST } from '../lambda/domain/stored-record/backfilled-record.ts';
import { toDisconnectRecord } from '../lambda/domain/stored-record/disconnect-record.ts';

interface BareEvent {
  body?: string | null;
}

const tableName = process.env['DISCONNECTS_TABLE'];
const endpoint = process.env['DYNAMODB_ENDPOINT'];
const client = DynamoDBDocumentClient.from(
  new DynamoDBClient(endpoint === undefined || endpoint === '' ? {} : { endpoint }),
);

export async function handler(event: BareEvent): Promise<{ statusCode: number }> {
  const item = toDisconnectRecord(JSON.parse(event.body ?? '{}') as DisconnectCallback, new Date());
  await client.send(
    new PutCommand({
      TableName: tableName,
      Item: item,
      ConditionExpression: 'attribute_not_exists(callId) OR recordedFrom = :callList',
      ExpressionAttributeValues: { ':callList': CALL_LIST },
    }),
  );
  return { statusCode: 204 };
}
