/**
 * One error rule for every command that reaches AWS: no credentials, no region, a profile that does not exist and
 * (for the commands that read a deployed stage) a stage that is not deployed each end in exit 3 and one line naming
 * the fix. Each command runs as `npm run <command>` does (tsx), with no real AWS settings anywhere, against a
 * loopback CloudFormation that has no stacks (nothing can reach AWS itself: AWS_ENDPOINT_URL points every client at it).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docSample, sampleRuns } from '../doc-samples.ts';
import { type FakeCloudFormation, fakeCloudFormation } from '../stage/fake-cloudformation.ts';

const run = promisify(execFile);
let aws: FakeCloudFormation;
beforeAll(async () => {
  aws = await fakeCloudFormation();
});
afterAll(() => aws.close());

/** Each command, asked about the deployed stage `prod`, with what it needs besides AWS. */
const COMMANDS: Record<string, { args: string[]; env?: Record<string, string>; readsStack: boolean }> = {
  records: { args: ['list', '--stage', 'prod'], readsStack: true },
  replay: { args: ['--stage', 'prod'], readsStack: true },
  quarantine: { args: ['list', '--stage', 'prod'], readsStack: true },
  reconcile: {
    args: ['--from', '2026-11-20', '--to', '2026-11-21', '--stage', 'prod'],
    env: { BW_ACCOUNT_ID: '9900000', BW_CLIENT_ID: 'client', BW_CLIENT_SECRET: 'secret' },
    readsStack: true,
  },
  wire: {
    args: ['--account-id', '9900000', '--application-id', 'app-1', '--stage', 'prod'],
    env: { BW_CLIENT_ID: 'client', BW_CLIENT_SECRET: 'secret' },
    readsStack: true,
  },
  verify: { args: ['--stage', 'prod'], readsStack: true },
  deploy: { args: ['--stage', 'prod', '--skip-serverless'], readsStack: false },
};

/** No AWS settings but the ones a case gives: no keys, no profile, no config files, no instance metadata. */
function bareEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const kept = Object.entries(process.env).filter(([name]) => !/^(AWS_|BW_|BANDWIDTH_)/.test(name));
  return {
    ...Object.fromEntries(kept),
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: aws.url,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  };
}

async function outcome(command: string, env: Record<string, string>) {
  const { args, env: own = {} } = COMMANDS[command] ?? { args: [] };
  try {
    await run('node_modules/.bin/tsx', [`tools/bin/${command}.ts`, ...args], {
      env: bareEnv({ ...own, ...env }),
      timeout: 60_000,
    });
    return { code: 0, stderr: '' };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
}

const KEYS = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'not-a-real-secret' };

describe.each(Object.keys(COMMANDS))('npm run %s', (command) => {
  it('without AWS credentials: exit 3, one line naming --profile / AWS_PROFILE', async () => {
    const { code, stderr } = await outcome(command, { AWS_REGION: 'eu-west-1' });
    expect(code).toBe(3);
    expect(stderr).toMatch(new RegExp(`^${command}: .*no AWS credentials.*pass --profile or set AWS_PROFILE.*\\n$`));
    expect(stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);

  it('without a region: exit 3, one line naming --region, AWS_REGION and the profile', async () => {
    const { code, stderr } = await outcome(command, KEYS);
    expect({ code, stderr }).toEqual({
      code: 3,
      stderr: `${command}: no AWS region: pass --region, set AWS_REGION, or give the profile one (aws configure set region <region>)\n`,
    });
  }, 60_000);

  it('with a profile that does not exist: exit 3, one line saying so and how to list them', async () => {
    const { code, stderr } = await outcome(command, { ...KEYS, AWS_REGION: 'eu-west-1', AWS_PROFILE: 'nope' });
    expect(code).toBe(3);
    expect(stderr).toMatch(
      new RegExp(`^${command}: AWS profile "nope" does not exist in .*aws configure list-profiles.*\\n$`),
    );
  }, 60_000);

  it.runIf(COMMANDS[command]?.readsStack)(
    'for a stage that is not deployed: exit 3, one line naming the stack and what to check',
    async () => {
      const { code, stderr } = await outcome(command, { ...KEYS, AWS_REGION: 'eu-west-1' });
      expect({ code, stderr }).toEqual({
        code: 3,
        stderr:
          `${command}: cannot read stack bandwidth-disconnect-recorder-prod in eu-west-1: Stack with id ` +
          'bandwidth-disconnect-recorder-prod does not exist: is the stage deployed in this region and account? ' +
          '(--stage, --region, --profile)\n',
      });
    },
    60_000,
  );
});

describe('docs/commands.md', () => {
  it('shows what the commands really print for these problems', async () => {
    for (const sample of sampleRuns(docSample('docs/commands.md', 'aws-problems'))) {
      const env = bareEnv({ HOME: '/home/you', ...sample.env });
      delete env['AWS_CONFIG_FILE'];
      delete env['AWS_SHARED_CREDENTIALS_FILE'];
      const printed = await run('node_modules/.bin/tsx', [`tools/bin/${sample.command}.ts`, ...sample.args], {
        env,
      }).then(
        ({ stdout }) => stdout,
        (error: { stdout: string; stderr: string }) => `${error.stdout}${error.stderr}`,
      );
      expect(printed.trimEnd().split('\n'), `${sample.command} ${sample.args.join(' ')}`).toEqual(sample.output);
    }
  }, 120_000);
});
