/**
 * The local stores in a process of their own, so dynalite's work is not done by the process that drains the
 * handlers' log pipes and runs the benchmark: each runs where it would in Lambda, apart from the function.
 */
import { ensureBucket, ensureTable, startLocalStores } from '../tools/local-stage/stores.ts';

export interface StoresReady {
  dynamoEndpoint: string;
  s3Endpoint: string;
}

const [table, bucket] = process.argv.slice(2);
if (table === undefined || bucket === undefined) throw new Error('usage: stores-process.ts <table> <bucket>');
if (process.send === undefined) throw new Error('stores-process.ts must run with an IPC channel');

const stores = await startLocalStores();
await ensureTable(stores.dynamoEndpoint, table);
await ensureBucket(stores.s3Endpoint, bucket);
process.send({ dynamoEndpoint: stores.dynamoEndpoint, s3Endpoint: stores.s3Endpoint } satisfies StoresReady);
// The benchmark closing the channel (or dying) ends the stores.
process.on('disconnect', () => {
  stores.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
