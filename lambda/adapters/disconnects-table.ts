import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, NumberValue, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ExactNumber } from '../domain/callback/exact-number.ts';
import { type BackfilledRecord, CALL_LIST } from '../domain/stored-record/backfilled-record.ts';
import type { DisconnectRecord } from '../domain/stored-record/disconnect-record.ts';
import { awsClientConfig, boundedCalls, CALL_LIMITS, type CallLimits } from './aws-clients.ts';

export type PutOutcome = 'recorded' | 'duplicate';

/**
 * A value with every ExactNumber (a number a double would alter, kept as sent) as the SDK's NumberValue, written
 * from its text; the very same object when it holds none (the usual callback: strings only, no copy made).
 */
function withNumberValues(value: unknown): unknown {
  if (value instanceof ExactNumber) return NumberValue.from(value.text);
  if (typeof value !== 'object' || value === null) return value;
  const fields = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key in fields) {
    const item = fields[key];
    if (typeof item !== 'object' || item === null) continue;
    const written = withNumberValues(item);
    if (written === item) continue;
    copy ??= Array.isArray(value) ? ([...value] as unknown as Record<string, unknown>) : { ...fields };
    copy[key] = written;
  }
  return copy ?? value;
}

export interface DisconnectsTableOptions {
  tableName: string;
  region?: string | undefined;
  endpoint?: string | undefined;
  /** Per attempt (CALL_LIMITS, by use; an operator command's by default); the caller's abort signal bounds the whole put. */
  limits?: CallLimits;
}

/** The table of disconnect records, keyed by callId. One client per container. */
export class DisconnectsTable {
  readonly tableName: string;
  readonly client: DynamoDBDocumentClient;
  private readonly base: DynamoDBClient;

  constructor(options: DisconnectsTableOptions) {
    this.tableName = options.tableName;
    this.base = new DynamoDBClient({
      ...awsClientConfig(options.region, options.endpoint),
      ...boundedCalls(options.limits ?? CALL_LIMITS.command.table),
    });
    this.client = DynamoDBDocumentClient.from(this.base, { marshallOptions: { removeUndefinedValues: true } });
  }

  /**
   * Writes a callback's record unless a callback's record exists for its callId: the first accepted delivery
   * wins, atomically, so any number of simultaneous copies leave one item. An item reconciliation wrote from the
   * call list (`recordedFrom = call-list`) is replaced: the callback is the record of truth. `duplicate` also
   * covers a retry whose first attempt was written but whose answer was lost: either way the table holds the call.
   */
  async putFirst(record: DisconnectRecord, signal?: AbortSignal): Promise<PutOutcome> {
    return this.conditionalPut(
      {
        Item: withNumberValues(record) as DisconnectRecord,
        ConditionExpression: 'attribute_not_exists(callId) OR recordedFrom = :callList',
        ExpressionAttributeValues: { ':callList': CALL_LIST },
      },
      signal,
    );
  }

  /** Writes a backfilled record only where the table holds nothing for its callId: it never replaces a callback's. */
  async putBackfilled(record: BackfilledRecord, signal?: AbortSignal): Promise<PutOutcome> {
    return this.conditionalPut({ Item: record, ConditionExpression: 'attribute_not_exists(callId)' }, signal);
  }

  /** Whether the table holds an item for this callId (an eventually consistent read of the key alone). */
  async has(callId: string, signal?: AbortSignal): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { callId }, ProjectionExpression: 'callId' }),
      signal === undefined ? {} : { abortSignal: signal },
    );
    return Item !== undefined;
  }

  private async conditionalPut(
    put: Pick<
      ConstructorParameters<typeof PutCommand>[0],
      'Item' | 'ConditionExpression' | 'ExpressionAttributeValues'
    >,
    signal: AbortSignal | undefined,
  ): Promise<PutOutcome> {
    try {
      await this.client.send(
        new PutCommand({ TableName: this.tableName, ...put }),
        signal === undefined ? {} : { abortSignal: signal },
      );
      return 'recorded';
    } catch (error) {
      if ((error as { name?: unknown }).name === 'ConditionalCheckFailedException') return 'duplicate';
      throw error;
    }
  }

  /** Closes the connections (the document client's own destroy leaves them open). */
  destroy(): void {
    this.base.destroy();
  }
}
