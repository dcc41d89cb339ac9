/**
 * Bandwidth Voice Disconnect callback → one record in DynamoDB → 204.
 * The pipeline, top to bottom: request state (its answer budget) → log line → error answers → auth → body (JSON,
 * or the GET form's parameters) → size limit → decode (base64: UTF-8, or by the ISO-8859-1 rule) → keep what is
 * rejected (quarantine) → parse (middy's http-json-body-parser; plain JSON.parse for text that cannot hold a
 * forbidden key) → validate (the record tier refuses, the spec tier names deviations) → record → store (table, else
 * the fallback bucket) → 204. A callback whose password could not be read is kept unverified instead.
 */
import middy from '@middy/core';
import { answerCallLimits } from '../lambda/adapters/aws-clients.ts';
import { callbackCredentials, FORCED_READ_SPACING_MS } from '../lambda/adapters/callback-credentials.ts';
import { DisconnectsTable } from '../lambda/adapters/disconnects-table.ts';
import { ParkedCallbacks } from '../lambda/adapters/parked-callbacks.ts';
import { readConfig } from '../lambda/config.ts';
import { validateCallback } from '../lambda/domain/callback/validate.ts';
import { toDisconnectRecord } from '../lambda/domain/stored-record/disconnect-record.ts';
import { MAX_NESTING } from '../lambda/domain/stored-record/storable.ts';
import type { ApiGatewayEvent, ApiGatewayResult } from '../lambda/http/api-gateway.ts';
import { basicAuth } from '../lambda/http/basic-auth.ts';
import { bodyLimit } from '../lambda/http/body-limit.ts';
import { bodyText } from '../lambda/http/body-text.ts';
import { callbackLog, OUTCOME_HEADER, withRequestIds } from '../lambda/http/callback-log.ts';
import { callbackRequest, type RecorderContext } from '../lambda/http/callback-request.ts';
import { callbackRefusals, errorResponses } from '../lambda/http/error-responses.ts';
import { jsonBody } from '../lambda/http/json-body.ts';
import { keepRejected } from '../lambda/http/keep-rejected.ts';
import { queryForm } from '../lambda/http/query-form.ts';
import { unlessUnverified } from '../lambda/http/unverified.ts';
import { logger } from '../lambda/log/logger.ts';
import { type KeepOutcome, recordKeeper, unverifiedKeeper } from '../lambda/recording/keep-record.ts';

// Built once per container.
const config = readConfig();
const limits = answerCallLimits(config.answerBudgetMs);
const table = new DisconnectsTable({
  tableName: config.tableName,
  region: config.region,
  endpoint: config.dynamoEndpoint,
  limits: limits.table,
});
const parked =
  config.parkedBucket === undefined
    ? undefined
    : new ParkedCallbacks({
        bucket: config.parkedBucket,
        region: config.region,
        endpoint: config.s3Endpoint,
        limits: limits.fallback,
      });
const keepRecord = recordKeeper({ table, parked });
const keepUnverified = unverifiedKeeper(parked);
const answered = (outcome: KeepOutcome): ApiGatewayResult => ({
  statusCode: 204,
  headers: { [OUTCOME_HEADER]: outcome },
});

// Every line of an invocation carries its request ids. No middy early-timeout timer per request: the answer budget
// (lambda/adapters/deadline.ts) already bounds the answer.
const pipeline = middy<ApiGatewayEvent, ApiGatewayResult, Error, RecorderContext>({ timeoutEarlyInMillis: 0 })
  .use(callbackRequest(config.answerBudgetMs))
  .use(callbackLog())
  .use(errorResponses({ maxNesting: MAX_NESTING }))
  .use(
    config.auth === undefined
      ? []
      : basicAuth(
          callbackCredentials(config.auth, limits.credentials, { pauseAfterFailedReadMs: FORCED_READ_SPACING_MS }),
        ),
  )
  .use(queryForm())
  .use(bodyLimit(config.maxBodyBytes))
  .use(bodyText())
  .use(keepRejected(parked))
  .use(unlessUnverified(jsonBody()))
  .use(callbackRefusals())
  .handler(async (event, context) => {
    const { callbackRequest: state } = context;
    // The callback as sent (keepRejected captured it), so replay sees exactly what Bandwidth delivered.
    const { input } = state;
    if (input === undefined) throw new Error('keepRejected() must run before the handler');
    if (state.unverified !== undefined) {
      return answered(await keepUnverified(input, state.unverified, state.receivedAt, state.budget));
    }
    const { callback, specDeviations } = validateCallback(event.body, state.form);
    specDeviations.unshift(...state.bodyDeviations);
    // Stored all the same; the line is what an operator counts (the SpecDeviations metric filter).
    if (specDeviations.length > 0)
      logger.warn('disconnect callback off spec', { callId: callback.callId, specDeviations });
    const record = toDisconnectRecord(callback, state.receivedAt, config.retentionDays, specDeviations);
    return answered(await keepRecord(record, input, state.budget));
  });
export const handler = withRequestIds(pipeline);
