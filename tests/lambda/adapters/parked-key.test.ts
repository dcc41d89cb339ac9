import { describe, expect, it } from 'vitest';
import {
  envelopeOf,
  type ParkedCallback,
  parkedKey,
  parseParkedCallback,
} from '../../../lambda/adapters/parked-callbacks.ts';

const parked = (callId: string): ParkedCallback => ({
  version: 1,
  kind: 'parked',
  reason: 'table unavailable',
  details: [],
  receivedAt: '2026-11-20T10:00:00.000Z',
  callId,
  input: { form: 'json', body: '{}' },
});

describe('parked object keys', () => {
  it('sort by day and time, and show the call', () => {
    expect(parkedKey(parked('c-1'))).toMatch(/^parked\/2026-11-20\/2026-11-20T10:00:00\.000Z_c-1_[0-9a-f-]{36}\.json$/);
  });

  it('are safe for any callId: 255 bytes per segment at most, only key-safe characters, the callId kept exactly in the envelope', () => {
    for (const callId of [
      `c-${'é'.repeat(1_020)}`,
      `c-${'x'.repeat(2_040)}`,
      `c-/${'%'.repeat(900)}`,
      '%'.repeat(2_048),
      'c-\ud800',
      'c-\u0000\n\u001f',
      'c-\udc00\ud83d',
    ]) {
      const key = parkedKey(parked(callId));
      expect(key.split('/')).toHaveLength(3);
      for (const segment of key.split('/')) expect(Buffer.byteLength(segment)).toBeLessThanOrEqual(255);
      expect(key).toMatch(/^parked\/2026-11-20\/2026-11-20T10:00:00\.000Z_[A-Za-z0-9._~-]{1,100}_[0-9a-f-]{36}\.json$/);
      const envelope = envelopeOf(parked(callId));
      expect(parseParkedCallback(JSON.stringify(envelope)).callId).toBe(callId);
    }
  });

  it('show a plain callId as it is', () => {
    expect(parkedKey(parked('c-86a3b2d1-3b8e-4d55-9f1e-0c7e5b1a2f44'))).toContain(
      '_c-86a3b2d1-3b8e-4d55-9f1e-0c7e5b1a2f44_',
    );
  });

  it('are unique for copies of one callback', () => {
    expect(parkedKey(parked('c-1'))).not.toBe(parkedKey(parked('c-1')));
  });
});
