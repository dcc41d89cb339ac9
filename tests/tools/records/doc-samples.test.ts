/**
 * docs/records.md shows what `npm run records` prints: each marked sample (tests/tools/doc-samples.ts) is run here
 * as its `$` lines say — `tsx tools/bin/records.ts`, what `npm run -s records` runs, from a shell with no AWS or
 * handler settings — against a local stage (LOCAL_DATA_DIR, a temporary folder) holding the seeded data set
 * (seeded-disconnects.ts: 360 calls over 2024-05-01..03, 6 callbacks waiting in the fallback bucket) and one of its
 * calls with two transfer legs: one whose transferDisconnect came to the real handler, one backfilled from
 * Bandwidth's call list as reconciliation writes it. What they print must be what the docs show, line for line, but
 * for the local stores' ports.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBackfilledRecord } from '../../../lambda/domain/stored-record/backfilled-record.ts';
import { LOCAL_BUCKET, LOCAL_TABLE, startPersistedLocalStores } from '../../../tools/local-stage/local-stage.ts';
import type { LocalStores } from '../../../tools/local-stage/stores.ts';
import { postedCallback, send, transferDisconnectCallback } from '../../support/callbacks.ts';
import { documentClient, loadHandler, type TestStores } from '../../support/recorder.ts';
import { docSample, sampleRuns } from '../doc-samples.ts';
import { seed } from './seeded-disconnects.ts';

const DOC = 'docs/records.md';
/** An answered outbound call of the seeded set (ended 2024-05-02T07:20:00Z, after 108 s) that transferred twice. */
const CALL = 'c-20240502-040';
let folder: string;
let opened: LocalStores;

/** Its first transfer: the callee was busy; Bandwidth sent the leg's transferDisconnect, the handler stored it. */
const busyLeg = transferDisconnectCallback(CALL, {
  callId: 'c-20240502-t01',
  eventTime: '2024-05-02T07:18:40.150Z',
  from: '+19195550199',
  to: '+19195550100',
  callUrl: 'https://voice.bandwidth.com/api/v2/accounts/9900000/calls/c-20240502-t01',
  transferCallerId: '+19195550199',
  transferTo: '+19195550142',
  startTime: '2024-05-02T07:18:20.000Z',
  answerTime: undefined,
  endTime: '2024-05-02T07:18:40.000Z',
  cause: 'busy',
  errorMessage: 'Callee is busy',
});

async function seedLocalStage(stores: TestStores): Promise<void> {
  await seed(stores);
  const handler = await loadHandler(stores);
  const answer = await send(handler, postedCallback(busyLeg, new Date('2024-05-02T07:18:40.400Z')));
  expect(answer.status).toBe(204);
  // Its second: answered, talked till the call ended; its callback never came, reconciliation wrote it from the list.
  const backfilled = toBackfilledRecord(
    {
      callId: 'c-20240502-t02',
      parentCallId: CALL,
      accountId: '9900000',
      applicationId: '04e88489-df02-4e34-a0ee-27a91849555f',
      from: '+19195550199',
      to: '+19195550143',
      direction: 'outbound',
      state: 'disconnected',
      startTime: '2024-05-02T07:18:45.000Z',
      answerTime: '2024-05-02T07:18:52.000Z',
      endTime: '2024-05-02T07:20:00.000Z',
      disconnectCause: 'hangup',
      errorMessage: null,
      errorId: null,
    },
    new Date('2024-05-02T07:45:00.000Z'),
  );
  const client = documentClient(stores);
  await client.send(new PutCommand({ TableName: stores.tableName, Item: backfilled }));
  client.destroy();
}

beforeAll(async () => {
  folder = mkdtempSync(`${tmpdir()}/records-doc-samples-`);
  // Started here, as `npm run offline` would run them: the commands below join these stores.
  opened = await startPersistedLocalStores({ dataDir: folder, dynamoPort: undefined, s3Port: undefined });
  await seedLocalStage({
    dynamoEndpoint: opened.dynamoEndpoint,
    s3Endpoint: opened.s3Endpoint,
    tableName: LOCAL_TABLE,
    bucket: LOCAL_BUCKET,
  });
}, 60_000);

afterAll(async () => {
  await opened?.close();
  if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
});

/** A shell on this checkout with no AWS, Bandwidth or handler settings: records reads the local stage. */
function shell(): NodeJS.ProcessEnv {
  const kept = Object.entries(process.env).filter(
    ([name]) => !/^(AWS_|BW_|BANDWIDTH_|LOCAL_|DISCONNECTS_TABLE|PARKED_CALLBACKS_BUCKET|DYNAMODB_|S3_)/.test(name),
  );
  return { ...Object.fromEntries(kept), LOCAL_DATA_DIR: folder };
}

/** What a sample's command prints on the terminal (stdout, then stderr), and its exit code. */
function printed(args: string[]): Promise<{ output: string; code: number }> {
  return new Promise((resolve) => {
    execFile(
      'node_modules/.bin/tsx',
      ['tools/bin/records.ts', ...args],
      { env: shell(), timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ output: `${stdout}${stderr}`, code });
      },
    );
  });
}

const EXIT_ECHO = '; echo "exit $?"';
/** The local stores' ports are free ones, different on every run. */
const samePorts = (line: string) => line.replace(/http:\/\/127\.0\.0\.1:\d+/g, 'http://127.0.0.1:<port>');

/** Runs every `$` line of a sample and gives what they print, in the sample's own shape, with its expected lines. */
async function rerun(name: string): Promise<{ shown: string[]; now: string[] }> {
  const lines = docSample(DOC, name);
  const echoes = new Set(lines.filter((line) => line.endsWith(EXIT_ECHO)));
  const runs = sampleRuns(lines.map((line) => (echoes.has(line) ? line.slice(0, -EXIT_ECHO.length) : line)));
  const commands = lines.filter((line) => line.startsWith('$ '));
  const now: string[] = [];
  for (const [index, run] of runs.entries()) {
    if (run.command !== 'records') throw new Error(`${DOC} sample ${name} runs ${run.command}, not records`);
    const { output, code } = await printed(run.args);
    // The CSV's CRLF line ends show as plain ones on a terminal.
    now.push(commands[index] ?? '', ...output.replace(/\r?\n$/, '').split(/\r?\n/));
    if (echoes.has(commands[index] ?? '')) now.push(`exit ${code}`);
    else expect(code, `${run.args.join(' ')}: ${output}`).toBe(0);
    // A blank line between commands, as the samples set them apart.
    if (index < runs.length - 1) now.push('');
  }
  return { shown: lines.map(samePorts), now: now.map(samePorts) };
}

describe('docs/records.md shows what npm run records prints today', () => {
  it.each([
    ['report', 'the report of the three seeded days: calls, how they were recorded, legs apart, the backlog'],
    ['list', 'a page of busy calls and the next page from its cursor'],
    ['get', 'a call with its transfer legs, a leg with its call, and a callId with no record (exit 1)'],
    ['csv', "the CSV of an hour with a call's legs among the calls"],
  ])(
    'sample %s: %s',
    async (name) => {
      const { shown, now } = await rerun(name);
      expect(now).toEqual(shown);
    },
    60_000,
  );
});
