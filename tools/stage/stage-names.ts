/**
 * How the Serverless Framework names a stage's AWS resources (serverless.yml: `service`, `custom.tableName`,
 * `params.default.callbackPasswordSecret` and `callbackPasswordParameter`, `params.local.parkedBucket`). One place,
 * for what must be named before a stack exists (deploy's password secret or parameter) and for the local stage;
 * tests/tools/stage/stage-names.test.ts holds these against serverless.yml. A deployed stage's names come from its stack's outputs (resolve-stage.ts).
 */
export const SERVICE = 'bandwidth-disconnect-recorder';

export const stackOfStage = (stage: string): string => `${SERVICE}-${stage}`;
export const tableOfStage = (stage: string): string => `${SERVICE}-${stage}-disconnects`;
export const passwordSecretOfStage = (stage: string): string => `${SERVICE}/${stage}/callback-password`;
export const passwordParameterOfStage = (stage: string): string => `/${SERVICE}/${stage}/callback-password`;

/** The local stage (embedded stores): its table and fallback bucket. */
export const LOCAL_TABLE = tableOfStage('local');
export const LOCAL_BUCKET = 'parked-callbacks';
