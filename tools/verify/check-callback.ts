/**
 * The synthetic callback `verify` sends, and the one way its record is removed. Its callId starts with `verify-` and
 * its tag says it is a check, so a person reading the table knows it for what it is; the remover refuses any other
 * callId and asks DynamoDB to refuse it too (a condition on the key's prefix), so it can only ever delete checks.
 */
import { randomBytes } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const CHECK_PREFIX = 'verify-';
export const CHECK_TAG = 'recorder-verify: a check sent by npm run verify, removed after it is read back';

export interface CheckCallback {
  callId: string;
  body: Record<string, string>;
}

/** A disconnect callback as Bandwidth sends one (docs: Disconnect event), for a call that never happened. */
export function checkCallback(now: Date = new Date()): CheckCallback {
  const callId = `${CHECK_PREFIX}${now.toISOString().replace(/[-:.]/g, '')}-${randomBytes(4).toString('hex')}`;
  const started = new Date(now.getTime() - 60_000).toISOString();
  return {
    callId,
    body: {
      eventType: 'disconnect',
      eventTime: now.toISOString(),
      accountId: 'verify',
      applicationId: 'verify',
      from: '+10000000000',
      to: '+10000000001',
      direction: 'inbound',
      callId,
      callUrl: `https://voice.bandwidth.com/api/v2/accounts/verify/calls/${callId}`,
      startTime: started,
      answerTime: started,
      endTime: now.toISOString(),
      cause: 'hangup',
      tag: CHECK_TAG,
    },
  };
}

/** Deletes the check record `callId`; anything but a check is refused here and by the table's condition. */
export async function removeCheckRecord(
  client: DynamoDBDocumentClient,
  tableName: string,
  callId: string,
): Promise<void> {
  if (!callId.startsWith(CHECK_PREFIX) || callId.length <= CHECK_PREFIX.length) {
    throw new Error(
      `refusing to delete ${JSON.stringify(callId)}: verify removes only its own ${CHECK_PREFIX} records`,
    );
  }
  await client.send(
    new DeleteCommand({
      TableName: tableName,
      Key: { callId },
      ConditionExpression: 'begins_with(callId, :check) AND tag = :tag',
      ExpressionAttributeValues: { ':check': CHECK_PREFIX, ':tag': CHECK_TAG },
    }),
  );
}
