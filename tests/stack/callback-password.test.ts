/**
 * Where the deployed functions read the callback password, as packaged offline: a Secrets Manager secret by
 * default (docs/deploying.md, the store by the numbers; `npm run deploy` creates it), and the SSM parameter for a
 * stage deployed before the secret was the default (`npm run deploy` passes callbackPasswordStore=parameter for it).
 * Each with read access to exactly that one secret or parameter, and the output `npm run wire` and `replay` read.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { STAGE_OUTPUTS } from '../../tools/stage/resolve-stage.ts';
import { passwordParameterOfStage, passwordSecretOfStage } from '../../tools/stage/stage-names.ts';
import { packageStage } from './package-stage.ts';
import { effectiveTemplate, type Json, properties, roleStatements, type Template } from './template.ts';

const FUNCTIONS = { DisconnectLambdaFunction: 'DisconnectRole', ReplayLambdaFunction: 'ReplayRole' } as const;
let bySecret: Template;
let byParameter: Template;

beforeAll(async () => {
  const [secretStage, parameterStage] = await Promise.all([
    packageStage('prod'),
    packageStage('prod', { callbackPasswordStore: 'parameter' }),
  ]);
  bySecret = effectiveTemplate(secretStage.template);
  byParameter = effectiveTemplate(parameterStage.template);
}, 240_000);

const environment = (template: Template, functionId: string): Record<string, Json> =>
  (properties(template, functionId)['Environment'] as { Variables: Record<string, Json> }).Variables;
const passwordStatement = (template: Template, role: string) =>
  roleStatements(template, role).filter((statement) => statement.Sid === 'ReadCallbackPassword');

describe('the callback password of a new stage', () => {
  it("is read by both functions from the stage's Secrets Manager secret, the one npm run deploy creates", () => {
    for (const functionId of Object.keys(FUNCTIONS)) {
      expect(environment(bySecret, functionId)).toMatchObject({
        BANDWIDTH_CALLBACK_USERNAME: 'bandwidth',
        BANDWIDTH_CALLBACK_PASSWORD_SECRET: passwordSecretOfStage('prod'),
      });
      expect(environment(bySecret, functionId)).not.toHaveProperty('BANDWIDTH_CALLBACK_PASSWORD_PARAMETER');
    }
  });

  it('may be read from that one secret only, and nothing from SSM', () => {
    for (const role of Object.values(FUNCTIONS)) {
      expect(passwordStatement(bySecret, role)).toEqual([
        {
          Sid: 'ReadCallbackPassword',
          Effect: 'Allow',
          Action: ['secretsmanager:GetSecretValue'],
          Resource: [
            `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${passwordSecretOfStage('prod')}-??????`,
          ],
        },
      ]);
      expect(roleStatements(bySecret, role).flatMap((statement) => statement.Action)).not.toContain('ssm:GetParameter');
    }
  });

  it('is named in the stack outputs wire and replay --stage read, and no parameter is', () => {
    expect(bySecret.Outputs?.[STAGE_OUTPUTS.callbackPasswordSecret]?.Value).toBe(passwordSecretOfStage('prod'));
    expect(bySecret.Outputs).not.toHaveProperty(STAGE_OUTPUTS.callbackPasswordParameter);
  });
});

describe('the callback password of a stage deployed before the secret', () => {
  it('stays in its SSM parameter: both functions read it there, allowed that one parameter only', () => {
    for (const [functionId, role] of Object.entries(FUNCTIONS)) {
      expect(environment(byParameter, functionId)).toMatchObject({
        BANDWIDTH_CALLBACK_USERNAME: 'bandwidth',
        BANDWIDTH_CALLBACK_PASSWORD_PARAMETER: passwordParameterOfStage('prod'),
      });
      expect(environment(byParameter, functionId)).not.toHaveProperty('BANDWIDTH_CALLBACK_PASSWORD_SECRET');
      expect(passwordStatement(byParameter, role)).toEqual([
        {
          Sid: 'ReadCallbackPassword',
          Effect: 'Allow',
          Action: ['ssm:GetParameter'],
          Resource: [
            `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${passwordParameterOfStage('prod')}`,
          ],
        },
      ]);
    }
    expect(byParameter.Outputs?.[STAGE_OUTPUTS.callbackPasswordParameter]?.Value).toBe(
      passwordParameterOfStage('prod'),
    );
    expect(byParameter.Outputs).not.toHaveProperty(STAGE_OUTPUTS.callbackPasswordSecret);
  });
});
