/**
 * `npm run deploy -- --stage prod [--region us-east-1] [--profile p] [--password-parameter /x] [--password-key-id k]`
 * Deploys a stage in one command: creates the callback password in SSM if the stage has none yet (never replacing
 * one), then runs `serverless deploy`. Extra arguments after `--` go to serverless as they are.
 */
import { spawnSync } from 'node:child_process';
import { awsProblem } from '../cli/aws-problems.ts';
import { parseCommandLine, runCommand, UsageError } from '../cli/command-line.ts';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ensureCallbackPassword } from '../deploy/callback-password.ts';
import { passwordParameterOfStage } from '../stage/stage-names.ts';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const USAGE = `Usage: npm run deploy -- --stage <stage> [options] [-- <serverless deploy options>]

Creates the stage's callback password in SSM if it has none yet (never replacing one), then runs serverless deploy.

  --stage <stage>              the stage to deploy (letters, digits, -; not local)
  --region <region>            its AWS region (default us-east-1)
  --profile <profile>          the AWS profile to use (default: AWS_PROFILE or the default chain)
  --password-parameter <name>  the SSM parameter for the password (default /bandwidth-disconnect-recorder/<stage>/callback-password)
  --password-key-id <kms key>  encrypt a new password with this KMS key instead of SSM's default
  --skip-serverless            only make sure the password exists
  -h, --help                   this help

Exit codes: 0 deployed, 2 bad option or value, 3 SSM unreachable, or region or credentials missing, else
serverless's own exit code (see docs/commands.md).`;

async function main(): Promise<number> {
  const { values, positionals } = parseCommandLine(
    process.argv.slice(2),
    {
      stage: { type: 'string' },
      region: { type: 'string', default: 'us-east-1' },
      profile: { type: 'string' },
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
  if (values.profile !== undefined) process.env['AWS_PROFILE'] = values.profile;

  const parameter = values['password-parameter'] ?? passwordParameterOfStage(stage);
  const ssm = new SSMClient({ region: values.region });
  let outcome;
  try {
    outcome = await ensureCallbackPassword(ssm, parameter, values['password-key-id']);
  } catch (error) {
    throw awsProblem(error, `SSM parameter ${parameter} in ${values.region}`);
  } finally {
    ssm.destroy();
  }
  console.log(
    outcome === 'created'
      ? `created the callback password ${parameter} (SecureString; npm run wire gives it to Bandwidth)`
      : `callback password ${parameter} already exists: left as it is`,
  );
  if (values['skip-serverless']) return 0;

  const args = ['serverless', 'deploy', '--stage', stage, '--region', values.region];
  if (values['password-parameter'] !== undefined) args.push(`--param=callbackPasswordParameter=${parameter}`);
  args.push(...positionals);
  console.log(`npx ${args.join(' ')}`);
  return spawnSync('npx', args, { stdio: 'inherit' }).status ?? 1;
}

process.exitCode = await runCommand({ name: 'deploy', usage: USAGE }, main);
