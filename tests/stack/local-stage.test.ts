/**
 * The local stage packaged: the embedded stores' endpoints, and callback auth off. Shows the template of a stage
 * without auth: nothing about a password, not even the permission to read one.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type PackagedStage, packageStage } from './package-stage.ts';
import { effectiveTemplate, type Json, properties, roleStatements, type Template } from './template.ts';

let packaged: PackagedStage;
let template: Template;

beforeAll(async () => {
  packaged = await packageStage('local');
  template = effectiveTemplate(packaged.template);
}, 180_000);

describe('the local stage', () => {
  it('packages offline, pointing the recorder at the embedded stores, with callback auth off', () => {
    expect(packaged.awsRequests).toEqual([]);
    const variables = (
      properties(template, 'DisconnectLambdaFunction')['Environment'] as { Variables: Record<string, Json> }
    ).Variables;
    expect(variables).toMatchObject({
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:4567',
      S3_ENDPOINT: 'http://127.0.0.1:4569',
      PARKED_CALLBACKS_BUCKET: 'parked-callbacks',
    });
    // Auth off is all off (callbackAuth off): no username, and no password source, which alone would refuse to start.
    expect(variables).not.toHaveProperty('BANDWIDTH_CALLBACK_USERNAME');
    expect(variables).not.toHaveProperty('BANDWIDTH_CALLBACK_PASSWORD_PARAMETER');
    expect(variables).not.toHaveProperty('BANDWIDTH_CALLBACK_PASSWORD_SECRET');
  });

  it('without auth, gives the recorder no access to any parameter and the stack no auth outputs', () => {
    const actions = roleStatements(template, 'DisconnectRole').flatMap((statement) => statement.Action);
    expect(actions).not.toContain('ssm:GetParameter');
    expect(actions).not.toContain('secretsmanager:GetSecretValue');
    expect(actions).not.toContain('kms:Decrypt');
    expect(Object.keys(template.Outputs ?? {})).not.toContain('CallbackUsername');
    expect(Object.keys(template.Outputs ?? {})).not.toContain('CallbackPasswordParameter');
  });
});
