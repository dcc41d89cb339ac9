/**
 * The Basic-auth step on its own, behind the error answers in a minimal middy pipeline: the challenge flow Bandwidth
 * relies on, every way credentials can be wrong, and passwords with colons and non-ASCII characters.
 */

import middy from '@middy/core';
import { describe, expect, it } from 'vitest';
import type { BasicCredentials } from '../../../lambda/adapters/callback-credentials.ts';
import { AnswerBudget } from '../../../lambda/adapters/deadline.ts';
import type { ApiGatewayEvent, ApiGatewayResult } from '../../../lambda/http/api-gateway.ts';
import { basicAuth, parseBasicAuthorization } from '../../../lambda/http/basic-auth.ts';
import { errorResponses } from '../../../lambda/http/error-responses.ts';
import { errorBody, send } from '../../support/callbacks.ts';
import { basicAuthorization, httpApiEvent, restApiEvent } from '../../support/recorder.ts';

const USER = 'bandwidth';
const PASSWORD = 'p:ss wörd:ünïcødé 🔒';

function guarded(credentials: () => BasicCredentials | Promise<BasicCredentials>, realm?: string) {
  let handled = 0;
  const authenticate = basicAuth({ credentials, ...(realm === undefined ? {} : { realm }) });
  const handler = middy<ApiGatewayEvent, ApiGatewayResult>()
    .use(errorResponses())
    .handler(async (event) => {
      const auth = await authenticate(event, new AnswerBudget(5_000, Date.now()));
      if (!auth.verified) throw new Error('the credentials were always readable');
      handled += 1;
      return { statusCode: 204 };
    });
  return { handler, handled: () => handled };
}

const expected = { username: USER, password: PASSWORD };

describe('Basic auth challenge flow', () => {
  it('answers a request without credentials 401 with a Basic challenge, so Bandwidth resends with them', async () => {
    const { handler, handled } = guarded(() => expected);
    const answer = await send(handler, httpApiEvent({ body: '{}' }));
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toMatch(/^Basic realm="[^"]+"/);
    expect(errorBody(answer)).toEqual({ error: 'authentication required', details: ['send HTTP Basic credentials'] });
    expect(handled()).toBe(0);
  });

  it('lets the resent request with the right credentials through', async () => {
    const { handler, handled } = guarded(() => expected);
    const answer = await send(
      handler,
      httpApiEvent({ body: '{}', headers: { authorization: basicAuthorization(USER, PASSWORD) } }),
    );
    expect(answer.status).toBe(204);
    expect(handled()).toBe(1);
  });

  it('names the configured realm in the challenge', async () => {
    const { handler } = guarded(() => expected, 'disconnects');
    const answer = await send(handler, httpApiEvent({ body: '{}' }));
    expect(answer.headers['www-authenticate']).toBe('Basic realm="disconnects", charset="UTF-8"');
  });

  it.each([
    ['Authorization', "REST API 1.0 keeps the sender's case"],
    ['AUTHORIZATION', 'upper case'],
    ['authorization', 'HTTP API 2.0 lower-cases'],
  ])('finds the credentials under the header name %s (%s)', async (name) => {
    const { handler } = guarded(() => expected);
    const answer = await send(
      handler,
      restApiEvent({ body: '{}', headers: { [name]: basicAuthorization(USER, PASSWORD) } }),
    );
    expect(answer.status).toBe(204);
  });

  it('accepts the scheme name in any case and extra spaces before the credentials', async () => {
    const { handler } = guarded(() => expected);
    const token = basicAuthorization(USER, PASSWORD).slice('Basic '.length);
    for (const value of [`basic ${token}`, `BASIC ${token}`, `Basic   ${token}`]) {
      const answer = await send(handler, httpApiEvent({ body: '{}', headers: { authorization: value } }));
      expect(answer.status, value).toBe(204);
    }
  });

  it('accepts credentials a client encoded as ISO-8859-1 rather than UTF-8', async () => {
    const { handler } = guarded(() => ({ username: USER, password: 'pässwörd' }));
    const latin1 = `Basic ${Buffer.from(`${USER}:pässwörd`, 'latin1').toString('base64')}`;
    const answer = await send(handler, httpApiEvent({ body: '{}', headers: { authorization: latin1 } }));
    expect(answer.status).toBe(204);
  });

  it.each([
    ['a wrong user', basicAuthorization('intruder', PASSWORD)],
    ['a wrong password', basicAuthorization(USER, 'guess')],
    ['the password without its last character', basicAuthorization(USER, PASSWORD.slice(0, -2))],
    ['the password with one character more', basicAuthorization(USER, `${PASSWORD}!`)],
    ['user and password swapped', basicAuthorization(PASSWORD.replaceAll(':', ''), USER)],
    ['an empty password', basicAuthorization(USER, '')],
    ['the password in the user part', basicAuthorization(`${USER}:${PASSWORD}`, '')],
  ])('answers %s with 401 and the challenge', async (_, authorization) => {
    const { handler, handled } = guarded(() => expected);
    const answer = await send(handler, httpApiEvent({ body: '{}', headers: { authorization } }));
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toMatch(/^Basic realm=/);
    expect(errorBody(answer)).toEqual({ error: 'invalid credentials', details: [] });
    expect(handled()).toBe(0);
  });

  it.each([
    ['another scheme', `Bearer ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`],
    ['Basic without credentials', 'Basic'],
    ['credentials that are not base64', 'Basic !!!not-base64!!!'],
    ['base64 with a broken length', 'Basic dXNlcjpw'.slice(0, -1)],
    ['credentials without a colon', `Basic ${Buffer.from('bandwidth').toString('base64')}`],
    ['an empty header', ''],
  ])('answers %s with 401 and the challenge', async (_, authorization) => {
    const { handler, handled } = guarded(() => expected);
    const answer = await send(handler, httpApiEvent({ body: '{}', headers: { authorization } }));
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toMatch(/^Basic realm=/);
    expect(errorBody(answer)).toEqual({ error: 'authentication required', details: ['send HTTP Basic credentials'] });
    expect(handled()).toBe(0);
  });

  it('never echoes the expected or the given password in its answer', async () => {
    const { handler } = guarded(() => expected);
    const answer = await send(
      handler,
      httpApiEvent({ body: '{}', headers: { authorization: basicAuthorization(USER, 'my-guess-123') } }),
    );
    expect(JSON.stringify(answer)).not.toContain('my-guess-123');
    expect(JSON.stringify(answer)).not.toContain(PASSWORD);
  });

  it('follows a password that changes in the secret store (new credentials object) without a restart', async () => {
    let current: BasicCredentials = { username: USER, password: 'first' };
    const { handler } = guarded(() => current);
    const before = await send(handler, httpApiEvent({ headers: { authorization: basicAuthorization(USER, 'first') } }));
    current = { username: USER, password: 'second' };
    const old = await send(handler, httpApiEvent({ headers: { authorization: basicAuthorization(USER, 'first') } }));
    const rotated = await send(
      handler,
      httpApiEvent({ headers: { authorization: basicAuthorization(USER, 'second') } }),
    );
    expect([before.status, old.status, rotated.status]).toEqual([204, 401, 204]);
  });
});

describe('parseBasicAuthorization', () => {
  it('splits at the first colon: the user id cannot hold one, the password may', () => {
    expect(parseBasicAuthorization(basicAuthorization('user', 'a:b:c'))).toEqual({
      username: 'user',
      password: 'a:b:c',
    });
  });

  it('decodes UTF-8 credentials, including characters outside the BMP', () => {
    expect(parseBasicAuthorization(basicAuthorization('ünï', 'пароль🔒'))).toEqual({
      username: 'ünï',
      password: 'пароль🔒',
    });
  });

  it('gives nothing for a missing header', () => {
    expect(parseBasicAuthorization(undefined)).toBeUndefined();
  });
});
