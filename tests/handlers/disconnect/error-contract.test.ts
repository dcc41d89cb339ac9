/**
 * The error contract — every 4xx/5xx is `application/json` `{"error", "details"}`, no stack, no secret — and the
 * pinned behaviour of the middy body parser it builds on (see docs/http-answers.md).
 */

import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import { describe, expect, it } from 'vitest';
import type { ApiGatewayEvent, ApiGatewayResult } from '../../../lambda/http/api-gateway.ts';
import { errorResponses } from '../../../lambda/http/error-responses.ts';
import { RequestRejected } from '../../../lambda/http/request-rejected.ts';
import { disconnectCallback, errorBody, send } from '../../support/callbacks.ts';
import { freshStores, httpApiEvent, loadHandler } from '../../support/recorder.ts';

/** middy's parser as its defaults have it (content-type check on), behind our error answers. */
const defaultParser = middy<ApiGatewayEvent, ApiGatewayResult>()
  .use(errorResponses())
  .use(httpJsonBodyParser())
  .handler(async () => ({ statusCode: 204 }));

describe('@middy/http-json-body-parser: the answers docs/http-answers.md relies on', () => {
  it('answers malformed JSON with 422 (versions up to 7.1.0 answered 415)', async () => {
    const answer = await send(
      defaultParser,
      httpApiEvent({ body: '{"callId":', headers: { 'content-type': 'application/json' } }),
    );
    expect(answer.status).toBe(422);
    expect(errorBody(answer)).toEqual({
      error: 'Invalid or malformed JSON was provided',
      details: ['the body is not valid JSON'],
    });
  });

  it('answers a non-JSON Content-Type with 415 when its content-type check is on', async () => {
    const answer = await send(defaultParser, httpApiEvent({ body: '{}', headers: { 'content-type': 'text/plain' } }));
    expect(answer.status).toBe(415);
    expect(errorBody(answer)).toEqual({
      error: 'Unsupported Media Type',
      details: ['the Content-Type "text/plain" is not JSON'],
    });
  });

  it('refuses a __proto__ key with 422 (since 7.1.1)', async () => {
    const answer = await send(defaultParser, httpApiEvent({ body: '{"__proto__":{"x":1}}' }));
    expect(answer.status).toBe(422);
    expect(errorBody(answer)).toEqual({
      error: 'Forbidden key in JSON body',
      details: ['the field name "__proto__" is not allowed'],
    });
  });
});

describe("the recorder's answers to unreadable bodies", () => {
  it('never answers 415: it reads the body as JSON whatever the Content-Type, so malformed JSON is a 422', async () => {
    const handler = await loadHandler(await freshStores());
    for (const contentType of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/json; charset=utf-8',
      '',
    ]) {
      const answer = await send(
        handler,
        httpApiEvent({ body: '{"callId":', headers: { 'content-type': contentType } }),
      );
      expect(answer.status, contentType).toBe(422);
      expect(errorBody(answer).details).toEqual(['the body is not valid JSON']);
    }
  });

  it('does not echo the body back when it is not JSON', async () => {
    const handler = await loadHandler(await freshStores());
    const answer = await send(handler, httpApiEvent({ body: 'password=hunter2&from=+15551112222' }));
    expect(answer.status).toBe(422);
    expect(answer.body).not.toContain('hunter2');
    expect(answer.body).not.toContain('15551112222');
  });
});

describe('error answers', () => {
  const pipeline = (failure: unknown) =>
    middy<ApiGatewayEvent, ApiGatewayResult>()
      .use(errorResponses())
      .handler(async () => {
        throw failure;
      });

  it('answers an unexpected error 500 with a fixed JSON body: no message, no stack', async () => {
    const answer = await send(
      pipeline(new Error('connect ECONNREFUSED 10.0.0.7:443 password=hunter2')),
      httpApiEvent(),
    );
    expect(answer.status).toBe(500);
    expect(errorBody(answer)).toEqual({ error: 'internal error', details: [] });
    expect(answer.body).not.toContain('hunter2');
    expect(answer.body).not.toContain('ECONNREFUSED');
  });

  it('answers something thrown that is not an Error the same way', async () => {
    const answer = await send(pipeline('a string'), httpApiEvent());
    expect(answer.status).toBe(500);
    expect(errorBody(answer)).toEqual({ error: 'internal error', details: [] });
  });

  it("passes a rejection's status, words and headers through", async () => {
    const answer = await send(
      pipeline(new RequestRejected(409, 'in words', ['a detail'], { 'Retry-After': '1' })),
      httpApiEvent(),
    );
    expect(answer.status).toBe(409);
    expect(answer.headers['retry-after']).toBe('1');
    expect(errorBody(answer)).toEqual({ error: 'in words', details: ['a detail'] });
  });

  it("answers a store that cannot keep the record with a JSON 5xx, without the store's own error text", async () => {
    const stores = await freshStores();
    const handler = await loadHandler(
      { ...stores, tableName: 'no-such-table' },
      { PARKED_CALLBACKS_BUCKET: undefined },
    );
    const answer = await send(handler, httpApiEvent({ body: JSON.stringify(disconnectCallback()) }));
    expect(answer.status).toBeGreaterThanOrEqual(500);
    const body = errorBody(answer);
    expect(body.error).toBe('the record could not be stored');
    expect(answer.body).not.toMatch(/ResourceNotFound|no-such-table|Requested resource/);
  });
});
