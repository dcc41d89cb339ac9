import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DisconnectRecord } from '../record/disconnect-record.ts';
import { awsClientConfig } from './aws-client-config.ts';

export type PutOutcome = 'recorded' | 'duplicate';

export interface DisconnectsTableOptions {
  tableName: string;
  region?: string | undefined;
  endpoint?: string | undefined;
  /** Per-attempt limits; the caller's abort signal bounds the whole put, retries included. */
  requestTimeoutMs?: number;
  maxAttempts?: number;
}

/** The table of disconnect records, keyed by callId. One client per container. */
export class DisconnectsTable {
  readonly tableName: string;
  readonly client: DynamoDBDocumentClient;

  constructor(options: DisconnectsTableOptions) {
    this.tableName = options.tableName;
    const requestTimeout = options.requestTimeoutMs ?? 1_000;
    this.client = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        ...awsClientConfig(options.region, options.endpoint),
        maxAttempts: options.maxAttempts ?? 3,
        requestHandler: { connectionTimeout: Math.min(requestTimeout, 500), requestTimeout },
      }),
      { marshallOptions: { removeUndefinedValues: true } },
    );
  }

  /** Writes the record unless one exists for its callId: the first accepted delivery wins. */
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
}
