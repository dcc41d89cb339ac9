import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { awsClientConfig } from '../../lambda/adapters/aws-clients.ts';
import { storedNumber } from '../../lambda/domain/callback/exact-number.ts';
import { storeProblem } from './problems.ts';
import { daysNewestFirst, endedAtBounds, type TimeRange } from './time-range.ts';

/** A stored record as DynamoDB gives it back: the callback's fields and the recorder's attributes. */
export type StoredRecord = Record<string, unknown>;

/** The byDay index: one partition per UTC day of the call's end, sorted by its end time (serverless.yml). */
export const BY_DAY_INDEX = 'byDay';
/** The byParent index: a call's transfer legs, keyed by their legOf (the recorder's copy of parentCallId). */
export const BY_PARENT_INDEX = 'byParent';
/** The byParent index's key: only a leg whose parentCallId a key can hold has it (disconnect-record.ts). */
export const LEG_OF = 'legOf';

/** A record and the records it is linked with: its transfer legs, and the call it is a leg of (when it is one). */
export interface CallTree {
  record: StoredRecord;
  /** The call this record is a leg of: its record, or only its callId when the table has none. */
  parent: { callId: string; record: StoredRecord | undefined } | undefined;
  /** Its transfer legs, oldest end first. */
  legs: StoredRecord[];
}

/**
 * Where a listing stopped: the index key of the last record returned, so the next page starts after it. A type,
 * not an interface, so that it can be the ExclusiveStartKey it is.
 */
export type ListPosition = {
  endedDay: string;
  endedAt: string;
  callId: string;
};

export interface RecordFilter {
  /** Any of these causes (none: every cause). */
  causes?: readonly string[];
  direction?: string | undefined;
}

/** Called after each page the table returns. */
export type ReadProgress = (progress: { day: string; read: number }) => void;

export interface RecordedDisconnectsOptions {
  tableName: string;
  region?: string | undefined;
  endpoint?: string | undefined;
  /** How the store is named in messages: "table X at http://127.0.0.1:4567". */
  description: string;
  /** Said when the table does not exist: where the user probably went wrong. */
  whenMissing?: string;
  /** Fixed credentials instead of the default chain (the local stage's stores take any). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * The recorded disconnects, read back: one record by callId, or the records of a time range newest first,
 * queried day by day on the byDay index. Never a Scan: a range costs what it returns, however big the table.
 */
export class RecordedDisconnects {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly description: string;
  private readonly whenMissing: string | undefined;

  constructor(options: RecordedDisconnectsOptions) {
    this.tableName = options.tableName;
    this.description = options.description;
    this.whenMissing = options.whenMissing;
    this.client = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        ...awsClientConfig(options.region, options.endpoint),
        ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
        // Fail within seconds on a closed port or a dead network instead of retrying for minutes.
        maxAttempts: 2,
        requestHandler: { connectionTimeout: 2_000, requestTimeout: 15_000 },
      }),
      // Numbers as sent: a double would round 3.141592653589793238 and cannot hold 100000000000000000000.
      { unmarshallOptions: { wrapNumbers: storedNumber } },
    );
  }

  async get(callId: string): Promise<StoredRecord | undefined> {
    try {
      const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { callId } }));
      return Item;
    } catch (error) {
      throw storeProblem(error, this.description, this.whenMissing);
    }
  }

  /** A record with its transfer legs (byParent index) and, for a leg, the call it belongs to: undefined if none. */
  async tree(callId: string): Promise<CallTree | undefined> {
    const record = await this.get(callId);
    if (record === undefined) return undefined;
    // legOf, not parentCallId: that is stored as sent, and may be null, empty or no string at all.
    const parentId = record[LEG_OF];
    const [legs, parent] = await Promise.all([
      this.legsOf(callId),
      typeof parentId === 'string' ? this.get(parentId) : Promise.resolve(undefined),
    ]);
    return {
      record,
      parent: typeof parentId === 'string' ? { callId: parentId, record: parent } : undefined,
      legs,
    };
  }

  /** The transfer legs of a call, every page, oldest end first. */
  async legsOf(callId: string): Promise<StoredRecord[]> {
    const legs: StoredRecord[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      try {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: BY_PARENT_INDEX,
            KeyConditionExpression: '#parent = :parent',
            ExpressionAttributeNames: { '#parent': LEG_OF },
            ExpressionAttributeValues: { ':parent': callId },
            ExclusiveStartKey,
          }),
        );
        legs.push(...(page.Items ?? []));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } catch (error) {
        throw storeProblem(error, this.description, this.whenMissing);
      }
    } while (ExclusiveStartKey !== undefined);
    return legs.sort((a, b) => String(a['endedAt']).localeCompare(String(b['endedAt'])));
  }

  /**
   * The records that ended in the range and pass the filter, newest first, page by page as the table returns
   * them, so a listing reads no more than it shows. After `startAfter` (a position from an earlier listing).
   */
  async *inRange(
    range: TimeRange,
    filter: RecordFilter = {},
    options: { startAfter?: ListPosition; pageSize?: () => number; onPage?: ReadProgress } = {},
  ): AsyncGenerator<StoredRecord> {
    const read = { count: 0 };
    for (const day of daysNewestFirst(range)) {
      if (options.startAfter !== undefined && day > options.startAfter.endedDay) continue;
      const startKey = options.startAfter?.endedDay === day ? { ...options.startAfter } : undefined;
      for await (const items of this.dayPages(day, range, filter, { ...options, startKey, read })) yield* items;
    }
  }

  /**
   * Every record that ended in the range, several days read at once: a report reads them all anyway, and over
   * months the round trips, one day after another, would be most of its time. Newest day first.
   */
  async *allInRange(
    range: TimeRange,
    options: { projection?: readonly string[]; onPage?: ReadProgress; daysAtOnce?: number } = {},
  ): AsyncGenerator<StoredRecord> {
    const read = { count: 0 };
    const wholeDay = async (day: string): Promise<StoredRecord[]> => {
      const records: StoredRecord[] = [];
      for await (const items of this.dayPages(day, range, {}, { ...options, read })) records.push(...items);
      return records;
    };
    const days = daysNewestFirst(range);
    const ahead: Promise<StoredRecord[]>[] = [];
    const start = (day: string) => {
      const records = wholeDay(day);
      // Awaited in turn below; until then, a failure must not count as unhandled.
      records.catch(() => {});
      ahead.push(records);
    };
    let next = 0;
    while (next < days.length && ahead.length < (options.daysAtOnce ?? 8)) start(days[next++] ?? '');
    while (ahead.length > 0) {
      const records = await (ahead.shift() ?? Promise.resolve([]));
      if (next < days.length) start(days[next++] ?? '');
      yield* records;
    }
  }

  /** One day's records in the range, a page at a time, newest first. */
  private async *dayPages(
    day: string,
    range: TimeRange,
    filter: RecordFilter,
    options: {
      startKey?: ListPosition | undefined;
      /** Asked before each Query: how many items it may read at most (DynamoDB's Limit). */
      pageSize?: () => number;
      onPage?: ReadProgress;
      projection?: readonly string[];
      read: { count: number };
    },
  ): AsyncGenerator<StoredRecord[]> {
    const { first, last } = endedAtBounds(range);
    const query = queryShape(filter, options.projection);
    let ExclusiveStartKey: Record<string, unknown> | undefined = options.startKey;
    do {
      let page;
      try {
        page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: BY_DAY_INDEX,
            KeyConditionExpression: '#endedDay = :day AND #endedAt BETWEEN :first AND :last',
            ...query,
            ExpressionAttributeNames: {
              ...query.ExpressionAttributeNames,
              '#endedDay': 'endedDay',
              '#endedAt': 'endedAt',
            },
            ExpressionAttributeValues: {
              ...query.ExpressionAttributeValues,
              ':day': day,
              ':first': first,
              ':last': last,
            },
            ScanIndexForward: false,
            ExclusiveStartKey,
            ...(options.pageSize === undefined ? {} : { Limit: Math.max(1, options.pageSize()) }),
          }),
        );
      } catch (error) {
        throw storeProblem(error, this.description, this.whenMissing);
      }
      const items = page.Items ?? [];
      options.read.count += items.length;
      options.onPage?.({ day, read: options.read.count });
      yield items;
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey !== undefined);
  }

  destroy(): void {
    this.client.destroy();
  }
}

type QueryShape = Pick<QueryCommandInput, 'FilterExpression' | 'ProjectionExpression'> & {
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
};

/** The filter and projection, with every attribute name behind a placeholder (several are reserved words). */
function queryShape(filter: RecordFilter, projection: readonly string[] | undefined): QueryShape {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const conditions: string[] = [];
  const causes = filter.causes ?? [];
  if (causes.length > 0) {
    names['#cause'] = 'cause';
    for (const [index, cause] of causes.entries()) values[`:cause${index}`] = cause;
    conditions.push(`#cause IN (${causes.map((_, index) => `:cause${index}`).join(', ')})`);
  }
  if (filter.direction !== undefined) {
    names['#direction'] = 'direction';
    values[':direction'] = filter.direction;
    conditions.push('#direction = :direction');
  }
  const shape: QueryShape = { ExpressionAttributeNames: names, ExpressionAttributeValues: values };
  if (conditions.length > 0) shape.FilterExpression = conditions.join(' AND ');
  if (projection !== undefined) {
    for (const [index, name] of projection.entries()) names[`#p${index}`] = name;
    shape.ProjectionExpression = projection.map((_, index) => `#p${index}`).join(', ');
  }
  return shape;
}
