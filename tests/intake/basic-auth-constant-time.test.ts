/**
 * Timing cannot be measured reliably on a shared machine, so what makes the comparison constant-time is checked
 * instead: the real crypto.timingSafeEqual (wrapped in a spy, the only mock here) always compares two fixed-size
 * digests, for the user and for the password, whichever part is wrong and whatever its length.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import middy from '@middy/core';

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

const { basicAuth } = await import('../../lib/http/basic-auth.ts');
const { errorResponses } = await import('../../lib/http/error-responses.ts');
const { basicAuthorization, httpApiEvent } = await import('../support/recorder.ts');
const { send } = await import('./support/intake.ts');

const handler = middy()
  .use(errorResponses())
  .use(basicAuth({ credentials: () => ({ username: 'bandwidth', password: 'correct horse battery staple' }) }))
  .handler(async () => ({ statusCode: 204 }));

describe('Basic auth comparison (spy on the real timingSafeEqual)', () => {
  beforeEach(() => {
    compared.length = 0;
  });

  it.each([
    ['the right credentials', 'bandwidth', 'correct horse battery staple', 204],
    ['a wrong user of another length', 'b', 'correct horse battery staple', 401],
    ['a one-character password', 'bandwidth', 'c', 401],
    ['a password 10,000 characters long', 'bandwidth', 'c'.repeat(10_000), 401],
    ['a password that differs only in its last character', 'bandwidth', 'correct horse battery staplE', 401],
  ])('compares two 32-byte digests, user and password both, for %s', async (_, user, password, status) => {
    const answer = await send(handler, httpApiEvent({ headers: { authorization: basicAuthorization(user, password) } }));
    expect(answer.status).toBe(status);
    expect(compared).toEqual([
      { left: 32, right: 32 },
      { left: 32, right: 32 },
    ]);
  });

  it.each([
    ['the new password', 'new password', 204],
    ['the previous password, in its grace period', 'old password', 204],
    ['neither', 'wrong password', 401],
  ])('with two accepted pairs (a rotation), compares both pairs whichever matches: %s', async (_, password, status) => {
    const rotating = middy()
      .use(errorResponses())
      .use(
        basicAuth({
          credentials: () => [
            { username: 'bandwidth', password: 'new password' },
            { username: 'bandwidth', password: 'old password' },
          ],
        }),
      )
      .handler(async () => ({ statusCode: 204 }));
    const answer = await send(rotating, httpApiEvent({ headers: { authorization: basicAuthorization('bandwidth', password) } }));
    expect(answer.status).toBe(status);
    expect(compared).toHaveLength(4);
  });
});
