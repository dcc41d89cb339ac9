/**
 * `npm run deploy -- --stage prod [--region us-east-1] [--profile p] [--password-parameter /x] [--password-key-id k]`
 * Deploys a stage in one command: creates the callback password in SSM if the stage has none yet (never replacing
 * one), then runs `serverless deploy`. Extra arguments after `--` go to serverless as they are.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ensureCallbackPassword } from '../deploy/callback-password.ts';
import { passwordParameterOfStage } from '../stage/stage-names.ts';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const USAGE =
  'usage: npm run deploy -- --stage <stage> [--region <region>] [--profile <profile>] ' +
  '[--password-parameter <name>] [--password-key-id <kms key>] [--skip-serverless] [-- <serverless deploy options>]';

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        stage: { type: 'string' },
        region: { type: 'string', default: 'us-east-1' },
        profile: { type: 'string' },
        'password-parameter': { type: 'string' },
        'password-key-id': { type: 'string' },
        'skip-serverless': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    console.error(`deploy: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const stage = values.stage;
  if (stage === undefined || !/^[A-Za-z0-9-]{1,32}$/.test(stage) || stage === 'local') {
    console.error(`deploy: --stage must name a deployed stage (letters, digits, -), not local\n${USAGE}`);
    return 2;
  }
  if (values.profile !== undefined) process.env['AWS_PROFILE'] = values.profile;

  const parameter = values['password-parameter'] ?? passwordParameterOfStage(stage);
  const ssm = new SSMClient({ region: values.region });
  const outcome = await ensureCallbackPassword(ssm, parameter, values['password-key-id']);
  ssm.destroy();
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

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`deploy: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
