/**
 * The committed validators and type are derived from schemas/disconnect.schema.json; when someone edits the
 * schema and forgets `npm run generate`, this fails instead of the recorder silently validating the old schema.
 * The generated validators are then held to what each tier promises, by behaviour.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedSources, SPEC_TIER } from '../../../../tools/generate/validator-sources.ts';
import { validateRecordTier, validateSpecTier } from '../../../../lambda/domain/callback/validate-tiers.generated.cjs';
import { RECORDER_ATTRIBUTES } from '../../../../lambda/domain/stored-record/disconnect-record.ts';

const root = new URL('../../../../', import.meta.url);
const schema = JSON.parse(readFileSync(new URL('schemas/disconnect.schema.json', root), 'utf8')) as {
  properties: Record<string, Record<string, unknown>>;
};
const callback = { eventType: 'disconnect', callId: 'c-generated' };

describe('generated validators', () => {
  const sources = generatedSources();

  it.each(Object.keys(sources))('committed %s is what the schema generates now (run `npm run generate` if not)', (path) => {
    expect(readFileSync(new URL(path, root), 'utf8')).toBe(sources[path]);
  });

  it('the record tier refuses what a record cannot do without, and nothing of the spec tier', () => {
    expect(validateRecordTier(callback)).toBe(true);
    expect(validateRecordTier({ ...callback, eventType: 'answer' })).toBe(false);
    expect(validateRecordTier({ eventType: 'disconnect' })).toBe(false);
    expect(validateRecordTier({ ...callback, callId: '' })).toBe(false);
    // Every field the spec describes, of the wrong type: still a record.
    const specFields = Object.keys(schema.properties).filter((name) => schema.properties[name]?.[SPEC_TIER] === true);
    expect(specFields.length).toBeGreaterThan(0);
    expect(validateRecordTier({ ...callback, ...Object.fromEntries(specFields.map((name) => [name, { wrong: true }])) })).toBe(true);
  });

  it('the schema reserves every name the recorder stores its own attributes under', () => {
    for (const name of RECORDER_ATTRIBUTES) {
      expect(validateRecordTier({ ...callback, [name]: 'x' }), name).toBe(false);
    }
  });

  it('the spec tier names a deviation and never coerces: a JSON body keeps the types it was sent with', () => {
    const sent = { ...callback, sipResponseCode: '486', answerTime: '' };
    expect(validateSpecTier(sent)).toBe(false);
    expect(validateSpecTier.errors?.map((error) => error.instancePath)).toEqual(['/sipResponseCode']);
    expect(sent).toEqual({ ...callback, sipResponseCode: '486', answerTime: '' });
  });

  it('the spec tier reads times as RFC 3339 does: leap seconds and offsets in, no seconds or no zone out', () => {
    const valid = (time: string) => validateSpecTier({ ...callback, endTime: time });
    expect(valid('2016-12-31T23:59:60Z')).toBe(true);
    expect(valid('2019-06-20T15:55:54.123+05')).toBe(true);
    expect(valid('2019-12-27T19:18:23.320006Z')).toBe(true);
    expect(valid('2022-06-17T22:20Z')).toBe(false);
    expect(valid('2026-11-20T15:58:04.911')).toBe(false);
    // Second 60 exists only as the last second of a UTC day.
    expect(valid('2016-12-31T12:59:60Z')).toBe(false);
  });
});
