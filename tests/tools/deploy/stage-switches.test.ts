/**
 * What a stage's params switch on or refuse at packaging (tools/deploy/serverless-stage-switches.cjs), measured on
 * `serverless package --stage prod` run offline: with only the required inputs nothing that would fail is deployed;
 * reconciliation appears with its Bandwidth credentials; callback auth turns off as documented; a username Bandwidth
 * could never authenticate with is refused before anything is built.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type PackagedStage, packageStage } from '../../stack/package-stage.ts';
import { effectiveTemplate, idsOfType, type Json, properties, type Template } from '../../stack/template.ts';

const RECONCILING = { bandwidthAccountId: '9900000', bandwidthClientId: 'recorder-client' };
let plain: PackagedStage;
let reconciling: PackagedStage;

beforeAll(async () => {
  [plain, reconciling] = await Promise.all([packageStage('prod'), packageStage('prod', RECONCILING)]);
}, 300_000);

/** Every Ref, Fn::GetAtt and Fn::Sub reference in the template that names no resource, parameter or pseudo parameter. */
function danglingReferences(template: Template): string[] {
  const known = new Set(Object.keys(template.Resources));
  const found: string[] = [];
  const check = (name: string) => {
    const id = name.split('.')[0] ?? name;
    if (!id.startsWith('AWS::') && !known.has(id)) found.push(name);
  };
  const walk = (value: Json | undefined): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') check(inner);
      else if (key === 'Fn::GetAtt' && Array.isArray(inner) && typeof inner[0] === 'string') check(inner[0]);
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(inner) ? inner[0] : inner;
        if (typeof text === 'string') for (const match of text.matchAll(/\$\{([^}!]+)\}/g)) check(match[1] ?? '');
        walk(inner);
      } else walk(inner);
    }
  };
  walk(template as unknown as Json);
  return found;
}

const reconciliationIds = (template: Template) =>
  Object.keys(template.Resources).filter((id) => /^(Reconcile|Backfilled|MissingLegs)/.test(id));

describe('a stage packaged with only the required inputs', () => {
  it('has no reconcile function, schedule, role, metric filter or alarm, and nothing refers to them', () => {
    const template = effectiveTemplate(plain.template);
    expect(reconciliationIds(template)).toEqual([]);
    expect(plain.artifacts).not.toHaveProperty('reconcile.zip');
    expect(danglingReferences(template)).toEqual([]);
    const body = JSON.stringify(properties(template, 'Dashboard')['DashboardBody']);
    expect(body).not.toMatch(/Reconcile|Backfilled|MissingLegs/);
  });

  it('says in one line that reconciliation is off and which command turns it on', () => {
    expect(plain.output).toMatch(
      /reconciliation is off \(no Bandwidth API credentials\); to turn it on: BW_ACCOUNT_ID=.* npm run deploy -- --stage <stage>/,
    );
  });

  it('with Bandwidth credentials, has reconciliation whole: function, two schedules, role, metric filter, alarms', () => {
    const template = effectiveTemplate(reconciling.template);
    expect(reconciliationIds(template).sort()).toEqual([
      'BackfilledCallsAlarm',
      'BackfilledCallsMetric',
      'BackfilledLegsMetric',
      'MissingLegsAlarm',
      'MissingLegsMetric',
      'ReconcileErrorsAlarm',
      'ReconcileEventsRuleSchedule1',
      'ReconcileEventsRuleSchedule2',
      'ReconcileLambdaEvConf',
      'ReconcileLambdaFunction',
      'ReconcileLambdaPermissionEventsRuleSchedule1',
      'ReconcileLambdaPermissionEventsRuleSchedule2',
      'ReconcileLogGroup',
      'ReconcileRole',
    ]);
    expect(danglingReferences(template)).toEqual([]);
    expect(reconciling.output).not.toMatch(/reconciliation is off/);
    const variables = (properties(template, 'ReconcileLambdaFunction')['Environment'] as { Variables: object })
      .Variables;
    expect(variables).toEqual(
      expect.objectContaining({
        BW_ACCOUNT_ID: '9900000',
        BW_CLIENT_ID: 'recorder-client',
        BW_CLIENT_SECRET_SECRET: 'bandwidth-disconnect-recorder/prod/bandwidth-client-secret',
      }),
    );
  });
});

describe('packaging refuses', () => {
  const refusal = (params: Record<string, string>) =>
    packageStage('prod', params).then(
      () => 'packaged',
      (error: Error) => error.message,
    );

  it('a username Bandwidth could never authenticate with: a quoted empty string (\'\' or "") or one holding a colon', async () => {
    const answers = await Promise.all([
      refusal({ callbackUsername: "''" }),
      refusal({ callbackUsername: '""' }),
      refusal({ callbackUsername: 'bandwidth:x' }),
    ]);
    for (const answer of answers) {
      expect(answer).toMatch(/callbackUsername .* cannot be used for Basic auth.*--param=callbackAuth=off/);
    }
  }, 120_000);

  it('half of the reconciliation credentials', async () => {
    expect(await refusal({ bandwidthAccountId: '9900000' })).toMatch(
      /Give both bandwidthAccountId and bandwidthClientId/,
    );
  }, 120_000);
});

describe('callback auth turned off with --param=callbackAuth=off', () => {
  it('leaves no username and no password variable to any function, so callbacks are taken without auth', async () => {
    const template = effectiveTemplate((await packageStage('prod', { callbackAuth: 'off' })).template);
    for (const id of idsOfType(template, 'AWS::Lambda::Function')) {
      const variables = (properties(template, id)['Environment'] as { Variables: Record<string, Json> }).Variables;
      expect(Object.keys(variables).filter((name) => name.startsWith('BANDWIDTH_CALLBACK'))).toEqual([]);
    }
    expect(template.Outputs).not.toHaveProperty('CallbackUsername');
  }, 180_000);
});
