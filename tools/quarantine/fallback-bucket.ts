/**
 * Which fallback bucket the quarantine command opens: the handler's environment's (DISCONNECTS_TABLE set: PARKED_CALLBACKS_BUCKET, S3_ENDPOINT),
 * else the local stage's, or a deployed stage's (its stack's outputs): tools/stage's resolver decides.
 */
import { CALL_LIMITS } from '../../lambda/adapters/aws-clients.ts';
import { ParkedCallbacks } from '../../lambda/adapters/parked-callbacks.ts';
import { awsProblem } from '../cli/aws-problems.ts';
import { UsageError } from '../cli/command-line.ts';
import { noBucket, type ResolvedStage, resolveStage, StageUnavailable } from '../stage/resolve-stage.ts';

export interface BucketOptions {
  stage?: string | undefined;
  region?: string | undefined;
  bucket?: string | undefined;
}

export interface OpenBucket {
  parked: ParkedCallbacks;
  description: string;
  close(): Promise<void>;
}

export async function openFallbackBucket(options: BucketOptions): Promise<OpenBucket> {
  let stage: ResolvedStage;
  try {
    stage = await resolveStage({ stage: options.stage, env: process.env, region: options.region });
  } catch (error) {
    // Already worded, with its exit code: a wrong setting (2), or a stack, region or credentials problem (3).
    if (error instanceof StageUnavailable) throw error;
    throw awsProblem(
      error,
      `stage ${options.stage ?? 'local'}`,
      'is the stage deployed in this region and account? (--stage, --region, --profile)',
    );
  }
  const bucket = options.bucket ?? stage.bucket;
  if (bucket === undefined) throw new UsageError(noBucket(stage));
  const stores = await stage.open();
  const parked = new ParkedCallbacks({
    bucket,
    region: stage.region,
    endpoint: stores.s3Endpoint,
    limits: CALL_LIMITS.command.fallback,
  });
  return {
    parked,
    description: `bucket ${bucket} (${stage.description})`,
    async close() {
      await parked.destroy();
      await stores.close();
    },
  };
}
