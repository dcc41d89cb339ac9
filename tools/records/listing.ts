import { UsageProblem } from './problems.ts';
import type {
  ListPosition,
  ReadProgress,
  RecordedDisconnects,
  RecordFilter,
  StoredRecord,
} from './recorded-disconnects.ts';
import type { TimeRange } from './time-range.ts';

export interface ListRequest {
  range: TimeRange;
  filter: RecordFilter;
  /** At most this many records; undefined lists them all. */
  limit: number | undefined;
  /** Continue after this position: an earlier page's `next` cursor, decoded. */
  startAfter: ListPosition | undefined;
}

export interface Listing {
  records: StoredRecord[];
  /** Present when more records match: pass it as --cursor (with the same range and filters) for the next page. */
  next?: string;
}

/** The position after a record, as an opaque token safe to paste on a command line. */
export function encodeCursor(record: StoredRecord): string {
  const position: ListPosition = {
    endedDay: String(record['endedDay']),
    endedAt: String(record['endedAt']),
    callId: String(record['callId']),
  };
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, range: TimeRange): ListPosition {
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    position = undefined;
  }
  const { endedDay, endedAt, callId } = (position ?? {}) as Partial<Record<keyof ListPosition, unknown>>;
  if (typeof endedDay !== 'string' || typeof endedAt !== 'string' || typeof callId !== 'string') {
    throw new UsageProblem('--cursor is not a cursor from a records listing');
  }
  const at = Date.parse(endedAt);
  if (Number.isNaN(at) || at < range.from.getTime() || at >= range.to.getTime()) {
    throw new UsageProblem('--cursor belongs to another time range: repeat the --from and --to of the first page');
  }
  return { endedDay, endedAt, callId };
}

/**
 * One page of a listing, newest first. It reads one record past the limit, so `next` appears only when there
 * really is more.
 */
export async function listRecords(
  table: RecordedDisconnects,
  request: ListRequest,
  onPage?: ReadProgress,
): Promise<Listing> {
  const { startAfter } = request;
  const records: StoredRecord[] = [];
  const wanted = request.limit === undefined ? Number.POSITIVE_INFINITY : request.limit + 1;
  const options = {
    ...(startAfter === undefined ? {} : { startAfter }),
    // Without a filter every item read is returned, so no Query needs to read more than is still wanted.
    ...(request.limit !== undefined && noFilter(request.filter) ? { pageSize: () => wanted - records.length } : {}),
    ...(onPage === undefined ? {} : { onPage }),
  };
  for await (const record of table.inRange(request.range, request.filter, options)) {
    records.push(record);
    if (records.length >= wanted) break;
  }
  if (request.limit !== undefined && records.length > request.limit) {
    records.length = request.limit;
    const last = records.at(-1);
    if (last !== undefined) return { records, next: encodeCursor(last) };
  }
  return { records };
}

function noFilter(filter: RecordFilter): boolean {
  return (filter.causes ?? []).length === 0 && filter.direction === undefined;
}
