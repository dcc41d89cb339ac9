/**
 * The dev stage packaged with every option an operator may pass (`--param name=value`): customer-managed KMS keys,
 * a retention period, an existing alarm topic, reserved concurrency, the password in Secrets Manager. Offline, as for prod.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type PackagedStage, packageStage } from './package-stage.ts';
import {
  effectiveTemplate,
  idsOfType,
  type Json,
  properties,
  resource,
  roleStatements,
  type Template,
} from './template.ts';

const DATA_KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const PASSWORD_KEY = 'arn:aws:kms:us-east-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321';
const ALARM_TOPIC = 'arn:aws:sns:us-east-1:111122223333:ops-pager';
const SECRET = 'bandwidth-disconnect-recorder/dev/callback-password';

let packaged: PackagedStage;
let template: Template;

beforeAll(async () => {
  packaged = await packageStage('dev', {
    dataKeyArn: DATA_KEY,
    callbackPasswordKeyArn: PASSWORD_KEY,
    retentionDays: '400',
    alarmTopicArn: ALARM_TOPIC,
    reservedConcurrency: '20',
    callbackPasswordSecret: SECRET,
    bandwidthAccountId: '9900000',
    bandwidthClientId: 'recorder-client',
  });
  template = effectiveTemplate(packaged.template);
}, 180_000);

const environment = (functionId: string): Record<string, Json> =>
  (properties(template, functionId)['Environment'] as { Variables: Record<string, Json> }).Variables;

const dataKeyStatement = {
  Sid: 'UseDataKey',
  Effect: 'Allow',
  Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
  Resource: [DATA_KEY],
  Condition: {
    StringEquals: {
      'kms:ViaService': [
        { 'Fn::Sub': 'dynamodb.${AWS::Region}.amazonaws.com' },
        { 'Fn::Sub': 's3.${AWS::Region}.amazonaws.com' },
      ],
    },
  },
};

describe('the dev stage', () => {
  it('packages offline too', () => {
    expect(packaged.awsRequests).toEqual([]);
  });

  it('keeps the data as prod does, but can be torn down: no deletion protection, logs kept 30 days', () => {
    const table = resource(template, 'DisconnectsTable');
    expect(table.Properties?.['TableName']).toBe('bandwidth-disconnect-recorder-dev-disconnects');
    expect(table.Properties?.['DeletionProtectionEnabled']).toBe(false);
    expect(table.Properties?.['PointInTimeRecoverySpecification']).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.DeletionPolicy).toBe('Retain');
    for (const id of idsOfType(template, 'AWS::Logs::LogGroup')) {
      expect(properties(template, id)['RetentionInDays']).toBe(30);
    }
  });
});

describe('with a retention period', () => {
  it('turns on TTL on expiresAt and gives both functions the period, so replayed records expire alike', () => {
    expect(properties(template, 'DisconnectsTable')['TimeToLiveSpecification']).toEqual({
      AttributeName: 'expiresAt',
      Enabled: true,
    });
    expect(environment('DisconnectLambdaFunction')['RETENTION_DAYS']).toBe('400');
    expect(environment('ReplayLambdaFunction')['RETENTION_DAYS']).toBe('400');
  });
});

describe('with customer-managed KMS keys', () => {
  it('encrypts the table and the bucket under the data key', () => {
    expect(properties(template, 'DisconnectsTable')['SSESpecification']).toEqual({
      SSEEnabled: true,
      SSEType: 'KMS',
      KMSMasterKeyId: DATA_KEY,
    });
    expect(properties(template, 'ParkedCallbacksBucket')['BucketEncryption']).toEqual({
      ServerSideEncryptionConfiguration: [
        {
          ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: DATA_KEY },
          BucketKeyEnabled: true,
        },
      ],
    });
  });

  it('lets both functions read the secret and decrypt it with its key through Secrets Manager only, and use the data key through DynamoDB and S3 only', () => {
    for (const role of ['DisconnectRole', 'ReplayRole']) {
      expect(roleStatements(template, role).slice(-3)).toEqual([
        {
          Sid: 'ReadCallbackPassword',
          Effect: 'Allow',
          Action: ['secretsmanager:GetSecretValue'],
          // Secrets Manager appends six random characters to a secret's ARN.
          Resource: [
            `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${SECRET}-??????`,
          ],
        },
        {
          Sid: 'DecryptCallbackPassword',
          Effect: 'Allow',
          Action: ['kms:Decrypt'],
          Resource: [PASSWORD_KEY],
          Condition: {
            StringEquals: { 'kms:ViaService': [{ 'Fn::Sub': 'secretsmanager.${AWS::Region}.amazonaws.com' }] },
          },
        },
        dataKeyStatement,
      ]);
    }
  });

  it('lets reconcile decrypt with the data key through DynamoDB only: it writes nothing to S3', () => {
    expect(roleStatements(template, 'ReconcileRole').at(-1)).toEqual({
      Sid: 'UseDataKey',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: [DATA_KEY],
      Condition: { StringEquals: { 'kms:ViaService': [{ 'Fn::Sub': 'dynamodb.${AWS::Region}.amazonaws.com' }] } },
    });
  });

  it('names the secret to both functions, with the username, and no parameter', () => {
    for (const functionId of ['DisconnectLambdaFunction', 'ReplayLambdaFunction']) {
      expect(environment(functionId)).toMatchObject({
        BANDWIDTH_CALLBACK_USERNAME: 'bandwidth',
        BANDWIDTH_CALLBACK_PASSWORD_SECRET: SECRET,
      });
      expect(environment(functionId)).not.toHaveProperty('BANDWIDTH_CALLBACK_PASSWORD_PARAMETER');
    }
    expect(template.Outputs?.['CallbackPasswordSecret']?.Value).toBe(SECRET);
    expect(template.Outputs).not.toHaveProperty('CallbackPasswordParameter');
  });

  it('still names every key and allows no wildcard', () => {
    for (const role of idsOfType(template, 'AWS::IAM::Role')) {
      for (const statement of roleStatements(template, role)) {
        for (const action of statement.Action) expect(action).not.toContain('*');
        for (const reference of statement.Resource) {
          if (reference.includes('*')) {
            expect(reference).toMatch(
              /^ParkedCallbacksBucket\.Arn\/(parked|quarantine|unverified)\/\*$|:secret:[^*]+-\?{6}$/,
            );
          }
        }
      }
    }
  });
});

describe('with an existing alarm topic and reserved concurrency', () => {
  it('sends every alarm to that topic and creates none', () => {
    expect(idsOfType(template, 'AWS::SNS::Topic')).toEqual([]);
    expect(template.Outputs?.['AlarmTopicArn']?.Value).toBe(ALARM_TOPIC);
    const alarms = idsOfType(template, 'AWS::CloudWatch::Alarm');
    // Every alarm, reconciliation's three included (this stage has Bandwidth API credentials).
    expect(alarms).toHaveLength(13);
    for (const id of alarms) {
      expect(properties(template, id)['AlarmActions']).toEqual([ALARM_TOPIC]);
      expect(properties(template, id)['OKActions']).toEqual([ALARM_TOPIC]);
    }
  });

  it('reserves that concurrency for the recorder', () => {
    expect(Number(properties(template, 'DisconnectLambdaFunction')['ReservedConcurrentExecutions'])).toBe(20);
    expect(properties(template, 'ReplayLambdaFunction')).not.toHaveProperty('ReservedConcurrentExecutions');
  });
});
