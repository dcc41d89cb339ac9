/**
 * Which fallback bucket the quarantine command opens: the handler's (PARKED_CALLBACKS_BUCKET, S3_ENDPOINT) when set,
 * else the local stage's, or a deployed stage's. One function, to be switched to tools/stage's resolver.
 */
import { ParkedCallbacks } from '../../lambda/adapters/parked-callbacks.ts';
import { UsageError } from '../cli/command-line.ts';
import { awsProblem } from '../cli/aws-problems.ts';
import { stackOfStage } from '../stage/stage-names.ts';

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

const env = (name: string): string | undefined => (process.env[name] === '' ? undefined : process.env[name]);
// An operator waits at a prompt, not an answer budget: generous limits, a few attempts.
const LIMITS = { requestTimeoutMs: 10_000, maxAttempts: 3 };

export async function openFallbackBucket(options: BucketOptions): Promise<OpenBucket> {
  const stage = options.stage ?? 'local';
  if (!/^[A-Za-z0-9-]{1,64}$/.test(stage)) {
    throw new UsageError(`--stage ${JSON.stringify(stage)} is not a stage name (letters, digits and dashes)`);
  }
  if (stage === 'local') {
    const s3Endpoint = env('S3_ENDPOINT');
    if (s3Endpoint !== undefined) {
      const bucket = options.bucket ?? env('PARKED_CALLBACKS_BUCKET');
      if (bucket === undefined) throw new UsageError('S3_ENDPOINT is set but PARKED_CALLBACKS_BUCKET is not: set both, or pass --bucket');
      const parked = new ParkedCallbacks({ bucket, endpoint: s3Endpoint, region: env('AWS_REGION') ?? 'us-east-1', ...LIMITS });
      return { parked, description: `bucket ${bucket} at ${s3Endpoint}`, close: () => parked.destroy() };
    }
    const local = await import('../local-stage/stores.ts');
    const stores = await local.startPersistedLocalStores();
    const bucket = options.bucket ?? local.LOCAL_BUCKET;
    const parked = new ParkedCallbacks({ bucket, endpoint: stores.s3Endpoint, region: 'us-east-1', ...LIMITS });
    return {
      parked,
      description: `the local stage's bucket ${bucket} (${stores.s3Endpoint})`,
      async close() {
        await parked.destroy();
        await stores.close();
      },
    };
  }
  const region = options.region ?? env('AWS_REGION') ?? env('AWS_DEFAULT_REGION');
  const bucket = options.bucket ?? (await stageBucket(stage, region));
  const parked = new ParkedCallbacks({ bucket, region, ...LIMITS });
  return { parked, description: `bucket ${bucket} (stage ${stage})`, close: () => parked.destroy() };
}

/** The stage's fallback bucket has a name CloudFormation generated, so it is asked of the stack. */
async function stageBucket(stage: string, region: string | undefined): Promise<string> {
  const { CloudFormationClient, DescribeStackResourceCommand } = await import('@aws-sdk/client-cloudformation');
  const client = new CloudFormationClient({
    ...(region === undefined ? {} : { region }),
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 10_000 },
  });
  const stack = stackOfStage(stage);
  try {
    const { StackResourceDetail } = await client.send(
      new DescribeStackResourceCommand({ StackName: stack, LogicalResourceId: 'ParkedCallbacksBucket' }),
    );
    const bucket = StackResourceDetail?.PhysicalResourceId;
    if (bucket === undefined) throw new Error(`stack ${stack} has no ParkedCallbacksBucket`);
    return bucket;
  } catch (error) {
    throw awsProblem(error, `stack ${stack}`, 'is the stage deployed in this region and account? (--stage, --region, --profile)');
  } finally {
    client.destroy();
  }
}
