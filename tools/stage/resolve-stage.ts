/**
 * The one way every command reaches a stage: `resolveStage()` turns a stage name and the environment into the
 * stage's table, fallback bucket, callback settings and retention, and `open()` gives the stores' endpoints.
 *
 * - a deployed stage (`stage` named, not `local`): one CloudFormation DescribeStacks call reading the outputs the
 *   stack publishes (serverless.yml `resources.Outputs`);
 * - no stage named and the handler's environment set (`DISCONNECTS_TABLE`): DISCONNECTS_TABLE, PARKED_CALLBACKS_BUCKET, AWS_REGION,
 *   DYNAMODB_ENDPOINT, S3_ENDPOINT, RETENTION_DAYS, as the function itself reads them;
 * - else (or `local` named) the local stage: the embedded stores of LOCAL_DATA_DIR (tools/local-stage/local-stage.ts).
 */
import { awsProblem } from '../cli/aws-problems.ts';
import { awsSettings } from '../cli/aws-settings.ts';
import { CommandFailure, EXIT, type ExitCode } from '../cli/failures.ts';
import {
  type LocalStage,
  localStageOf,
  openLocalStage,
  startPersistedLocalStores,
} from '../local-stage/local-stage.ts';
import { LOCAL_BUCKET, LOCAL_TABLE, stackOfStage, tableOfStage } from './stage-names.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface ResolveStageOptions {
  /** A deployed stage, or `local`; absent means the handler's environment when DISCONNECTS_TABLE is set, else local. */
  stage?: string | undefined;
  env: Env;
  /** A deployed stage's region (else AWS_REGION, AWS_DEFAULT_REGION, the profile's: tools/cli/aws-settings.ts). */
  region?: string | undefined;
  /** The AWS profile to read a deployed stage's stack with. */
  profile?: string | undefined;
  /** Where the local stage lives; by default from LOCAL_DATA_DIR, LOCAL_DYNAMODB_PORT, LOCAL_S3_PORT in `env`. */
  local?: LocalStage | undefined;
}

/** The stores' endpoints; `undefined` means AWS itself. */
export interface StageStores {
  dynamoEndpoint: string | undefined;
  s3Endpoint: string | undefined;
  /** Releases what `open()` started (the local stores), or nothing. */
  close(): Promise<void>;
}

export interface ResolvedStage {
  source: 'local' | 'environment' | 'deployed';
  /** For messages: "stack bandwidth-disconnect-recorder-prod in eu-west-1", "the local stage (/path/.local)". */
  description: string;
  /** `undefined`: the SDK's default (AWS_REGION, the profile's); the local stores take any. */
  region: string | undefined;
  tableName: string;
  /** The fallback bucket; `undefined` when the environment names none or the stack predates its output. */
  bucket: string | undefined;
  /** Days before DynamoDB TTL removes a record, as the live function sets them; `undefined` keeps records. */
  retentionDays: number | undefined;
  /**
   * A deployed stage's callback URL, Basic auth username, and where its password is: a Secrets Manager secret, or
   * for a stage deployed before the secret was the default an SSM parameter (both absent when auth is off).
   */
  callbackUrl: string | undefined;
  callbackUsername: string | undefined;
  callbackPasswordSecret: string | undefined;
  callbackPasswordParameter: string | undefined;
  /**
   * The stores; for the local stage, starts them or joins the running ones, creating the table and bucket unless
   * `readOnly` (a reader must be able to say that nothing was recorded yet).
   */
  open(options?: { readOnly?: boolean }): Promise<StageStores>;
}

/**
 * A stage that cannot be resolved: the message names the fix. A deployed stack that cannot be read is exit 3; a
 * local or environment setting that is wrong is a usage mistake (exit 2).
 */
export class StageUnavailable extends CommandFailure {
  constructor(message: string, exitCode: ExitCode = EXIT.usage) {
    super(message, exitCode);
  }
}

/** The stack outputs read here (serverless.yml `resources.Outputs`). */
export const STAGE_OUTPUTS = {
  table: 'DisconnectsTableName',
  bucket: 'ParkedCallbacksBucketName',
  region: 'StageRegion',
  retentionDays: 'RetentionDays',
  callbackUrl: 'DisconnectCallbackUrl',
  callbackUsername: 'CallbackUsername',
  callbackPasswordSecret: 'CallbackPasswordSecret',
  callbackPasswordParameter: 'CallbackPasswordParameter',
} as const;

const nonEmpty = (value: string | undefined): string | undefined => (value === '' ? undefined : value);

function retention(text: string | undefined, from: string): number | undefined {
  if (text === undefined || text === '') return undefined;
  const days = Number(text);
  if (!Number.isSafeInteger(days) || days <= 0)
    throw new StageUnavailable(`${from} must be a positive integer, got ${text}`);
  return days;
}

const nothingToClose = async () => {};

function fromEnvironment(env: Env, tableName: string): ResolvedStage {
  const dynamoEndpoint = nonEmpty(env['DYNAMODB_ENDPOINT']);
  const s3Endpoint = nonEmpty(env['S3_ENDPOINT']);
  const bucket = nonEmpty(env['PARKED_CALLBACKS_BUCKET']);
  if (dynamoEndpoint !== undefined && bucket !== undefined && s3Endpoint === undefined) {
    throw new StageUnavailable('DYNAMODB_ENDPOINT is set but S3_ENDPOINT is not: set both, or neither');
  }
  return {
    source: 'environment',
    description: `the handler's environment (${[tableName, dynamoEndpoint, bucket, s3Endpoint].filter(Boolean).join(', ')})`,
    region: nonEmpty(env['AWS_REGION']),
    tableName,
    bucket,
    retentionDays: retention(env['RETENTION_DAYS'], 'RETENTION_DAYS'),
    callbackUrl: undefined,
    callbackUsername: nonEmpty(env['BANDWIDTH_CALLBACK_USERNAME']),
    callbackPasswordSecret: nonEmpty(env['BANDWIDTH_CALLBACK_PASSWORD_SECRET']),
    callbackPasswordParameter: nonEmpty(env['BANDWIDTH_CALLBACK_PASSWORD_PARAMETER']),
    open: async () => ({ dynamoEndpoint, s3Endpoint, close: nothingToClose }),
  };
}

function local(stage: LocalStage, env: Env): ResolvedStage {
  return {
    source: 'local',
    description: `the local stage (${stage.dataDir})`,
    region: 'us-east-1',
    tableName: LOCAL_TABLE,
    bucket: LOCAL_BUCKET,
    retentionDays: retention(env['RETENTION_DAYS'], 'RETENTION_DAYS'),
    callbackUrl: undefined,
    callbackUsername: undefined,
    callbackPasswordSecret: undefined,
    callbackPasswordParameter: undefined,
    async open({ readOnly = false } = {}) {
      const stores = await (readOnly ? openLocalStage(stage) : startPersistedLocalStores(stage));
      return { dynamoEndpoint: stores.dynamoEndpoint, s3Endpoint: stores.s3Endpoint, close: () => stores.close() };
    },
  };
}

async function deployed(stage: string, region: string, profile: string | undefined): Promise<ResolvedStage> {
  const stackName = stackOfStage(stage);
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const client = new CloudFormationClient({
    region,
    ...(profile === undefined ? {} : { profile }),
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 10_000 },
  });
  let outputs: Map<string | undefined, string | undefined>;
  try {
    const { Stacks = [] } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = new Map((Stacks[0]?.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]));
  } catch (error) {
    const failure = awsProblem(
      error,
      undefined,
      'is the stage deployed in this region and account? (--stage, --region, --profile)',
    );
    throw new StageUnavailable(`cannot read stack ${stackName} in ${region}: ${failure.message}`, EXIT.unavailable);
  } finally {
    client.destroy();
  }
  const output = (key: string): string | undefined => nonEmpty(outputs.get(key));
  const stageRegion = output(STAGE_OUTPUTS.region) ?? region;
  return {
    source: 'deployed',
    description: `stack ${stackName} in ${stageRegion}`,
    region: stageRegion,
    // A stack deployed before these outputs existed: its table is named by rule; its bucket name is generated.
    tableName: output(STAGE_OUTPUTS.table) ?? tableOfStage(stage),
    bucket: output(STAGE_OUTPUTS.bucket),
    retentionDays: retention(
      output(STAGE_OUTPUTS.retentionDays),
      `stack ${stackName}'s ${STAGE_OUTPUTS.retentionDays}`,
    ),
    callbackUrl: output(STAGE_OUTPUTS.callbackUrl),
    callbackUsername: output(STAGE_OUTPUTS.callbackUsername),
    callbackPasswordSecret: output(STAGE_OUTPUTS.callbackPasswordSecret),
    callbackPasswordParameter: output(STAGE_OUTPUTS.callbackPasswordParameter),
    open: async () => ({ dynamoEndpoint: undefined, s3Endpoint: undefined, close: nothingToClose }),
  };
}

/** Said when a command needs the fallback bucket and the stage names none. */
export function noBucket(stage: ResolvedStage): string {
  return stage.source === 'deployed'
    ? `${stage.description} has no ${STAGE_OUTPUTS.bucket} output (deployed before it existed): deploy the stage again, or pass --bucket`
    : `${stage.description} names no fallback bucket (PARKED_CALLBACKS_BUCKET): set it, or pass --bucket`;
}

export async function resolveStage(options: ResolveStageOptions): Promise<ResolvedStage> {
  const { stage, env } = options;
  if (stage !== undefined && stage !== 'local') {
    const { region, profile } = awsSettings({ region: options.region, profile: options.profile }, env);
    return deployed(stage, region, profile);
  }
  const tableName = nonEmpty(env['DISCONNECTS_TABLE']);
  if (stage === undefined && tableName !== undefined) return fromEnvironment(env, tableName);
  let where: LocalStage;
  try {
    where = options.local ?? localStageOf(env);
  } catch (error) {
    throw new StageUnavailable(error instanceof Error ? error.message : String(error));
  }
  return local(where, env);
}
