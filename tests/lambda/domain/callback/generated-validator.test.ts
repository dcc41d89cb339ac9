/**
 * The committed validators and type are derived from schemas/disconnect.schema.json; when someone edits the
 * schema and forgets `npm run generate`, this fails instead of the recorder silently validating the old schema.
 * The generated validators are then held to what each tier promises, by behaviour.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  validateDisconnectRecordTier as validateRecordTier,
  validateDisconnectSpecTier as validateSpecTier,
} from '../../../../lambda/domain/callback/validate-tiers.generated.cjs';
import { RECORDER_ATTRIBUTES } from '../../../../lambda/domain/stored-record/disconnect-record.ts';
import { generatedSources, SPEC_FORMATS, SPEC_TIER } from '../../../../tools/generate/validator-sources.ts';

const root = new URL('../../../../', import.meta.url);
const schema = JSON.parse(readFileSync(new URL('schemas/disconnect.schema.json', root), 'utf8')) as {
  properties: Record<string, Record<string, unknown>>;
};
const callback = { eventType: 'disconnect', callId: 'c-generated' };

describe('generated validators', () => {
  const sources = generatedSources();

  it.each(Object.keys(sources))(
    'committed %s is what the schema generates now (run `npm run generate` if not)',
    (path) => {
      expect(readFileSync(new URL(path, root), 'utf8')).toBe(sources[path]);
    },
  );

  it('the record tier refuses what a record cannot do without, and nothing of the spec tier', () => {
    expect(validateRecordTier(callback)).toBe(true);
    expect(validateRecordTier({ ...callback, eventType: 'answer' })).toBe(false);
    expect(validateRecordTier({ eventType: 'disconnect' })).toBe(false);
    expect(validateRecordTier({ ...callback, callId: '' })).toBe(false);
    // Every field the spec describes, of the wrong type: still a record.
    const specFields = Object.keys(schema.properties).filter((name) => schema.properties[name]?.[SPEC_TIER] === true);
    expect(specFields.length).toBeGreaterThan(0);
    expect(
      validateRecordTier({ ...callback, ...Object.fromEntries(specFields.map((name) => [name, { wrong: true }])) }),
    ).toBe(true);
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

  // The generated file carries its own copy of ajv-formats' two formats (no 7.7 KB formats module in the bundle):
  // it must judge every text exactly as ajv-formats itself does (the empty time is the schema's own exception).
  const times = [
    '2016-12-31T23:59:60Z',
    '2016-12-31T12:59:60Z',
    '2016-12-31T23:59:60+00:00',
    '2017-01-01T00:59:60+01:00',
    '2019-06-20T15:55:54.123+05',
    '2019-06-20T15:55:54.123+0530',
    '2019-06-20T15:55:54.123+05:30',
    '2019-06-20 15:55:54Z',
    '2019-06-20t15:55:54z',
    '2019-12-27T19:18:23.320006Z',
    '2022-06-17T22:20Z',
    '2026-11-20T15:58:04.911',
    '2024-02-29T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-04-31T00:00:00Z',
    '2024-01-01T24:00:00Z',
    '2024-01-01T23:60:00Z',
    '2024-01-01T00:00:00+24:00',
    '2024-01-01T00:00:00+23:60',
    'T',
    '2024-01-01',
    '2024-01-01TT00:00:00Z',
    '2024-01-01T00:00:00.Z',
    '2024-01-01T00:00:00,5Z',
    ' 2024-01-01T00:00:00Z',
    '2024-01-01T00:00:00Z ',
    '１２３４-01-01T00:00:00Z',
  ];
  const uris = [
    'https://voice.bandwidth.com/api/v2/accounts/55555555/calls/c-95ac8d6e',
    'http://[::1]:8080/x?y=1#z',
    'http://[v1.fe]/',
    'https://user:pw@example.com:443/a/b;c=d?e=f&g=h#i',
    'urn:isbn:0451450523',
    'mailto:a@example.com',
    'tel:+15551112222',
    'example.com/calls',
    '/api/v2/calls',
    'https://exa mple.com',
    'https://example.com/%zz',
    'https://example.com/%41',
    '',
    ':',
    'a:',
    'https://example.com/ü',
    'ftp://256.1.1.1/',
    'http://1.2.3.4:/',
    'javascript:alert(1)',
    'https://example.com/\n',
  ];

  it.each(times)("the spec tier judges the time %j as ajv-formats' date-time does", (time) => {
    expect(validateSpecTier({ ...callback, endTime: time })).toBe(SPEC_FORMATS['date-time'](time));
  });

  it.each(uris)("the spec tier judges the URL %j as ajv-formats' uri does", (url) => {
    expect(validateSpecTier({ ...callback, callUrl: url })).toBe(SPEC_FORMATS.uri(url));
  });

  it("the corpus tells the formats' answers apart (both verdicts occur for each)", () => {
    expect(new Set(times.map((time) => SPEC_FORMATS['date-time'](time)))).toEqual(new Set([true, false]));
    expect(new Set(uris.map((url) => SPEC_FORMATS.uri(url)))).toEqual(new Set([true, false]));
  });
});
