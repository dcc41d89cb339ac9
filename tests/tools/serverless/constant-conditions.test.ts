/**
 * The constant-conditions plugin's rules on templates the project's own packaging never produces: a condition that
 * reads a deploy-time value stays a condition, with everything that depends on it.
 */
import { describe, expect, it } from 'vitest';
import {
  applyConstantConditions,
  constantConditions,
  type JsonObject,
  resolveEnvironment,
} from '../../../tools/serverless/constant-conditions.ts';

const conditions = {
  HasKey: { 'Fn::Not': [{ 'Fn::Equals': ['arn:aws:kms:us-east-1:111122223333:key/k', ''] }] },
  NoKey: { 'Fn::Not': [{ Condition: 'HasKey' }] },
  InChina: { 'Fn::Equals': [{ Ref: 'AWS::Partition' }, 'aws-cn'] },
  ChinaWithKey: { 'Fn::And': [{ Condition: 'InChina' }, { Condition: 'HasKey' }] },
};

describe('conditions packaging made constant', () => {
  it('are evaluated through Not, And and named conditions; one that reads a Ref is not', () => {
    expect(Object.fromEntries(constantConditions(conditions))).toEqual({ HasKey: true, NoKey: false });
  });

  it('leave a variable the branch taken, and no variable at all where the branch is AWS::NoValue', () => {
    const environment = {
      KEY: { 'Fn::If': ['HasKey', 'k', { Ref: 'AWS::NoValue' }] },
      NO_KEY: { 'Fn::If': ['NoKey', 'x', { Ref: 'AWS::NoValue' }] },
      PARTITION: { 'Fn::If': ['InChina', 'cn', 'global'] },
      PLAIN: 'as is',
    };
    expect(resolveEnvironment(environment, conditions)).toEqual({
      KEY: 'k',
      PARTITION: { 'Fn::If': ['InChina', 'cn', 'global'] },
      PLAIN: 'as is',
    });
  });

  it('drop what cannot apply, and keep a deploy-time condition with the constant one it still names', () => {
    const template: JsonObject = {
      Conditions: conditions,
      Resources: {
        Key: { Type: 'AWS::KMS::Alias', Condition: 'HasKey', Properties: { AliasName: 'alias/k' } },
        Unused: { Type: 'AWS::SNS::Topic', Condition: 'NoKey' },
        ChinaOnly: { Type: 'AWS::SNS::Topic', Condition: 'InChina' },
        Policy: {
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: {
            Statements: [
              { 'Fn::If': ['NoKey', { Sid: 'gone' }, { Ref: 'AWS::NoValue' }] },
              { 'Fn::If': ['HasKey', { Sid: 'kept' }, { Ref: 'AWS::NoValue' }] },
            ],
          },
        },
      },
      Outputs: { Gone: { Condition: 'NoKey', Value: 'x' }, Kept: { Condition: 'HasKey', Value: 'y' } },
    };
    expect(applyConstantConditions(template)).toEqual({
      Conditions: { HasKey: conditions.HasKey, InChina: conditions.InChina, ChinaWithKey: conditions.ChinaWithKey },
      Resources: {
        Key: { Type: 'AWS::KMS::Alias', Properties: { AliasName: 'alias/k' } },
        ChinaOnly: { Type: 'AWS::SNS::Topic', Condition: 'InChina' },
        Policy: { Type: 'AWS::IAM::ManagedPolicy', Properties: { Statements: [{ Sid: 'kept' }] } },
      },
      Outputs: { Kept: { Value: 'y' } },
    });
  });
});
