/**
 * The stack outputs the operator commands resolve a deployed stage from (tools/stage/resolve-stage.ts): packaged
 * as `serverless deploy` would submit them, each naming the resource it stands for.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { STAGE_OUTPUTS } from '../../tools/stage/resolve-stage.ts';
import { type PackagedStage, packageStage } from './package-stage.ts';
import { effectiveTemplate, type Template } from './template.ts';

let packaged: PackagedStage;
let template: Template;

beforeAll(async () => {
  packaged = await packageStage('prod', { retentionDays: '400' });
  template = effectiveTemplate(packaged.template);
}, 180_000);

describe('the stack outputs the commands read', () => {
  it('name the table, the fallback bucket, the region and the retention the function runs with', () => {
    const outputs = template.Outputs ?? {};
    // A stage publishes one of the password's two stores (tests/stack/callback-password.test.ts has both).
    const published = Object.values(STAGE_OUTPUTS).filter((key) => key !== STAGE_OUTPUTS.callbackPasswordParameter);
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(published));
    expect(outputs[STAGE_OUTPUTS.table]?.Value).toEqual({ Ref: 'DisconnectsTable' });
    expect(outputs[STAGE_OUTPUTS.bucket]?.Value).toEqual({ Ref: 'ParkedCallbacksBucket' });
    expect(outputs[STAGE_OUTPUTS.region]?.Value).toEqual({ Ref: 'AWS::Region' });
    expect(outputs[STAGE_OUTPUTS.retentionDays]?.Value).toBe('400');
  });

  // Published only when the stage has one (an empty output would fail the deploy): tests/stack/cfn-lint.test.ts.
});
