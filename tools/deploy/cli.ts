/**
 * `npm run deploy -- --stage prod [--region r] [--profile p] [--password-secret n | --password-parameter /x]`
 * Deploys a stage in one command: makes sure the stage's callback password exists (a new stage gets a Secrets
 * Manager secret with a random password; an existing password, in either store, is never replaced), decides
 * reconciliation from the Bandwidth API credentials in the environment (reconciliation.ts), then runs
 * `serverless deploy` in the region the one region rule gives. Extra arguments after `--` go to serverless as they are.
 */
import { spawnSync } from 'node:child_process';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { awsProblem, reasonOf } from '../cli/aws-problems.ts';
import { awsSettings } from '../cli/aws-settings.ts';
import { EXIT, oneOf, parseCommandLine, UsageError } from '../cli/command-line.ts';
import { resolveStage } from '../stage/resolve-stage.ts';
import { refuseUnusablePassword, UnusablePassword } from './callback-password.ts';
import { type DeployOptions, ensurePassword, passwordStoreOf, report, storeParams } from './password-step.ts';
import {
  ensureReconciliation,
  type Reconciliation,
  reconciliationIds,
  reconciliationLine,
  reconciliationParams,
} from './reconciliation.ts';

export const DEPLOY_USAGE = `Usage: npm run deploy -- --stage <stage> [options] [-- <serverless deploy options>]

Makes sure the stage's callback password exists, then runs serverless deploy. A new stage gets a Secrets Manager
secret holding a random password; a stage that already has its secret, or (deployed before the secret was the
default) only its SSM parameter, keeps that password and that store. No password is ever replaced.

Reconciliation is on when BW_ACCOUNT_ID and BW_CLIENT_ID are set (with BW_CLIENT_SECRET the first time: it is
kept in the stage's Secrets Manager secret); without them it is off and the stack has none of its parts.

  --stage <stage>              the stage to deploy (letters, digits, -; not local)
  --region <region>            its AWS region (else AWS_REGION, AWS_DEFAULT_REGION, the profile's region)
  --profile <profile>          the AWS profile to use (default: AWS_PROFILE or the default chain)
  --callback-auth <on|off>     off: Bandwidth's callbacks are taken without Basic auth (default on)
  --password-secret <name>     the Secrets Manager secret for the password (default bandwidth-disconnect-recorder/<stage>/callback-password)
  --password-parameter <name>  keep the password in this SSM parameter instead (created if missing)
  --password-key-id <kms key>  encrypt a new password with this KMS key instead of the store's default
  --skip-serverless            only make sure the password exists
  -h, --help                   this help

Exit codes: 0 deployed, 2 bad option or value, 3 Secrets Manager or SSM unreachable, or region, profile or
credentials missing, else serverless's own exit code (see docs/commands.md). Then: npm run verify -- --stage <stage>.`;

function parseDeployArguments(argv: readonly string[]) {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      stage: { type: 'string' },
      region: { type: 'string' },
      profile: { type: 'string' },
      'callback-auth': { type: 'string', default: 'on' },
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
  const options: DeployOptions = {
    stage,
    auth: oneOf(values['callback-auth'], '--callback-auth', ['on', 'off'] as const),
    secretName,
    parameterName,
    keyId: values['password-key-id'],
  };
  return { options, values, positionals };
}

export async function runDeploy(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { options, values, positionals } = parseDeployArguments(argv);
  const { stage } = options;
  // Every mistake is refused before anything is created.
  reconciliationIds(env);
  const { region, regionFrom, profile } = awsSettings({ region: values.region, profile: values.profile }, env);
  if (profile !== undefined) env['AWS_PROFILE'] = profile;
  console.log(`deploying stage ${stage} to ${region} (region from ${regionFrom})`);

  const secrets = new SecretsManagerClient({ region });
  const ssm = new SSMClient({ region });
  let password: Awaited<ReturnType<typeof ensurePassword>>;
  let reconciliation: Reconciliation;
  try {
    password = await ensurePassword(options, secrets, ssm)
      .then(async (found) => {
        if (found?.outcome === 'present') await refuseUnusablePassword(found.store, { secrets, ssm });
        return found;
      })
      .catch((error: unknown) => {
        if (error instanceof UnusablePassword) throw new UsageError(error.message);
        throw awsProblem(error, `${passwordStoreOf(options)} in ${region}`);
      });
    reconciliation = await ensureReconciliation(stage, env, { secrets, ssm, keyId: options.keyId }).catch(
      (error: unknown) => {
        throw awsProblem(error, `the Bandwidth client secret of stage ${stage} (Secrets Manager) in ${region}`);
      },
    );
  } finally {
    secrets.destroy();
    ssm.destroy();
  }
  console.log(
    password === undefined
      ? "callback auth is off: Bandwidth's callbacks are taken without Basic auth (--callback-auth on turns it on)"
      : report(
          password.store,
          password.outcome,
          options.parameterName === undefined && password.store.kind === 'parameter',
        ),
  );
  console.log(reconciliationLine(reconciliation));
  if (values['skip-serverless']) return EXIT.ok;

  const args = [
    'serverless',
    'deploy',
    '--stage',
    stage,
    '--region',
    region,
    ...(password === undefined ? ['--param=callbackAuth=off'] : storeParams(stage, password.store)),
    ...reconciliationParams(reconciliation),
    ...positionals,
  ];
  console.log(`npx ${args.join(' ')}`);
  const status = spawnSync('npx', args, { stdio: 'inherit' }).status ?? EXIT.failed;
  if (status !== EXIT.ok) return status;
  console.log(await callbackUrlLine(stage, region, env));
  console.log(`check it from the outside: npm run verify -- --stage ${stage} --region ${region}`);
  return status;
}

/** The URL to give Bandwidth, from the stack just deployed; a failure to read it does not fail the deploy. */
async function callbackUrlLine(stage: string, region: string, env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const deployed = await resolveStage({ stage, env, region });
    return `callback URL: ${deployed.callbackUrl ?? '(none in the stack outputs)'} (npm run wire gives it to Bandwidth)`;
  } catch (error) {
    return `callback URL: the stack output DisconnectCallbackUrl (not read: ${reasonOf(error)})`;
  }
}
