import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  clientSecretOfStage,
  LOCAL_BUCKET,
  LOCAL_TABLE,
  passwordParameterOfStage,
  passwordSecretOfStage,
  SERVICE,
  stackOfStage,
  tableOfStage,
} from '../../../tools/stage/stage-names.ts';

const config = parse(readFileSync('serverless.yml', 'utf8')) as {
  service: string;
  custom: { tableName: string };
  params: {
    default: {
      callbackPasswordParameter: string;
      callbackPasswordSecret: string;
      callbackPasswordStore: string;
      bandwidthClientSecretSecret: string;
    };
    local: { parkedBucket: string };
  };
};

/** serverless.yml's own variables for one stage, resolved as the framework resolves them. */
const resolved = (text: string, stage: string) =>
  text.replaceAll('${self:service}', config.service).replaceAll('${sls:stage}', stage);

describe("the commands' names for a stage", () => {
  it('are the names serverless.yml gives a deployed stage', () => {
    expect(SERVICE).toBe(config.service);
    expect(stackOfStage('prod')).toBe(`${config.service}-prod`);
    expect(tableOfStage('prod')).toBe(resolved(config.custom.tableName, 'prod'));
    expect(passwordParameterOfStage('prod')).toBe(resolved(config.params.default.callbackPasswordParameter, 'prod'));
    // The secret is where a new stage's password lives; `npm run deploy` creates it under this name.
    expect(config.params.default.callbackPasswordStore).toBe('secret');
    expect(passwordSecretOfStage('prod')).toBe(resolved(config.params.default.callbackPasswordSecret, 'prod'));
    // Reconciliation's client secret: `npm run deploy` creates it under this name.
    expect(clientSecretOfStage('prod')).toBe(resolved(config.params.default.bandwidthClientSecretSecret, 'prod'));
  });

  it('are the names serverless.yml gives the local stage', () => {
    expect(LOCAL_TABLE).toBe(resolved(config.custom.tableName, 'local'));
    expect(LOCAL_TABLE).toBe(tableOfStage('local'));
    expect(LOCAL_BUCKET).toBe(config.params.local.parkedBucket);
  });
});
