/**
 * The intake's body step on its own: the text every later step reads and the quarantine keeps, bounded before
 * anything parses it. The handler's own tests (tests/handlers/disconnect) hold the same through the real pipeline.
 */
import { describe, expect, it } from 'vitest';
import { NOT_UTF8, readCallbackBody } from '../../../lambda/http/callback-body.ts';
import { RequestRejected } from '../../../lambda/http/request-rejected.ts';
import { httpApiEvent, restApiEvent } from '../../support/recorder.ts';

const rejection = (run: () => unknown): RequestRejected => {
  try {
    run();
  } catch (error) {
    if (error instanceof RequestRejected) return error;
    throw error;
  }
  throw new Error('not rejected');
};

describe('the callback body', () => {
  it('is the POSTed text as sent, with no deviation', () => {
    const body = '{"callId":"c-1","tag":"café"}';
    expect(readCallbackBody(httpApiEvent({ body }), 'json', 1_000)).toEqual({
      sent: { form: 'json', body },
      bodyDeviations: [],
    });
  });

  it("is the GET form's parameters as one JSON text, whatever body came along", () => {
    const event = httpApiEvent({ method: 'GET', query: { callId: 'c-2', cause: 'busy' }, body: '{"callId":"x"}' });
    expect(readCallbackBody(event, 'query', 1_000).sent).toEqual({
      form: 'query',
      body: '{"callId":"c-2","cause":"busy"}',
    });
  });

  it('decodes a base64 body as UTF-8, and bytes that are not UTF-8 one character per byte, naming the deviation', () => {
    const utf8 = readCallbackBody(httpApiEvent({ body: '{"tag":"café"}', base64: true }), 'json', 1_000);
    expect(utf8).toEqual({ sent: { form: 'json', body: '{"tag":"café"}' }, bodyDeviations: [] });
    const latin1Bytes = Buffer.from('{"tag":"café"}', 'latin1').toString('base64');
    const latin1 = readCallbackBody({ ...restApiEvent(), body: latin1Bytes, isBase64Encoded: true }, 'json', 1_000);
    expect(latin1).toEqual({ sent: { form: 'json', body: '{"tag":"café"}' }, bodyDeviations: [NOT_UTF8] });
    expect(Buffer.from(latin1.sent.body, 'latin1').toString('base64')).toBe(latin1Bytes);
  });

  it('is empty text for a request without a body', () => {
    expect(readCallbackBody(restApiEvent(), 'json', 1_000).sent.body).toBe('');
  });

  it('refuses more than the limit with 413, counting decoded bytes: "€" is three', () => {
    const body = `"${'€'.repeat(10)}"`;
    expect(readCallbackBody(httpApiEvent({ body }), 'json', 32).sent.body).toBe(body);
    const refused = rejection(() => readCallbackBody(httpApiEvent({ body }), 'json', 31));
    expect([refused.statusCode, refused.message, refused.details]).toEqual([
      413,
      'body too large',
      ['the body is 32 bytes; the limit is 31'],
    ]);
  });

  it('counts a base64 body by its decoded size, not its base64 text', () => {
    const body = 'x'.repeat(30);
    const event = httpApiEvent({ body, base64: true });
    expect(event.body?.length).toBe(40);
    expect(readCallbackBody(event, 'json', 30).sent.body).toBe(body);
    expect(rejection(() => readCallbackBody(event, 'json', 29)).statusCode).toBe(413);
  });
});
