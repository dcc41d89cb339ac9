import { describe, expect, it } from 'vitest';
import { parkedKey, type ParkedCallback } from '../../../lambda/adapters/parked-callbacks.ts';

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

  it('stay within 255 bytes per segment for the longest callId, without cutting an escape in half', () => {
    for (const callId of [`c-${'é'.repeat(1_020)}`, `c-${'x'.repeat(2_040)}`, `c-/${'%'.repeat(900)}`]) {
      const key = parkedKey(parked(callId));
      for (const segment of key.split('/')) expect(Buffer.byteLength(segment)).toBeLessThanOrEqual(255);
      const callIdPart = key.split('_')[1] ?? '';
      expect(() => decodeURIComponent(callIdPart)).not.toThrow();
      expect(callId.startsWith(decodeURIComponent(callIdPart))).toBe(true);
    }
  });

  it('are unique for copies of one callback', () => {
    expect(parkedKey(parked('c-1'))).not.toBe(parkedKey(parked('c-1')));
  });
});
