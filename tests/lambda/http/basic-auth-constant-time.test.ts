/**
 * Timing cannot be measured reliably on a shared machine, so what makes the comparison constant-time is checked
 * instead: the real crypto.timingSafeEqual (wrapped in a spy, the only mock here) only ever compares fixed-size
 * digests: the whole header against each accepted pair's, and, when that misses, the user and the password against
 * each pair's — whichever part is wrong and whatever its length.
 */

import middy from '@middy/core';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiGatewayEvent, ApiGatewayResult } from '../../../lambda/http/api-gateway.ts';

const compared = vi.hoisted(() => [] as { left: number; right: number }[]);

vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>();
  return {
    ...crypto,
    timingSafeEqual: (left: NodeJS.ArrayBufferView, right: NodeJS.ArrayBufferView) => {
      compared.push({ left: left.byteLength, right: right.byteLength });
      return crypto.timingSafeEqual(left, right);
    },
  };
});

const { basicAuth } = await import('../../../lambda/http/basic-auth.ts');
const { AnswerBudget } = await import('../../../lambda/adapters/deadline.ts');
const { errorResponses } = await import('../../../lambda/http/error-responses.ts');
const { basicAuthorization, httpApiEvent } = await import('../../support/recorder.ts');
const { send } = await import('../../support/callbacks.ts');

/** The step behind the error answers, as the handler has it. */
const guarded = (authenticate: ReturnType<typeof basicAuth>) =>
  middy<ApiGatewayEvent, ApiGatewayResult>()
    .use(errorResponses())
    .handler(async (event) => {
      await authenticate(event, new AnswerBudget(5_000, Date.now()));
      return { statusCode: 204 };
    });

const handler = guarded(
  basicAuth({ credentials: () => ({ username: 'bandwidth', password: 'correct horse battery staple' }) }),
);

describe('Basic auth comparison (spy on the real timingSafeEqual)', () => {
  beforeEach(() => {
    compared.length = 0;
  });

  it('accepts the header as Bandwidth sends it with one comparison of 32-byte digests', async () => {
    const answer = await send(
      handler,
      httpApiEvent({ headers: { authorization: basicAuthorization('bandwidth', 'correct horse battery staple') } }),
    );
    expect(answer.status).toBe(204);
    expect(compared).toEqual([{ left: 32, right: 32 }]);
  });

  it('accepts another spelling of the right header (scheme case, spaces) by comparing both parts', async () => {
    const encoded = Buffer.from('bandwidth:correct horse battery staple').toString('base64');
    const answer = await send(handler, httpApiEvent({ headers: { authorization: `BASIC   ${encoded}` } }));
    expect(answer.status).toBe(204);
    expect(compared).toEqual([
      { left: 32, right: 32 },
      { left: 32, right: 32 },
      { left: 32, right: 32 },
    ]);
  });

  it.each([
    ['a one-character password', 'bandwidth', 'c', 401],
    ['a password 10,000 characters long', 'bandwidth', 'c'.repeat(10_000), 401],
    ['a password that differs only in its last character', 'bandwidth', 'correct horse battery staplE', 401],
  ])(
    'compares 32-byte digests, the header and then user and password both, for %s',
    async (_, user, password, status) => {
      const answer = await send(
        handler,
        httpApiEvent({ headers: { authorization: basicAuthorization(user, password) } }),
      );
      expect(answer.status).toBe(status);
      expect(compared).toEqual([
        { left: 32, right: 32 },
        { left: 32, right: 32 },
        { left: 32, right: 32 },
      ]);
    },
  );

  it.each([
    ['the new password', 'new password', 204, 2],
    ['the previous password, in its grace period', 'old password', 204, 2],
    ['neither', 'wrong password', 401, 6],
  ])(
    'with two accepted pairs (a rotation), compares both pairs whichever matches: %s',
    async (_, password, status, comparisons) => {
      const rotating = guarded(
        basicAuth({
          credentials: () => [
            { username: 'bandwidth', password: 'new password' },
            { username: 'bandwidth', password: 'old password' },
          ],
        }),
      );
      const answer = await send(
        rotating,
        httpApiEvent({ headers: { authorization: basicAuthorization('bandwidth', password) } }),
      );
      expect(answer.status).toBe(status);
      expect(compared).toHaveLength(comparisons);
      expect(compared.every(({ left, right }) => left === 32 && right === 32)).toBe(true);
    },
  );
});
