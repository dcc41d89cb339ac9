/**
 * How the Serverless Framework names a stage's AWS resources (serverless.yml: `service`, `custom.tableName`,
 * `params.default.callbackPasswordParameter`). One place, for the commands that reach a deployed stage;
 * tests/stage-names.test.ts holds these against serverless.yml.
 */
export const SERVICE = 'bandwidth-disconnect-recorder';

export const stackOfStage = (stage: string): string => `${SERVICE}-${stage}`;
export const tableOfStage = (stage: string): string => `${SERVICE}-${stage}-disconnects`;
export const passwordParameterOfStage = (stage: string): string => `/${SERVICE}/${stage}/callback-password`;
