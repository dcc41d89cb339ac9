import type { ParkedCallbacks, ParkedKind } from '../../lambda/adapters/parked-callbacks.ts';
import type { WaitingForReplay } from './report.ts';

async function count(keys: AsyncIterable<string>): Promise<number> {
  let total = 0;
  for await (const _ of keys) total += 1;
  return total;
}

/**
 * How many callbacks wait in the fallback bucket. The report still stands without it (the table is what it is
 * about), so a bucket that cannot be read is said in the report instead of failing it.
 */
export async function waitingForReplay(
  parked: ParkedCallbacks | undefined,
  unavailable: string = 'no fallback bucket configured',
): Promise<WaitingForReplay> {
  if (parked === undefined) return { bucket: undefined, unavailable };
  try {
    const kinds: ParkedKind[] = ['parked', 'quarantined', 'unverified'];
    const [parkedCount, quarantinedCount, unverifiedCount] = await Promise.all(
      kinds.map((kind) => count(parked.keys(kind))),
    );
    return {
      bucket: parked.bucket,
      parked: parkedCount ?? 0,
      quarantined: quarantinedCount ?? 0,
      unverified: unverifiedCount ?? 0,
    };
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { bucket: parked.bucket, unavailable: `cannot list bucket ${parked.bucket}: ${reason}` };
  }
}
