/**
 * The floor the recorder is measured against: what anyone would write with no validation, auth, logging or
 * fallback — `JSON.parse` and one DocumentClient `PutCommand`, the client built once per container.
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
  await client.send(new PutCommand({ TableName: tableName, Item: item }));
  return { statusCode: 204 };
}
