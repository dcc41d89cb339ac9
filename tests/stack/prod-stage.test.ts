/**
 * The prod stage as packaged with its defaults (`npx serverless package --stage prod`, offline): what the
 * CloudFormation template would create, resource by resource.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type PackagedStage, packageStage } from './package-stage.ts';
import {
  effectiveTemplate,
  idsOfType,
  isObject,
  type Json,
  properties,
  resource,
  roleStatements,
  type Template,
} from './template.ts';

let packaged: PackagedStage;
let template: Template;

beforeAll(async () => {
  // With reconciliation's Bandwidth credentials, so that every part of the stack is there (without them:
  // tests/tools/deploy/stage-switches.test.ts).
  packaged = await packageStage('prod', { bandwidthAccountId: '9900000', bandwidthClientId: 'recorder-client' });
  template = effectiveTemplate(packaged.template);
}, 180_000);

const PASSWORD_SECRET = 'bandwidth-disconnect-recorder/prod/callback-password';
/** Secrets Manager appends six random characters to a secret's ARN. */
const PASSWORD_SECRET_ARN = `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${PASSWORD_SECRET}-??????`;
const environment = (functionId: string): Record<string, Json> => {
  const variables = (properties(template, functionId)['Environment'] as { Variables: Record<string, Json> }).Variables;
  return variables;
};

describe('packaging the prod stage', () => {
  it('needs no AWS access: with no real credentials, not one request reaches AWS', () => {
    expect(packaged.awsRequests).toEqual([]);
  });

  it("makes one artifact per function, each with only its own bundle and its rare paths' lazy chunks", () => {
    const files = (handler: string, chunks: string[]) =>
      [handler, ...chunks.map((chunk) => `${handler}.aws-sdk-client-${chunk}`)].flatMap((name) => [
        `handlers/${name}.cjs`,
        `handlers/${name}.cjs.map`,
      ]);
    expect(packaged.artifacts).toEqual({
      'disconnect.zip': files('disconnect', ['s3', 'secrets-manager', 'ssm']).sort(),
      'reconcile.zip': files('reconcile', ['secrets-manager']).sort(),
      'replay.zip': files('replay', ['s3', 'secrets-manager', 'ssm']).sort(),
    });
  });
});

describe('the disconnects table', () => {
  it('is keyed by callId alone, billed on demand, with the byDay index for time-range queries and byParent for call trees', () => {
    const table = properties(template, 'DisconnectsTable');
    expect(table['TableName']).toBe('bandwidth-disconnect-recorder-prod-disconnects');
    expect(table['KeySchema']).toEqual([{ AttributeName: 'callId', KeyType: 'HASH' }]);
    expect(table['BillingMode']).toBe('PAY_PER_REQUEST');
    expect(table['GlobalSecondaryIndexes']).toEqual([
      {
        IndexName: 'byDay',
        KeySchema: [
          { AttributeName: 'endedDay', KeyType: 'HASH' },
          { AttributeName: 'endedAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: 'byParent',
        // The recorder's legOf, not Bandwidth's parentCallId (which may be null: no index key can be).
        KeySchema: [{ AttributeName: 'legOf', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'ALL' },
      },
    ]);
  });

  it('has point-in-time recovery, and KMS encryption under the AWS-managed key by default', () => {
    const table = properties(template, 'DisconnectsTable');
    expect(table['PointInTimeRecoverySpecification']).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table['SSESpecification']).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
  });

  it('keeps records forever by default: TTL on expiresAt is explicitly off and records get no expiry', () => {
    expect(properties(template, 'DisconnectsTable')['TimeToLiveSpecification']).toEqual({
      AttributeName: 'expiresAt',
      Enabled: false,
    });
    expect(environment('DisconnectLambdaFunction')['RETENTION_DAYS']).toBe('');
    expect(environment('ReplayLambdaFunction')['RETENTION_DAYS']).toBe('');
  });

  it('outlives the stack: retained on removal and replacement, deletion-protected, and no update may replace it', () => {
    const table = resource(template, 'DisconnectsTable');
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties?.['DeletionProtectionEnabled']).toBe(true);
    expect(packaged.service['provider']).toMatchObject({
      stackPolicy: expect.arrayContaining([
        {
          Effect: 'Deny',
          Principal: '*',
          Action: ['Update:Replace', 'Update:Delete'],
          Resource: ['LogicalResourceId/DisconnectsTable', 'LogicalResourceId/ParkedCallbacksBucket'],
        },
      ]),
    });
  });
});

describe('the fallback bucket', () => {
  it('is encrypted (SSE-S3 by default, so parking needs no KMS call) and blocks every kind of public access', () => {
    const bucket = properties(template, 'ParkedCallbacksBucket');
    expect(bucket['BucketEncryption']).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(bucket['PublicAccessBlockConfiguration']).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket['OwnershipControls']).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
  });

  it('refuses every request that does not come over TLS', () => {
    const policy = properties(template, 'ParkedCallbacksBucketPolicy');
    expect(policy['Bucket']).toEqual({ Ref: 'ParkedCallbacksBucket' });
    expect(policy['PolicyDocument']).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [
            { 'Fn::GetAtt': ['ParkedCallbacksBucket', 'Arn'] },
            { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['ParkedCallbacksBucket', 'Arn'] }, '/*']] },
          ],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    });
  });

  it('is versioned, and only replayed (noncurrent) versions expire: waiting callbacks never do', () => {
    const bucket = properties(template, 'ParkedCallbacksBucket');
    expect(bucket['VersioningConfiguration']).toEqual({ Status: 'Enabled' });
    const rules = (bucket['LifecycleConfiguration'] as { Rules: Record<string, Json>[] }).Rules;
    expect(rules).toEqual([
      {
        Id: 'expire-replayed-callbacks',
        Status: 'Enabled',
        NoncurrentVersionExpiration: { NoncurrentDays: 30 },
        ExpiredObjectDeleteMarker: true,
      },
      { Id: 'abort-incomplete-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
    ]);
    for (const rule of rules) {
      expect(rule).not.toHaveProperty('ExpirationInDays');
      expect(rule).not.toHaveProperty('ExpirationDate');
    }
  });

  it("is joined by the framework's deployment-artifacts bucket in blocking public access", () => {
    expect(properties(template, 'ServerlessDeploymentBucket')['PublicAccessBlockConfiguration']).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });

  it('is retained, with its TLS-only policy, when the stack is removed or replaces them', () => {
    for (const id of ['ParkedCallbacksBucket', 'ParkedCallbacksBucketPolicy']) {
      expect(resource(template, id).DeletionPolicy).toBe('Retain');
      expect(resource(template, id).UpdateReplacePolicy).toBe('Retain');
    }
  });
});

describe('least privilege', () => {
  it('gives each function a role of its own, and creates no other role', () => {
    expect(idsOfType(template, 'AWS::IAM::Role')).toEqual(['DisconnectRole', 'ReconcileRole', 'ReplayRole']);
    expect(properties(template, 'DisconnectLambdaFunction')['Role']).toEqual({
      'Fn::GetAtt': ['DisconnectRole', 'Arn'],
    });
    expect(properties(template, 'ReplayLambdaFunction')['Role']).toEqual({ 'Fn::GetAtt': ['ReplayRole', 'Arn'] });
    expect(properties(template, 'ReconcileLambdaFunction')['Role']).toEqual({ 'Fn::GetAtt': ['ReconcileRole', 'Arn'] });
    for (const role of ['DisconnectRole', 'ReconcileRole', 'ReplayRole']) {
      expect(properties(template, role)['AssumeRolePolicyDocument']).toEqual({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      });
      expect(properties(template, role)).not.toHaveProperty('ManagedPolicyArns');
    }
  });

  it('lets the recorder write its own logs, put items in its table, park under its three prefixes and read its one secret', () => {
    expect(roleStatements(template, 'DisconnectRole')).toEqual([
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: ['DisconnectLogGroup.Arn'],
      },
      { Sid: 'RecordDisconnects', Effect: 'Allow', Action: ['dynamodb:PutItem'], Resource: ['DisconnectsTable.Arn'] },
      {
        Sid: 'ParkCallbacks',
        Effect: 'Allow',
        Action: ['s3:PutObject'],
        Resource: [
          'ParkedCallbacksBucket.Arn/parked/*',
          'ParkedCallbacksBucket.Arn/quarantine/*',
          'ParkedCallbacksBucket.Arn/unverified/*',
        ],
      },
      {
        Sid: 'ReadCallbackPassword',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: [PASSWORD_SECRET_ARN],
      },
    ]);
  });

  it('lets the replay write its own logs, list and take what is parked, quarantined or unverified, quarantine what it verified, put items in its table and read the password', () => {
    expect(roleStatements(template, 'ReplayRole')).toEqual([
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: ['ReplayLogGroup.Arn'],
      },
      {
        Sid: 'ListParkedCallbacks',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: ['ParkedCallbacksBucket.Arn'],
        Condition: { StringLike: { 's3:prefix': ['parked/*', 'quarantine/*', 'unverified/*'] } },
      },
      {
        Sid: 'TakeParkedCallbacks',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:DeleteObject'],
        Resource: [
          'ParkedCallbacksBucket.Arn/parked/*',
          'ParkedCallbacksBucket.Arn/quarantine/*',
          'ParkedCallbacksBucket.Arn/unverified/*',
        ],
      },
      {
        Sid: 'QuarantineVerifiedCallbacks',
        Effect: 'Allow',
        Action: ['s3:PutObject'],
        Resource: ['ParkedCallbacksBucket.Arn/quarantine/*'],
      },
      { Sid: 'RecordDisconnects', Effect: 'Allow', Action: ['dynamodb:PutItem'], Resource: ['DisconnectsTable.Arn'] },
      {
        Sid: 'ReadCallbackPassword',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: [PASSWORD_SECRET_ARN],
      },
    ]);
  });

  it('allows no wildcard: no "*" action or resource, and "*" only for object keys under the bucket\'s own prefixes', () => {
    for (const role of idsOfType(template, 'AWS::IAM::Role')) {
      for (const statement of roleStatements(template, role)) {
        expect(statement.Effect).toBe('Allow');
        for (const action of statement.Action) expect(action).not.toContain('*');
        for (const reference of statement.Resource) {
          expect(reference).not.toBe('*');
          if (reference.includes('*'))
            expect(reference).toMatch(/^ParkedCallbacksBucket\.Arn\/(parked|quarantine|unverified)\/\*$/);
        }
      }
    }
  });

  it('never puts the callback password in the environment, only the name of its secret, and always with the username', () => {
    for (const functionId of ['DisconnectLambdaFunction', 'ReplayLambdaFunction']) {
      expect(environment(functionId)).not.toHaveProperty('BANDWIDTH_CALLBACK_PASSWORD');
      expect(environment(functionId)).not.toHaveProperty('BANDWIDTH_CALLBACK_PASSWORD_PARAMETER');
      // The replay verifies callbacks kept unverified against the same password.
      expect(environment(functionId)).toMatchObject({
        BANDWIDTH_CALLBACK_USERNAME: 'bandwidth',
        BANDWIDTH_CALLBACK_PASSWORD_SECRET: PASSWORD_SECRET,
      });
    }
  });
});

describe('the functions', () => {
  it('run on Node.js 24 on arm64', () => {
    for (const functionId of ['DisconnectLambdaFunction', 'ReplayLambdaFunction', 'ReconcileLambdaFunction']) {
      expect(properties(template, functionId)['Runtime']).toBe('nodejs24.x');
      expect(properties(template, functionId)['Architectures']).toEqual(['arm64']);
    }
  });

  it('give the recorder a timeout within 10 s above the answer budget (which includes the password read)', () => {
    const recorder = properties(template, 'DisconnectLambdaFunction');
    const timeoutMs = Number(recorder['Timeout']) * 1000;
    const budgetMs = Number(environment('DisconnectLambdaFunction')['ANSWER_BUDGET_MS']);

    expect(recorder['Timeout']).toBe(8);
    expect(budgetMs).toBe(5000);
    expect(timeoutMs).toBeLessThanOrEqual(10_000);
    expect(timeoutMs).toBeGreaterThan(budgetMs);
    expect(recorder['MemorySize']).toBe(512);
    expect(recorder['Handler']).toBe('handlers/disconnect.handler');
  });

  it('replay on a schedule, each run under its own timeout, a failed run left to the next one', () => {
    const ruleId = idsOfType(template, 'AWS::Events::Rule').find((id) => id.startsWith('Replay'));
    expect(ruleId).toBeDefined();
    const rule = properties(template, ruleId ?? '');
    expect(rule['ScheduleExpression']).toBe('rate(10 minutes)');
    expect(rule['State']).toBe('ENABLED');
    expect(rule['Targets']).toEqual([
      { Arn: { 'Fn::GetAtt': ['ReplayLambdaFunction', 'Arn'] }, Id: expect.any(String) },
    ]);
    const invokeConfigId = idsOfType(template, 'AWS::Lambda::EventInvokeConfig').find((id) => id.startsWith('Replay'));
    expect(properties(template, invokeConfigId ?? '')).toMatchObject({
      FunctionName: { Ref: 'ReplayLambdaFunction' },
      MaximumRetryAttempts: 0,
    });
    expect(properties(template, 'ReplayLambdaFunction')).toMatchObject({
      Handler: 'handlers/replay.handler',
      Timeout: 300,
    });
  });

  it('keep their logs, and the API access log, for 90 days', () => {
    expect(idsOfType(template, 'AWS::Logs::LogGroup')).toEqual([
      'DisconnectLogGroup',
      'HttpApiLogGroup',
      'ReconcileLogGroup',
      'ReplayLogGroup',
    ]);
    for (const id of idsOfType(template, 'AWS::Logs::LogGroup')) {
      expect(properties(template, id)['RetentionInDays']).toBe(90);
    }
    expect(properties(template, 'DisconnectLogGroup')['LogGroupName']).toBe(
      '/aws/lambda/bandwidth-disconnect-recorder-prod-disconnect',
    );
  });
});

describe('the reconcile function', () => {
  const CLIENT_SECRET = 'bandwidth-disconnect-recorder/prod/bandwidth-client-secret';

  it('sweeps the trailing 3 hours every 15 minutes and the whole 7 days daily, a failed run left to the next one', () => {
    const schedules = idsOfType(template, 'AWS::Events::Rule')
      .filter((id) => id.startsWith('Reconcile'))
      .map((id) => {
        const rule = properties(template, id);
        const [target] = rule['Targets'] as { Arn: Json; Input: string }[];
        return {
          schedule: rule['ScheduleExpression'],
          state: rule['State'],
          arn: target?.Arn,
          input: JSON.parse(target?.Input ?? 'null') as Json,
        };
      });
    const arn = { 'Fn::GetAtt': ['ReconcileLambdaFunction', 'Arn'] };
    expect(schedules).toEqual([
      { schedule: 'rate(15 minutes)', state: 'ENABLED', arn, input: { lookbackMinutes: 180, settleMinutes: 15 } },
      { schedule: 'cron(17 4 * * ? *)', state: 'ENABLED', arn, input: { lookbackMinutes: 10080, settleMinutes: 15 } },
    ]);
    const invokeConfigId = idsOfType(template, 'AWS::Lambda::EventInvokeConfig').find((id) =>
      id.startsWith('Reconcile'),
    );
    expect(properties(template, invokeConfigId ?? '')).toMatchObject({
      FunctionName: { Ref: 'ReconcileLambdaFunction' },
      MaximumRetryAttempts: 0,
    });
    expect(properties(template, 'ReconcileLambdaFunction')).toMatchObject({
      Handler: 'handlers/reconcile.handler',
      Timeout: 900,
    });
  });

  it('reads the Bandwidth client secret from its Secrets Manager secret at run time, never from the environment', () => {
    const variables = environment('ReconcileLambdaFunction');
    expect(variables).toMatchObject({
      BW_CLIENT_SECRET_SECRET: CLIENT_SECRET,
      BW_ACCOUNT_ID: '9900000',
      BW_CLIENT_ID: 'recorder-client',
    });
    expect(variables).not.toHaveProperty('BW_CLIENT_SECRET');
    for (const functionId of ['DisconnectLambdaFunction', 'ReplayLambdaFunction']) {
      expect(environment(functionId)).not.toHaveProperty('BW_CLIENT_SECRET_SECRET');
    }
  });

  it('may write its own logs, read and put items in its table, and read its one secret', () => {
    expect(roleStatements(template, 'ReconcileRole')).toEqual([
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: ['ReconcileLogGroup.Arn'],
      },
      {
        Sid: 'BackfillDisconnects',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        Resource: ['DisconnectsTable.Arn'],
      },
      {
        Sid: 'ReadBandwidthClientSecret',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: [
          `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${CLIENT_SECRET}-??????`,
        ],
      },
    ]);
  });
});

describe('the HTTP API', () => {
  it('serves the callback as POST and GET on /bandwidth/disconnect', () => {
    const routes = idsOfType(template, 'AWS::ApiGatewayV2::Route').map((id) => properties(template, id)['RouteKey']);
    expect(routes.sort()).toEqual(['GET /bandwidth/disconnect', 'POST /bandwidth/disconnect']);
  });

  it('is throttled, and logs each request with a numeric status', () => {
    const stage = properties(template, 'HttpApiStage');
    expect(stage['DefaultRouteSettings']).toEqual({
      DetailedMetricsEnabled: false,
      ThrottlingRateLimit: 200,
      ThrottlingBurstLimit: 400,
    });
    const accessLog = stage['AccessLogSettings'] as { DestinationArn: Json; Format: string };
    expect(accessLog.DestinationArn).toEqual({ 'Fn::GetAtt': ['HttpApiLogGroup', 'Arn'] });
    const line = JSON.parse(
      accessLog.Format.replace(/\$context\.status/g, '429').replace(/\$context\.[\w.]+/g, 'x'),
    ) as Record<string, Json>;
    expect(line['status']).toBe(429);
  });
});

describe('alarms', () => {
  const alarms = () =>
    idsOfType(template, 'AWS::CloudWatch::Alarm').map((id) => {
      const alarm = properties(template, id);
      return { id, alarm };
    });

  it("go to the stack's own SNS topic when no topic is given, on alarm and on recovery", () => {
    expect(idsOfType(template, 'AWS::SNS::Topic')).toEqual(['AlarmTopic']);
    expect(template.Outputs?.['AlarmTopicArn']?.Value).toEqual({ Ref: 'AlarmTopic' });
    for (const { alarm } of alarms()) {
      expect(alarm['AlarmActions']).toEqual([{ Ref: 'AlarmTopic' }]);
      expect(alarm['OKActions']).toEqual([{ Ref: 'AlarmTopic' }]);
    }
  });

  it('watch function errors, throttles, 5xx answers, parked and rejected callbacks, API throttling and replay failures', () => {
    const watched = alarms().map(({ id, alarm }) => ({
      id,
      metric:
        alarm['Metrics'] === undefined ? `${String(alarm['Namespace'])} ${String(alarm['MetricName'])}` : 'metric math',
      dimensions: alarm['Dimensions'] ?? [],
    }));
    const namespace = 'BandwidthDisconnectRecorder/prod';
    expect(watched).toEqual([
      { id: 'ApiThrottledAlarm', metric: `${namespace} ApiThrottled`, dimensions: [] },
      { id: 'BackfilledCallsAlarm', metric: `${namespace} BackfilledCalls`, dimensions: [] },
      {
        id: 'DisconnectErrorsAlarm',
        metric: 'AWS/Lambda Errors',
        dimensions: [{ Name: 'FunctionName', Value: { Ref: 'DisconnectLambdaFunction' } }],
      },
      {
        id: 'DisconnectThrottlesAlarm',
        metric: 'AWS/Lambda Throttles',
        dimensions: [{ Name: 'FunctionName', Value: { Ref: 'DisconnectLambdaFunction' } }],
      },
      // Metric math over the callback line's counts by cause (tests/stack/dashboard.test.ts).
      { id: 'FailingCallsAlarm', metric: 'metric math', dimensions: [] },
      { id: 'MissingLegsAlarm', metric: `${namespace} MissingLegs`, dimensions: [] },
      {
        id: 'ParkedCallbacksAlarm',
        metric: `${namespace} callbacks`,
        dimensions: [{ Name: 'outcome', Value: 'parked' }],
      },
      {
        id: 'ReconcileErrorsAlarm',
        metric: 'AWS/Lambda Errors',
        dimensions: [{ Name: 'FunctionName', Value: { Ref: 'ReconcileLambdaFunction' } }],
      },
      {
        id: 'RefusedCallbacksAlarm',
        metric: `${namespace} callbacks`,
        dimensions: [{ Name: 'outcome', Value: 'refused' }],
      },
      {
        id: 'RejectedCallbacksAlarm',
        metric: `${namespace} callbacks`,
        dimensions: [{ Name: 'outcome', Value: 'quarantined' }],
      },
      {
        id: 'ReplayErrorsAlarm',
        metric: 'AWS/Lambda Errors',
        dimensions: [{ Name: 'FunctionName', Value: { Ref: 'ReplayLambdaFunction' } }],
      },
      {
        id: 'ServerErrorsAlarm',
        metric: 'AWS/ApiGateway 5xx',
        dimensions: [{ Name: 'ApiId', Value: { Ref: 'HttpApi' } }],
      },
      {
        id: 'UndocumentedCauseAlarm',
        metric: `${namespace} callbacks`,
        dimensions: [{ Name: 'causeDimension', Value: 'other' }],
      },
    ]);
  });

  it('fire on the first occurrence and stay quiet without data (FailingCallsAlarm: at its threshold)', () => {
    for (const { id, alarm } of alarms()) {
      expect(alarm).toMatchObject({
        ...(id === 'FailingCallsAlarm' ? {} : { Statistic: 'Sum' }),
        EvaluationPeriods: 1,
        Threshold: id === 'FailingCallsAlarm' ? 5 : 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
  });

  // Parked and rejected callbacks are counted by the callback line's own metric (EMF: tests/stack/dashboard.test.ts).
  it("count off-spec callbacks from the recorder's log, backfilled calls from reconcile's and throttled requests from the access log", () => {
    const filters = Object.fromEntries(
      idsOfType(template, 'AWS::Logs::MetricFilter').map((id) => {
        const filter = properties(template, id);
        const [transformation] = filter['MetricTransformations'] as Record<string, Json>[];
        return [id, { logGroup: filter['LogGroupName'], pattern: filter['FilterPattern'], metric: transformation }];
      }),
    );
    const metric = (name: string) => ({
      MetricNamespace: 'BandwidthDisconnectRecorder/prod',
      MetricName: name,
      MetricValue: '1',
      Unit: 'Count',
    });
    expect(filters).toEqual({
      BackfilledCallsMetric: {
        logGroup: { Ref: 'ReconcileLogGroup' },
        pattern: '{ $.message = "reconcile" }',
        metric: { ...metric('BackfilledCalls'), MetricValue: '$.backfilled' },
      },
      BackfilledLegsMetric: {
        logGroup: { Ref: 'ReconcileLogGroup' },
        pattern: '{ $.message = "reconcile" }',
        metric: { ...metric('BackfilledLegs'), MetricValue: '$.backfilledLegs' },
      },
      MissingLegsMetric: {
        logGroup: { Ref: 'ReconcileLogGroup' },
        pattern: '{ $.message = "reconcile" }',
        metric: { ...metric('MissingLegs'), MetricValue: '$.missingLegs' },
      },
      SpecDeviationsMetric: {
        logGroup: { Ref: 'DisconnectLogGroup' },
        pattern: '{ $.message = "disconnect callback off spec" }',
        metric: metric('SpecDeviations'),
      },
      ApiThrottledMetric: {
        logGroup: { Ref: 'HttpApiLogGroup' },
        pattern: '{ $.status = 429 }',
        metric: metric('ApiThrottled'),
      },
    });
  });
});

describe('the stack outputs', () => {
  it('give the callback URL, the username and the password secret (what `npm run wire` reads)', () => {
    const outputs = template.Outputs ?? {};
    expect(outputs['DisconnectCallbackUrl']?.Value).toEqual({
      'Fn::Join': [
        '',
        [
          'https://',
          { Ref: 'HttpApi' },
          '.execute-api.',
          { Ref: 'AWS::Region' },
          '.',
          // amazonaws.com in the commercial partition, but amazonaws.com.cn in China: never written out.
          { Ref: 'AWS::URLSuffix' },
          '/bandwidth/disconnect',
        ],
      ],
    });
    expect(outputs['CallbackUsername']?.Value).toBe('bandwidth');
    expect(outputs['CallbackPasswordSecret']?.Value).toBe(PASSWORD_SECRET);
    expect(outputs).not.toHaveProperty('CallbackPasswordParameter');
    expect(isObject(outputs['AlarmTopicArn']?.Value)).toBe(true);
  });
});
