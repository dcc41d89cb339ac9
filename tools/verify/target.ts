/**
 * What `verify` checks: the stage's callback URL and credentials as Bandwidth is given them, the table its record
 * must reach, and (deployed) the stack whose alarms are read. A deployed stage is read from its stack's outputs and
 * its password from its store (as `wire` reads them); the local stage is `npm run offline`'s URL, the credentials the
 * local handler reads (BANDWIDTH_CALLBACK_USERNAME / BANDWIDTH_CALLBACK_PASSWORD, when set) and the local stores.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_STORE_CREDENTIALS } from '../../lambda/adapters/aws-clients.ts';
import { UsageError } from '../cli/failures.ts';
import { resolveStage } from '../stage/resolve-stage.ts';
import { stackOfStage } from '../stage/stage-names.ts';
import { readCallbackPassword } from '../wire/deployed-stage.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** serverless.yml `custom.serverless-offline.httpPort` and the callback's path. */
export const LOCAL_CALLBACK_URL = 'http://127.0.0.1:3000/bandwidth/disconnect';

export interface VerifyTarget {
  description: string;
  url: string;
  /** Undefined: the stage has callback auth off. */
  credentials: { username: string; password: string } | undefined;
  tableName: string;
  table: DynamoDBDocumentClient;
  /** The stack whose alarms are read, and its region; undefined for the local stage. */
  stack: { name: string; region: string } | undefined;
  close(): Promise<void>;
}

const nonEmpty = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);

export async function verifyTarget(
  options: { stage: string; region?: string | undefined; profile?: string | undefined; url?: string | undefined },
  env: Env,
): Promise<VerifyTarget> {
  const stage = await resolveStage({ stage: options.stage, env, region: options.region, profile: options.profile });
  const stores = await stage.open({ readOnly: true });
  const client = new DynamoDBClient({
    ...(stage.region === undefined ? {} : { region: stage.region }),
    ...(stores.dynamoEndpoint === undefined
      ? {}
      : { endpoint: stores.dynamoEndpoint, credentials: LOCAL_STORE_CREDENTIALS }),
  });
  const common = {
    tableName: stage.tableName,
    table: DynamoDBDocumentClient.from(client),
    async close() {
      client.destroy();
      await stores.close();
    },
  };
  if (stage.source === 'local') {
    const username = nonEmpty(env['BANDWIDTH_CALLBACK_USERNAME']);
    const password = nonEmpty(env['BANDWIDTH_CALLBACK_PASSWORD']);
    return {
      ...common,
      description: stage.description,
      url: options.url ?? LOCAL_CALLBACK_URL,
      credentials: username === undefined || password === undefined ? undefined : { username, password },
      stack: undefined,
    };
  }
  const url = options.url ?? stage.callbackUrl;
  if (url === undefined) {
    await common.close();
    throw new UsageError(`${stage.description} has no DisconnectCallbackUrl output: give --url`);
  }
  const source =
    stage.callbackPasswordSecret !== undefined
      ? { secret: stage.callbackPasswordSecret }
      : stage.callbackPasswordParameter !== undefined
        ? { parameter: stage.callbackPasswordParameter }
        : undefined;
  const username = stage.callbackUsername;
  const password =
    username === undefined || source === undefined ? undefined : await readCallbackPassword(source, stage.region);
  return {
    ...common,
    description: stage.description,
    url,
    credentials: username === undefined || password === undefined ? undefined : { username, password },
    stack: { name: stackOfStage(options.stage), region: stage.region ?? '' },
  };
}
