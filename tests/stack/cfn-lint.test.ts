/**
 * Every combination of deploy parameters docs/deploying.md documents, packaged offline as `serverless package` does
 * it, and the templates held to cfn-lint (AWS's CloudFormation linter, Python: on the PATH of these machines, not on
 * npm) with the repository's .cfnlintrc.yaml, which lists each warning it ignores and why. cfn-lint missing fails
 * this test, saying so: it is never skipped.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PackagedStage, packageStage } from './package-stage.ts';
import type { Json } from './template.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const DATA_KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const PASSWORD_KEY = 'arn:aws:kms:us-east-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321';

/** docs/deploying.md: the three stages, the password's two stores, and every optional param set at once. */
const DOCUMENTED: { name: string; stage: string; params: Record<string, string> }[] = [
  { name: 'local', stage: 'local', params: {} },
  { name: 'dev', stage: 'dev', params: {} },
  { name: 'prod', stage: 'prod', params: {} },
  { name: 'prod-password-parameter', stage: 'prod', params: { callbackPasswordStore: 'parameter' } },
  {
    name: 'prod-every-option',
    stage: 'prod',
    params: {
      dataKeyArn: DATA_KEY,
      callbackPasswordKeyArn: PASSWORD_KEY,
      retentionDays: '400',
      alarmTopicArn: 'arn:aws:sns:us-east-1:111122223333:ops-pager',
      reservedConcurrency: '20',
      bandwidthAccountId: '9900000',
      bandwidthClientId: 'recorder-client',
    },
  },
  {
    name: 'dev-parameter-own-key-no-reconcile',
    stage: 'dev',
    params: { callbackPasswordStore: 'parameter', callbackPasswordKeyArn: PASSWORD_KEY, reconcileEnabled: 'false' },
  },
];

interface Finding {
  Rule: { Id: string };
  Message: string;
  Filename: string;
  Location: { Path: (string | number)[] };
}

const packaged = new Map<string, PackagedStage>();
const templateFiles = new Map<string, string>();
let lintDir: string;
let findings: Finding[];
let brokenFile: string;

function cfnLint(files: string[]): Promise<Finding[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('cfn-lint', ['--format', 'json', '--', ...files], { cwd: projectRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const missing = 'cfn-lint is not installed (or not on the PATH): install it with `pip install cfn-lint` (Python 3)';
    child.on('error', (error) => reject(new Error(`${missing}: ${error.message}`)));
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(stdout) as Finding[]);
      } catch {
        reject(new Error(`${missing}; it exited ${String(code)}:\n${stderr}${stdout}`));
      }
    });
  });
}

beforeAll(async () => {
  lintDir = mkdtempSync(join(tmpdir(), 'recorder-cfn-lint-'));
  // Two at a time: each is mostly esbuild, and the machine is shared.
  for (let at = 0; at < DOCUMENTED.length; at += 2) {
    const batch = DOCUMENTED.slice(at, at + 2);
    const stages = await Promise.all(batch.map(({ stage, params }) => packageStage(stage, params)));
    batch.forEach(({ name }, index) => {
      const stage = stages[index]!;
      packaged.set(name, stage);
      const file = join(lintDir, `${name}.json`);
      writeFileSync(file, JSON.stringify(stage.template, null, 2));
      templateFiles.set(name, file);
    });
  }
  // The prod template with what packaging used to leave in (the bucket's unused KMS branch): cfn-lint must flag it.
  const broken = structuredClone(packaged.get('prod')!.template);
  broken.Resources['ParkedCallbacksBucket']!.Properties!['BucketEncryption'] = {
    ServerSideEncryptionConfiguration: [
      { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: '' } },
    ],
  };
  brokenFile = join(lintDir, 'prod-with-empty-key-id.json');
  writeFileSync(brokenFile, JSON.stringify(broken, null, 2));
  findings = await cfnLint([...templateFiles.values(), brokenFile]);
}, 300_000);
afterAll(() => rmSync(lintDir, { recursive: true, force: true }));

const contains = (value: Json | undefined, key: string): boolean =>
  Array.isArray(value)
    ? value.some((item) => contains(item, key))
    : typeof value === 'object' &&
      value !== null &&
      Object.entries(value).some(([k, v]) => k === key || contains(v, key));

describe.each(DOCUMENTED)('the $name stage as packaged', ({ name, params }) => {
  it('passes cfn-lint: no error, and no warning beyond those .cfnlintrc.yaml lists with their reason', () => {
    const own = findings.filter((finding) => finding.Filename === templateFiles.get(name));
    expect(own.map((finding) => `${finding.Rule.Id} ${finding.Location.Path.join('/')}: ${finding.Message}`)).toEqual(
      [],
    );
  });

  it('carries only what applies to the stage: every condition packaging made constant is resolved', () => {
    const template = packaged.get(name)!.template;
    expect(template.Conditions).toBeUndefined();
    expect(contains(template as unknown as Json, 'Fn::If')).toBe(false);
    const entries = [...Object.values(template.Resources), ...Object.values(template.Outputs ?? {})];
    expect(entries.filter((entry) => entry.Condition !== undefined)).toEqual([]);
  });

  it('publishes no empty output (CloudFormation refuses one), the retention only when the stage has one', () => {
    const outputs = packaged.get(name)!.template.Outputs ?? {};
    for (const [id, output] of Object.entries(outputs)) expect(output.Value, id).not.toBe('');
    expect(outputs['RetentionDays']?.Value).toBe(params['retentionDays']);
  });
});

it('cfn-lint, run the same way, does report an error: an empty KMS key id', () => {
  const reported = findings.filter((finding) => finding.Filename === brokenFile);
  expect(reported.map((finding) => finding.Location.Path.join('/'))).toContain(
    'Resources/ParkedCallbacksBucket/Properties/BucketEncryption/ServerSideEncryptionConfiguration/0/ServerSideEncryptionByDefault/KMSMasterKeyID',
  );
  expect(reported.every((finding) => finding.Rule.Id.startsWith('E'))).toBe(true);
});
