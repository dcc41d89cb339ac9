/**
 * A reference beside the floor: the bare handler with the recorder's first-write-wins condition on its put.
 * DynamoDB evaluates a condition at no extra latency, but dynalite parses the expression on every request, so
 * this shows how much of the warm gap the local store itself adds to the recorder's conditional write.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';

interface BareEvent {
  body?: string | null;
}

const tableName = process.env['DISCONNECTS_TABLE'];
const endpoint = process.env['DYNAMODB_ENDPOINT'];
const client = DynamoDBDocumentClient.from(
  new DynamoDBClient(endpoint === undefined || endpoint === '' ? {} : { endpoint }),
);

export async function handler(event: BareEvent): Promise<{ statusCode: number }> {
  const item = JSON.parse(event.body ?? '{}') as Record<string, unknown>;
  await client.send(
    new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(callId)' }),
  );
  return { statusCode: 204 };
}
