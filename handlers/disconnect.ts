/**
 * Bandwidth Voice Disconnect callback → one record in DynamoDB → 204.
 * The pipeline, top to bottom: auth → body (JSON, or the GET form's parameters) → size limit → decode (base64, UTF-8
 * or by the ISO-8859-1 rule) → parse (middy's http-json-body-parser; plain JSON.parse for text that cannot hold a
 * forbidden key) → validate (record tier refuses, spec tier names deviations) → record → store → 204.
 */
import middy from '@middy/core';
import { readConfig } from '../lambda/config.ts';
import { type ApiGatewayEvent, type ApiGatewayResult, httpMethod } from '../lambda/http/api-gateway.ts';
import { callbackLog, OUTCOME_HEADER } from '../lambda/http/callback-log.ts';
import { callbackRefusals, errorResponses } from '../lambda/http/error-responses.ts';
import { basicAuth } from '../lambda/http/basic-auth.ts';
import { callbackCredentials } from '../lambda/adapters/callback-credentials.ts';
import { bodyLimit } from '../lambda/http/body-limit.ts';
import { bodyDeviations, bodyText } from '../lambda/http/body-text.ts';
import { queryForm } from '../lambda/http/query-form.ts';
import { keepRejected, sentInput } from '../lambda/http/keep-rejected.ts';
import { jsonBody } from '../lambda/http/json-body.ts';
import { receivedAt } from '../lambda/http/received-at.ts';
import { validateCallback } from '../lambda/domain/callback/validate.ts';
import { toDisconnectRecord } from '../lambda/domain/stored-record/disconnect-record.ts';
import { MAX_NESTING } from '../lambda/domain/stored-record/storable.ts';
import { logger } from '../lambda/log/logger.ts';
import { DisconnectsTable } from '../lambda/adapters/disconnects-table.ts';
import { ParkedCallbacks } from '../lambda/adapters/parked-callbacks.ts';
import { recordKeeper } from '../lambda/recording/keep-record.ts';

// Built once per container.
const config = readConfig();
const table = new DisconnectsTable({
  tableName: config.tableName,
  region: config.region,
  endpoint: config.dynamoEndpoint,
  requestTimeoutMs: config.answerBudgetMs / 5,
});
const parked =
  config.parkedBucket === undefined
    ? undefined
    : new ParkedCallbacks({
        bucket: config.parkedBucket,
        region: config.region,
        endpoint: config.s3Endpoint,
        requestTimeoutMs: config.answerBudgetMs / 5,
      });
const keepRecord = recordKeeper({ table, parked, budgetMs: config.answerBudgetMs });

// No middy early-timeout timer per request: the answer budget (keep-record.ts) already bounds the answer.
export const handler = middy<ApiGatewayEvent, ApiGatewayResult>({ timeoutEarlyInMillis: 0 })
  .use(callbackLog())
  .use(errorResponses({ maxNesting: MAX_NESTING }))
  .use(config.auth === undefined ? [] : basicAuth(callbackCredentials(config.auth)))
  .use(queryForm())
  .use(bodyLimit(config.maxBodyBytes))
  .use(bodyText())
  .use(keepRejected(parked, config.answerBudgetMs))
  .use(jsonBody())
  .use(callbackRefusals())
  .handler(async (event) => {
    const form = httpMethod(event) === 'GET' ? 'query' : 'json';
    const { callback, specDeviations } = validateCallback(event.body, form);
    specDeviations.unshift(...bodyDeviations(event));
    // Stored all the same; the line is what an operator counts (the SpecDeviations metric filter).
    if (specDeviations.length > 0) logger.warn('disconnect callback off spec', { callId: callback.callId, specDeviations });
    const record = toDisconnectRecord(callback, receivedAt(event), config.retentionDays, specDeviations);
    // Parked as sent, so replay sees exactly what Bandwidth delivered.
    const outcome = await keepRecord(record, sentInput(event) ?? { form, body: JSON.stringify(callback) });
    return { statusCode: 204, headers: { [OUTCOME_HEADER]: outcome } };
  });
