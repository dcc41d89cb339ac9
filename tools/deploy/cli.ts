/**
 * `npm run deploy -- --stage prod [--region us-east-1] [--profile p] [--password-secret n | --password-parameter /x]`
 * Deploys a stage in one command: makes sure the stage's callback password exists (a new stage gets a Secrets
 * Manager secret with a random password; an existing password, in either store, is never replaced), then runs
 * `serverless deploy` reading it from that store. Extra arguments after `--` go to serverless as they are.
 */
import { spawnSync } from 'node:child_process';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { awsProblem } from '../cli/aws-problems.ts';
import { parseCommandLine, UsageError } from '../cli/command-line.ts';
import { passwordParameterOfStage, passwordSecretOfStage } from '../stage/stage-names.ts';
import {
  ensureCallbackPassword,
  ensureCallbackSecret,
  ensureStagePassword,
  type PasswordOutcome,
  type PasswordStore,
} from './callback-password.ts';

export const DEPLOY_USAGE = `Usage: npm run deploy -- --stage <stage> [options] [-- <serverless deploy options>]

Makes sure the stage's callback password exists, then runs serverless deploy. A new stage gets a Secrets Manager
secret holding a random password; a stage that already has its secret, or (deployed before the secret was the
default) only its SSM parameter, keeps that password and that store. No password is ever replaced.

  --stage <stage>              the stage to deploy (letters, digits, -; not local)
  --region <region>            its AWS region (default us-east-1)
  --profile <profile>          the AWS profile to use (default: AWS_PROFILE or the default chain)
  --password-secret <name>     the Secrets Manager secret for the password (default bandwidth-disconnect-recorder/<stage>/callback-password)
  --password-parameter <name>  keep the password in this SSM parameter instead (created if missing)
  --password-key-id <kms key>  encrypt a new password with this KMS key instead of the store's default
  --skip-serverless            only make sure the password exists
  -h, --help                   this help

Exit codes: 0 deployed, 2 bad option or value, 3 Secrets Manager or SSM unreachable, or region or credentials
missing, else serverless's own exit code (see docs/commands.md).`;

const describeStore = (store: PasswordStore) =>
  store.kind === 'secret' ? `Secrets Manager secret ${store.name}` : `SSM parameter ${store.name}`;

function report(store: PasswordStore, outcome: PasswordOutcome, kept: boolean): string {
  if (outcome === 'created')
    return `created the callback password in the ${describeStore(store)} (npm run wire gives it to Bandwidth)`;
  const present = `callback password in the ${describeStore(store)} already exists: left as it is`;
  return kept
    ? `${present}; the stage keeps reading it there (docs/deploying.md: moving it to Secrets Manager)`
    : present;
}

/** serverless.yml's params for the store the password is in; the defaults are left unsaid. */
function storeParams(stage: string, store: PasswordStore): string[] {
  if (store.kind === 'secret') {
    return store.name === passwordSecretOfStage(stage) ? [] : [`--param=callbackPasswordSecret=${store.name}`];
  }
  const params = ['--param=callbackPasswordStore=parameter'];
  if (store.name !== passwordParameterOfStage(stage)) params.push(`--param=callbackPasswordParameter=${store.name}`);
  return params;
}

export async function runDeploy(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      stage: { type: 'string' },
      region: { type: 'string', default: 'us-east-1' },
      profile: { type: 'string' },
      'password-secret': { type: 'string' },
      'password-parameter': { type: 'string' },
      'password-key-id': { type: 'string' },
      'skip-serverless': { type: 'boolean', default: false },
    },
    // After `--`: serverless deploy's own options.
    { positionals: true },
  );
  const stage = values.stage;
  if (stage === undefined || !/^[A-Za-z0-9-]{1,32}$/.test(stage) || stage === 'local') {
    throw new UsageError('--stage must name a deployed stage (letters, digits, -), not local');
  }
  const secretName = values['password-secret'];
  const parameterName = values['password-parameter'];
  if (secretName !== undefined && parameterName !== undefined) {
    throw new UsageError('give --password-secret or --password-parameter, not both');
  }
  if (parameterName !== undefined && !parameterName.startsWith('/')) {
    throw new UsageError(
      `--password-parameter must start with "/" (the IAM policy builds its ARN from it), got ${JSON.stringify(parameterName)}`,
    );
  }
  if (values.profile !== undefined) process.env['AWS_PROFILE'] = values.profile;

  const keyId = values['password-key-id'];
  const secrets = new SecretsManagerClient({ region: values.region });
  const ssm = new SSMClient({ region: values.region });
  let store: PasswordStore;
  let outcome: PasswordOutcome;
  let what = `the callback password of stage ${stage} (Secrets Manager, or SSM for an older stage) in ${values.region}`;
  try {
    if (parameterName !== undefined) {
      store = { kind: 'parameter', name: parameterName };
      what = `SSM parameter ${parameterName} in ${values.region}`;
      outcome = await ensureCallbackPassword(ssm, parameterName, keyId);
    } else if (secretName !== undefined) {
      store = { kind: 'secret', name: secretName };
      what = `Secrets Manager secret ${secretName} in ${values.region}`;
      outcome = await ensureCallbackSecret(secrets, secretName, keyId);
    } else {
      ({ store, outcome } = await ensureStagePassword({
        secrets,
        ssm,
        secretName: passwordSecretOfStage(stage),
        parameterName: passwordParameterOfStage(stage),
        keyId,
      }));
    }
  } catch (error) {
    throw awsProblem(error, what);
  } finally {
    secrets.destroy();
    ssm.destroy();
  }
  console.log(report(store, outcome, parameterName === undefined && store.kind === 'parameter'));
  if (values['skip-serverless']) return 0;

  const args = [
    'serverless',
    'deploy',
    '--stage',
    stage,
    '--region',
    values.region,
    ...storeParams(stage, store),
    ...positionals,
  ];
  console.log(`npx ${args.join(' ')}`);
  return spawnSync('npx', args, { stdio: 'inherit' }).status ?? 1;
}
