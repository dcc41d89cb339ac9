/** Runs a records command in-process against a test's stores, capturing what it prints and its exit code. */
import { type RecordsIO, runRecords } from '../../../tools/records/cli.ts';
import type { TestStores } from '../../support/recorder.ts';

export interface RecordsRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function storeArguments(stores: TestStores): string[] {
  return [
    '--endpoint',
    stores.dynamoEndpoint,
    '--table',
    stores.tableName,
    '--s3-endpoint',
    stores.s3Endpoint,
    '--bucket',
    stores.bucket,
  ];
}

export async function records(args: readonly string[], io: Partial<RecordsIO> = {}): Promise<RecordsRun> {
  let stdout = '';
  let stderr = '';
  const code = await runRecords(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    ...io,
  });
  return { code, stdout, stderr };
}

/** A records command against a test's stores, its --json output parsed. */
export async function recordsJson<T>(stores: TestStores, args: readonly string[]): Promise<T> {
  const run = await records([...args, '--json', ...storeArguments(stores)]);
  if (run.code !== 0) throw new Error(`records ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}
