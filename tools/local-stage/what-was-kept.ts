/**
 * What the local stage kept of one invocation: the stored item for the event's callId, and how many callbacks wait
 * in the fallback bucket. Printed after `npm run invoke` and after `serverless invoke local --stage local`.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { storedNumber } from '../../lambda/domain/callback/exact-number.ts';
import { localDynamoClient, localS3Client } from './stores.ts';

/** An API Gateway event as far as finding its callId goes (a POST body, or the GET form's query string). */
export interface InvokedEvent {
  body?: string | null;
  isBase64Encoded?: boolean;
  queryStringParameters?: Record<string, string | undefined> | null;
}

export function callIdOf(event: InvokedEvent): string | undefined {
  let fields: unknown = event.queryStringParameters;
  if (typeof event.body === 'string' && event.body !== '') {
    try {
      const text = event.isBase64Encoded === true ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
      fields = JSON.parse(text);
    } catch {
      return undefined;
    }
  }
  const callId = (fields as { callId?: unknown } | null | undefined)?.callId;
  return typeof callId === 'string' && callId !== '' ? callId : undefined;
}

export interface KeptWhere {
  dynamoEndpoint: string;
  s3Endpoint: string;
  tableName: string;
  bucket: string;
}

/**
 * The report's text: the stored item (or "(none)") when the event named a callId, then the bucket's counts. The
 * callId is taken before the handler runs: its body parser replaces the event's body.
 */
export async function whatWasKept(where: KeptWhere, callId: string | undefined): Promise<string> {
  const lines: string[] = [];
  if (callId !== undefined) {
    const client = DynamoDBDocumentClient.from(localDynamoClient(where.dynamoEndpoint), {
      unmarshallOptions: { wrapNumbers: storedNumber },
    });
    const { Item } = await client.send(new GetCommand({ TableName: where.tableName, Key: { callId } }));
    client.destroy();
    lines.push(`\nStored item for ${callId} in ${where.tableName}:`);
    lines.push(Item === undefined ? '(none)' : JSON.stringify(Item, null, 2));
  }
  const s3 = localS3Client(where.s3Endpoint);
  const waiting = await Promise.all(
    ['parked/', 'quarantine/'].map(async (Prefix) => {
      const listing = await s3.send(new ListObjectsV2Command({ Bucket: where.bucket, Prefix }));
      return `${listing.KeyCount ?? 0} under ${Prefix}`;
    }),
  );
  s3.destroy();
  lines.push(`\nFallback bucket ${where.bucket}: ${waiting.join(', ')}`);
  return lines.join('\n');
}
