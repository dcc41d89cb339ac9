import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DisconnectRecord } from '../../../lambda/domain/stored-record/disconnect-record.ts';
import type { LocalStage } from '../../../tools/records/stores.ts';
import { freshStores, type TestStores } from '../../support/recorder.ts';
import { records, recordsJson, storeArguments } from './run-records.ts';
import { seed } from './seeded-disconnects.ts';

let stores: TestStores;
let seeded: DisconnectRecord[];
/** A local stage that cannot be opened (one port taken, the other closed): opening it at all would exit 3. */
let untouchable: LocalStage;
let squatter: Server;

beforeAll(async () => {
  stores = await freshStores();
  seeded = await seed(stores);
  squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  untouchable = {
    dataDir: '/nonexistent/records-must-not-open-this',
    dynamoPort: await closedPort(),
    s3Port: (squatter.address() as { port: number }).port,
  };
});

afterAll(async () => {
  await new Promise<void>((resolve) => squatter.close(() => resolve()));
});

/** A port nothing listens on: taken, then given back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('records get', () => {
  it('gives back the stored record, every field as it was written', async () => {
    const record = seeded.find((candidate) => candidate.callId === 'c-20240503-113');
    expect(record).toBeDefined();
    expect(await recordsJson<{ record: DisconnectRecord }>(stores, ['get', 'c-20240503-113'])).toEqual({
      record,
      parent: null,
      legs: [],
    });
  });

  it('prints the callback fields, then what the recorder added', async () => {
    const run = await records(['get', 'c-20240501-000', ...storeArguments(stores)]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('callId           c-20240501-000');
    expect(lines).toContain('cause            hangup');
    expect(lines).toContain('durationSeconds  1');
    expect(lines.indexOf('')).toBeLessThan(lines.indexOf('receivedAt       2024-05-01T00:00:00.400Z'));
  });

  it('exits 1 and names the call when nothing was recorded for it', async () => {
    const run = await records(['get', 'c-never-seen', ...storeArguments(stores)]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `records: no record for callId "c-never-seen" in table ${stores.tableName} at ${stores.dynamoEndpoint}\n`,
    );
  });
});

describe('bad arguments exit 2, before any store is opened, with a message that says what is wrong', () => {
  const cases: Array<[string, string[], string]> = [
    ['no command', [], 'which command? get, list or report'],
    ['an unknown command', ['show'], 'unknown command "show": use get, list or report'],
    ['an unknown option', ['list', '--since', '1d'], 'unknown option --since'],
    ['an option of another command', ['report', '--cause', 'busy'], 'report does not take --cause'],
    ['get without a callId', ['get'], 'get takes one callId: records get <callId>'],
    ['a time that is not one', ['list', '--from', 'last tuesday'], '--from "last tuesday" is not a time'],
    ['an impossible date', ['report', '--from', '2024-02-30'], '--from "2024-02-30" is not a time'],
    [
      'a local time without its offset',
      ['list', '--from', '2024-05-01T10:00'],
      '--from "2024-05-01T10:00" is not a time',
    ],
    [
      'a range that ends before it starts',
      ['list', '--from', '2024-05-02', '--to', '2024-05-01'],
      '--from (2024-05-02T00:00:00.000Z) must be before --to (2024-05-01T00:00:00.000Z)',
    ],
    [
      'a direction that is not one',
      ['list', '--direction', 'sideways'],
      '--direction must be inbound or outbound, got "sideways"',
    ],
    ['an option without its value', ['list', '--cause'], '--cause needs a value'],
    ['a limit of zero', ['list', '--limit', '0'], '--limit must be a whole number of at least 1, got "0"'],
    [
      'a limit that is not a number',
      ['list', '--limit', '10x'],
      '--limit must be a whole number of at least 1, got "10x"',
    ],
    [
      '--all with a page size',
      ['list', '--all', '--limit', '5'],
      '--all lists every record: it takes no --limit or --cursor',
    ],
    [
      'a cursor from nowhere',
      ['list', '--cursor', 'bm90LWEtY3Vyc29y'],
      '--cursor is not a cursor from a records listing',
    ],
    ['a stage name with a slash', ['list', '--stage', 'prod/x'], '--stage "prod/x" is not a stage name'],
    [
      'an endpoint that is not a URL',
      ['list', '--endpoint', '127.0.0.1 8000'],
      '--endpoint "127.0.0.1 8000" is not a URL',
    ],
    [
      'an endpoint without its scheme',
      ['list', '--endpoint', 'localhost:8000'],
      '--endpoint must be an http or https URL, got "localhost:8000"',
    ],
    [
      'an S3 endpoint without a bucket',
      ['report', '--endpoint', 'http://127.0.0.1:1', '--s3-endpoint', 'http://127.0.0.1:2'],
      '--s3-endpoint needs --bucket',
    ],
  ];
  it.each(cases)('%s', async (_, args, message) => {
    const run = await records(args, { local: untouchable });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`records: ${message}`);
    expect(run.stderr).toMatch(/\(npm run records -- --help\)\n$/);
  });

  it('a cursor is refused with another range than its own', async () => {
    const first = await recordsJson<{ next: string }>(stores, [
      'list',
      '--from',
      '2024-05-01',
      '--to',
      '2024-05-04',
      '--limit',
      '1',
    ]);
    const run = await records(['list', '--from', '2024-05-01', '--to', '2024-05-02', '--cursor', first.next], {
      local: untouchable,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--cursor belongs to another time range');
  });

  it('--help prints the usage and exits 0', async () => {
    const run = await records(['--help'], { local: untouchable });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: npm run records -- <command> \[options\]/);
    expect(run.stdout).toContain(
      'Exit codes: 0 done, 1 no record for that callId, 2 bad command or option, 3 store unreachable',
    );
  });
});

describe('a store that cannot be used exits 3, quickly', () => {
  it('a local stage that cannot be opened is one', async () => {
    const run = await records(['list'], { local: untouchable });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('only one of the local stores answers');
  });

  it('a closed port is reported within seconds, naming the endpoint', async () => {
    const port = await closedPort();
    const started = performance.now();
    const run = await records(['list', '--endpoint', `http://127.0.0.1:${port}`]);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      new RegExp(
        `^records: cannot reach table bandwidth-disconnect-recorder-local-disconnects at http://127.0.0.1:${port}: .*ECONNREFUSED`,
      ),
    );
  });

  it('an endpoint that is not DynamoDB is called out as such', async () => {
    const run = await records(['get', 'c-1', '--endpoint', stores.s3Endpoint, '--table', stores.tableName]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/answered HTTP 404, not as DynamoDB does: is that a DynamoDB endpoint\?\n$/);
  });

  it('a table that does not exist is named, with what to check', async () => {
    const run = await records(['report', '--endpoint', stores.dynamoEndpoint, '--stage', 'nope']);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      `records: table bandwidth-disconnect-recorder-nope-disconnects at ${stores.dynamoEndpoint} does not exist: pass the table name with --table\n`,
    );
  });

  it('a report whose fallback bucket cannot be listed still reports the table, and says what is missing', async () => {
    const run = await records([
      'report',
      '--from',
      '2024-05-01',
      '--to',
      '2024-05-04',
      '--json',
      '--endpoint',
      stores.dynamoEndpoint,
      '--table',
      stores.tableName,
      '--s3-endpoint',
      stores.s3Endpoint,
      '--bucket',
      'no-such-bucket',
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { records: number; waiting: { bucket: string; unavailable: string } };
    expect(report.records).toBe(360);
    expect(report.waiting.bucket).toBe('no-such-bucket');
    expect(report.waiting.unavailable).toMatch(/^cannot list bucket no-such-bucket: NoSuchBucket/);
  });
});
