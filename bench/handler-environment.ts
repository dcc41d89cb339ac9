/** What every benchmarked handler runs with, for the bench (run.ts) and same-round comparisons (ab.ts) alike. */
import { deployedEnvironment } from './serverless-config.ts';

const USERNAME = 'bandwidth';
const PASSWORD = 'bench-callback-password';

/** The same environment for every handler: what Lambda sets, the deployed settings, and the local stores. */
export function handlerEnvironment(
  stores: { dynamoEndpoint: string; s3Endpoint: string },
  table: string,
  bucket: string,
) {
  const functionName = 'bandwidth-disconnect-recorder-bench-disconnect';
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    TZ: ':UTC',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    // Lambda hands the function's role credentials over in the environment; dynalite accepts any.
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_SESSION_TOKEN: 'bench-session-token',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    ...deployedEnvironment(),
    DISCONNECTS_TABLE: table,
    DYNAMODB_ENDPOINT: stores.dynamoEndpoint,
    PARKED_CALLBACKS_BUCKET: bucket,
    S3_ENDPOINT: stores.s3Endpoint,
    BANDWIDTH_CALLBACK_USERNAME: USERNAME,
    BANDWIDTH_CALLBACK_PASSWORD: PASSWORD,
  };
}

/** The Authorization header every request carries (the recorder checks it; the references ignore it). */
export const authorization = `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`, 'utf8').toString('base64')}`;
