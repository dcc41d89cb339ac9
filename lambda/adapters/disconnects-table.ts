import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DisconnectRecord } from '../domain/stored-record/disconnect-record.ts';
import { awsClientConfig, boundedCalls, CALL_LIMITS, type CallLimits } from './aws-clients.ts';

export type PutOutcome = 'recorded' | 'duplicate';

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
    this.base = new DynamoDBClient({ ...awsClientConfig(options.region, options.endpoint), ...boundedCalls(options.limits ?? CALL_LIMITS.command.table) });
    this.client = DynamoDBDocumentClient.from(this.base, { marshallOptions: { removeUndefinedValues: true } });
  }

  /**
   * Writes the record unless one exists for its callId: the first accepted delivery wins, atomically, so any
   * number of simultaneous copies leave one item. `duplicate` also covers a retry whose first attempt was
   * written but whose answer was lost: either way the table holds the call.
   */
  async putFirst(record: DisconnectRecord, signal?: AbortSignal): Promise<PutOutcome> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: record,
          ConditionExpression: 'attribute_not_exists(callId)',
        }),
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
